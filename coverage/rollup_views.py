"""The national roll-up's two pages: a province's export, the nation's table.

The export answers only a caller holding one of the site's roll-up tokens
(``LMS_ROLLUP_TOKENS``): the national site's command, not a person, so no
session and no CSRF token are involved. It holds counts only.
"""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from coverage import rollup


def _token_valid(request) -> bool:
    scheme, _space, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    offered = token.strip().encode()
    # Every configured token is compared in full, so the time taken says
    # nothing about how much of one was right.
    matches = [
        hmac.compare_digest(offered, known.encode())
        for known in settings.LMS_ROLLUP_TOKENS
        if known
    ]
    return any(matches)


def _error(message: str, status: int) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def export(request):
    """This site's counts for ``?year=`` (this year without one), as JSON."""
    if not _token_valid(request):
        response = _error(
            _(
                "This address needs one of the site's roll-up tokens, sent as "
                "“Authorization: Bearer <token>”."
            ),
            401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="coverage roll-up"'
        return response
    raw = request.GET.get("year", "")
    if not raw:
        year = timezone.localdate().year
    elif raw.isdigit() and len(raw) == 4 and 2020 <= int(raw) <= 2100:
        year = int(raw)
    else:
        return _error(
            _("“year” must be a year from 2020 to 2100, e.g. ?year=2026."), 400
        )
    response = JsonResponse(
        rollup.rollup_export(year=year), json_dumps_params={"ensure_ascii": False}
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def national(request):
    """Every province's latest figures and the nation's totals, for one year."""
    if not request.user.is_superuser:
        raise PermissionDenied
    years = rollup.rollup_years()
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and int(raw) in years else years[-1]
    return render(
        request,
        "coverage/national.html",
        {
            "year": year,
            "years": years,
            "national": rollup.national_summary(year=year),
            "stale_before": timezone.now() - timezone.timedelta(days=2),
        },
    )
