from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lms.forms import ProfileForm
from lms.models import Commune


def _next_url(request) -> str:
    """Where the person was going (a page of this site), or "" if nowhere safe."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@login_required
def profile(request):
    """The person's name, birth year and commune; saved, it sends them on.

    On to the page they were going to (``next``), or to the catalogue: a new
    resident arrives here right after signing up and came to learn.
    """
    form = ProfileForm(request.POST or None, instance=request.user)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect(next_url or "catalogue")
    return render(request, "lms/profile.html", {"form": form, "next_url": next_url})


@require_GET
def commune_search(request):
    """Suggestions for the commune field: accent-insensitive, at most 20."""
    query = request.GET.get("q", "")[:100]
    results = []
    if len(query.strip()) >= 2:
        results = [
            {"code": c.code, "name": f"{c.full_name}, {c.province.full_name}"}
            for c in Commune.objects.search(query).select_related("province")[:20]
        ]
    return JsonResponse({"results": results})


# Read once: the worker must be served from the site root (its scope), not from
# /static/, and browsers re-check it on every visit, so it stays small and uncached.
SERVICE_WORKER = (Path(__file__).parent / "static" / "lms" / "sw.js").read_bytes()
THEME_COLOUR = "#b3121d"  # --brand in site.css


@require_GET
def service_worker(request):
    response = HttpResponse(SERVICE_WORKER, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def web_manifest(request):
    """What a phone needs to install the site as an app."""
    manifest = {
        "name": _("Digital skills"),
        "short_name": _("Digital skills"),
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {
                "src": static(f"lms/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    return JsonResponse(
        manifest,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def offline(request):
    """Shown by the service worker for a page that was never kept on the phone;
    the list of what is kept is filled in on the phone itself."""
    return render(request, "lms/offline.html")
