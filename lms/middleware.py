from contextvars import ContextVar

from allauth.core.exceptions import RateLimited
from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404, QueryDict
from django.shortcuts import render

# The site's address as the request being served reached it; see public_base_url.
_request_base_url: ContextVar[str] = ContextVar("request_base_url", default="")
DEVELOPMENT_BASE_URL = "http://127.0.0.1:8000"


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


class NulCharacterMiddleware:
    """Refuse a NUL character in the address, the query string or a form.

    Nobody types one and Django's form fields refuse one, but every other read of
    a parameter (a filter, a chooser, a page address) would pass it to the
    database, and PostgreSQL can neither store nor compare text holding one: the
    query fails. An address with one names no page (404); a query string or form
    with one cannot be read (400, with the page saying so).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        if _holds_nul(request.GET) or (
            request.method == "POST" and _holds_nul(request.POST)
        ):
            raise BadRequest("A NUL character in the query string or the form.")
        return self.get_response(request)


def _holds_nul(data: QueryDict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in data.lists()
    )


class PublicAddressMiddleware:
    """Remember the address the current request reached the site at.

    Only consulted when ``LMS_PUBLIC_BASE_URL`` is empty, which production refuses:
    in development the QR code on a certificate then points at the server
    actually running, whatever its host and port.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base_url.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)


def public_base_url() -> str:
    """The site's public address: the setting, else the request's, else the default.

    A background worker serves no request: ``make run`` gives it the setting.
    """
    return (
        settings.LMS_PUBLIC_BASE_URL or _request_base_url.get() or DEVELOPMENT_BASE_URL
    ).rstrip("/")
