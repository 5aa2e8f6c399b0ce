"""Ask a signed-in person, once, to answer a notice that needs new consent."""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from privacy.selectors import account_consent_needed, notice_current

# Where a person must still get without having agreed: signing in and out, the
# notice itself, their own data (to download it or delete the account), files the
# browser needs, and the staff's admin, which is their work rather than their
# learning account.
EXEMPT_PREFIXES = (
    "/accounts/",
    "/privacy/",
    "/learning/my-data/",
    "/learning/profile/",
    "/static/",
    "/media/",
    "/i18n/",
    "/jsi18n/",
    "/sw.js",
    "/manifest.webmanifest",
    "/offline/",
    "/admin/",
)
SESSION_KEY = "privacy_consent_version"


def consent_answered(request, version: int) -> None:
    """Remember for this session that the person agreed to ``version``."""
    request.session[SESSION_KEY] = version


class ConsentRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "GET"
            and request.user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and "text/html" in request.headers.get("accept", "text/html")
        ):
            required = notice_current()["required"]
            if required is not None and request.session.get(SESSION_KEY, 0) < required:
                if account_consent_needed(request.user) is not None:
                    query = urlencode({"next": request.get_full_path()})
                    return redirect(f"{reverse('privacy_consent')}?{query}")
                consent_answered(request, required)
        return self.get_response(request)
