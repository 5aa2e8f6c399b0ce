from allauth.core.exceptions import RateLimited
from django.shortcuts import render


class RateLimitedMiddleware:
    """Turn allauth's ``RateLimited`` into our friendly 429 page instead of a 500.

    allauth raises it from deep inside a view, for instance when a sign-up form is
    submitted twice in a row (a double tap) and the second submission asks for a
    second SMS code to the same number within 30 seconds. Responses that allauth
    builds itself for rate limits render the same ``429.html``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RateLimited):
            return render(request, "429.html", status=429)
        return None
