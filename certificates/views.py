"""Pages for certificates: public verification, learners' downloads, issuers' screens.

Verification (no login): ``verify/<CODE>/`` is printed in every QR code and must
never change; ``verify/`` is a form to type a code; ``api/verify/<CODE>/`` answers
other systems in JSON (see README.md in this app). Lookups that find nothing are
rate limited per client address.

Issuers (officials, later team leaders) work under ``manage/``: every list of
people and certificates goes through :mod:`certificates.permissions`.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates import exports, imports, permissions, ratelimit, selectors, services
from certificates.codes import code_normalize
from certificates.forms import (
    CertificateFilterForm,
    IssueSelectionForm,
    PeopleFilterForm,
    RevokeForm,
    UploadForm,
    VerifyForm,
)
from certificates.models import BulkIssue, BulkIssueItem, Certificate
from lms.models import Enrollment, User

PEOPLE_PER_PAGE = 50
CERTIFICATES_PER_PAGE = 50
# How often the progress page reloads itself when JavaScript is off (seconds).
PROGRESS_REFRESH_SECONDS = 5


# Public verification


def _render_unindexed(request, template: str, context=None, status: int = 200):
    # Verification pages name people: keep them out of search engines.
    response = render(request, template, context, status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


def _not_found(request):
    ratelimit.lookup_missed(request)
    return _render_unindexed(request, "certificates/not_found.html", status=404)


def _too_many(request):
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(ratelimit.WINDOW_SECONDS)
    return response


@require_GET
def verify(request, code: str):
    if ratelimit.lookups_blocked(request):
        return _too_many(request)
    canonical = code_normalize(code)
    if canonical is None:
        return _not_found(request)
    if canonical != code:
        return redirect("certificates:verify", code=canonical, permanent=True)
    certificate = selectors.certificate_public_get(code=canonical)
    if certificate is None:
        return _not_found(request)
    return _render_unindexed(
        request, "certificates/verify.html", {"certificate": certificate}
    )


@require_GET
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET:
        if ratelimit.lookups_blocked(request):
            return _too_many(request)
        if form.is_valid():
            return redirect("certificates:verify", code=form.cleaned_data["code"])
        ratelimit.lookup_missed(request)
    return render(request, "certificates/verify_form.html", {"form": form})


@require_GET
def api_verify(request, code: str):
    """JSON for other systems: 200 with the certificate, 404 ``not_found``, 429."""
    headers = {"Access-Control-Allow-Origin": "*", "X-Robots-Tag": "noindex"}
    if ratelimit.lookups_blocked(request):
        return JsonResponse(
            {"status": "rate_limited"},
            status=429,
            headers={"Retry-After": str(ratelimit.WINDOW_SECONDS), **headers},
        )
    canonical = code_normalize(code)
    certificate = (
        selectors.certificate_public_get(code=canonical) if canonical else None
    )
    if certificate is None:
        ratelimit.lookup_missed(request)
        return JsonResponse({"status": "not_found"}, status=404, headers=headers)
    return JsonResponse(certificate.as_json(), headers=headers)


# Learners


def _pdf_response(certificate: Certificate) -> FileResponse:
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.code}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_certificate(request, course_id: int):
    """A learner's certificate for a course: download it, or ask for a missing one."""
    certificate = Certificate.objects.filter(
        user=request.user, course_id=course_id
    ).first()
    if certificate is not None:
        if certificate.is_revoked:
            return render(
                request,
                "certificates/my_certificate.html",
                {"certificate": certificate},
            )
        if request.method == "POST":
            return redirect("certificates:mine", course_id=course_id)
        return _pdf_response(certificate)
    enrollment = (
        Enrollment.objects.filter(
            user=request.user, course_id=course_id, completed_at__isnull=False
        )
        .select_related("course")
        .first()
    )
    if enrollment is None or not enrollment.course.awards_certificate:
        raise Http404
    if request.method == "POST":
        try:
            services.certificate_issue(
                user=request.user,
                course=enrollment.course,
                source=Certificate.Source.LEARNER,
            )
        except ValidationError as error:
            if error.code == "missing_name":
                messages.error(
                    request,
                    _(
                        "Add your full name to your profile first: it is printed "
                        "on the certificate."
                    ),
                )
                return redirect("profile")
            messages.error(request, " ".join(error.messages))
        return redirect("certificates:mine", course_id=course_id)
    return render(
        request,
        "certificates/my_certificate.html",
        {"course": enrollment.course, "has_name": bool(request.user.full_name)},
    )


@login_required
@require_GET
def download(request, code: str):
    """The stored PDF, for its holder and for issuers whose people include them."""
    certificate = get_object_or_404(Certificate, code=code)
    if not permissions.can_download(request.user, certificate):
        raise Http404
    return _pdf_response(certificate)


# Issuers


def issuer_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_issue(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@issuer_required
@require_GET
def manage(request):
    form = CertificateFilterForm(request.GET or None)
    query, course_id = "", None
    if form.is_valid():
        query = form.cleaned_data["q"]
        course_id = form.cleaned_data["course"] and form.cleaned_data["course"].pk
    certificates = selectors.certificate_list(
        viewer=request.user, query=query, course_id=course_id
    )
    page = Paginator(certificates, CERTIFICATES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "certificates/manage/index.html",
        {
            "form": form,
            "page_obj": page,
            "can_revoke": permissions.can_revoke(request.user),
            "querystring": _querystring(request),
        },
    )


def _querystring(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@issuer_required
@require_http_methods(["GET", "POST"])
def issue(request):
    """Choose a course and people from a searchable list of the issuer's people."""
    if request.method == "POST":
        selection = IssueSelectionForm(request.POST)
        if selection.is_valid():
            data = selection.cleaned_data
            if data["everyone"]:
                people = selectors.people_list(viewer=request.user, query=data["q"])
            else:
                people = User.objects.filter(pk__in=data["people"])
            try:
                bulk_issue = services.bulk_issue_create(
                    created_by=request.user,
                    course=data["course"],
                    people=people,
                    reason=data["reason"],
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                return redirect("certificates:bulk_issue", pk=bulk_issue.pk)
        else:
            for errors in selection.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect(
            f"{reverse('certificates:issue')}?{request.POST.get('back', '')}"
        )
    form = PeopleFilterForm(request.GET or None)
    course, query = None, ""
    if form.is_valid():
        course, query = form.cleaned_data["course"], form.cleaned_data["q"]
    people = selectors.people_list(viewer=request.user, query=query)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    holders = (
        selectors.holders_among(
            course_id=course.pk, user_ids=[person.pk for person in page]
        )
        if course
        else set()
    )
    return render(
        request,
        "certificates/manage/issue.html",
        {
            "form": form,
            "course": course,
            "query": query,
            "page_obj": page,
            "holders": holders,
            "querystring": _querystring(request),
        },
    )


@issuer_required
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload a CSV of phone numbers or emails; the next page previews matches."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            match = imports.people_match_csv(
                issuer=request.user, data=data["file"].read()
            )
            bulk_issue = services.bulk_issue_create(
                created_by=request.user,
                course=data["course"],
                people=User.objects.filter(pk__in=match.user_ids),
                reason=data["reason"],
                unmatched=match.unmatched,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("certificates:bulk_issue", pk=bulk_issue.pk)
    return render(request, "certificates/manage/upload.html", {"form": form})


def _own_bulk_issue(request, pk: int) -> BulkIssue:
    return get_object_or_404(
        permissions.bulk_issues_visible_to(request.user).select_related("course"),
        pk=pk,
    )


@issuer_required
@require_GET
def bulk_issue_list(request):
    page = Paginator(selectors.bulk_issue_list(viewer=request.user), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "certificates/manage/bulk_list.html", {"page_obj": page})


@issuer_required
@require_GET
def bulk_issue(request, pk: int):
    """Preview before starting, progress while running, the result when done."""
    bulk_issue = _own_bulk_issue(request, pk)
    progress = selectors.bulk_issue_progress(bulk_issue=bulk_issue)
    bulk_issue.status = progress.status
    context = {
        "bulk_issue": bulk_issue,
        "progress": progress,
        "refresh_seconds": PROGRESS_REFRESH_SECONDS,
    }
    if bulk_issue.status == BulkIssue.Status.DRAFT:
        context["holders_count"] = selectors.bulk_issue_holders_count(
            bulk_issue=bulk_issue
        )
        context["page_obj"] = Paginator(
            selectors.bulk_issue_items(bulk_issue=bulk_issue), PEOPLE_PER_PAGE
        ).get_page(request.GET.get("page"))
    elif bulk_issue.status == BulkIssue.Status.RUNNING:
        context["stalled"] = services.bulk_issue_is_stalled(bulk_issue)
    else:
        context["failed"] = selectors.bulk_issue_items(
            bulk_issue=bulk_issue, status=BulkIssueItem.Status.FAILED
        )[:500]
    return render(request, "certificates/manage/bulk_issue.html", context)


@issuer_required
@require_POST
def bulk_issue_start(request, pk: int):
    bulk_issue = _own_bulk_issue(request, pk)
    try:
        services.bulk_issue_start(bulk_issue=bulk_issue, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("certificates:bulk_issue", pk=pk)


@issuer_required
@require_POST
def bulk_issue_resume(request, pk: int):
    services.bulk_issue_resume(bulk_issue=_own_bulk_issue(request, pk))
    return redirect("certificates:bulk_issue", pk=pk)


@issuer_required
@require_GET
def bulk_issue_progress(request, pk: int):
    progress = selectors.bulk_issue_progress(bulk_issue=_own_bulk_issue(request, pk))
    return JsonResponse(progress.as_json())


@issuer_required
@require_GET
def bulk_issue_zip(request, pk: int):
    bulk_issue = _own_bulk_issue(request, pk)
    if bulk_issue.status != BulkIssue.Status.DONE:
        raise Http404
    response = StreamingHttpResponse(
        exports.bulk_issue_zip(bulk_issue=bulk_issue), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="certificates-{bulk_issue.pk}.zip"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request, code: str):
    if not permissions.can_revoke(request.user):
        raise PermissionDenied
    certificate = get_object_or_404(
        permissions.certificates_visible_to(request.user), code=code
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                revoked_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Certificate %(code)s is revoked.") % {"code": certificate.code},
            )
            return redirect("certificates:manage")
    return render(
        request,
        "certificates/manage/revoke.html",
        {"certificate": certificate, "form": form},
    )
