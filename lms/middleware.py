from allauth.core.exceptions import RateLimited
from django.shortcuts import render


class RateLimitedMiddleware:
    """Turn allauth's ``RateLimited`` (a quick re-submit) into a friendly 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return render(request, "429.html", status=429)
        return None
