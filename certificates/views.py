"""Pages for certificates: public verification, learners' downloads, issuers' screens.

Verification (no login): ``verify/<CODE>/`` is printed in every QR code and must
never change; ``verify/`` is a form to type a code; ``api/verify/<CODE>/`` answers
other systems in JSON (see README.md in this app). Lookups that find nothing are
rate limited per client address.

Issuers (officials, later team leaders) work under ``manage/``: every list of
people and certificates goes through :mod:`certificates.permissions`.
"""

from functools import wraps
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certificates import exports, imports, permissions, ratelimit, selectors, services
from certificates.codes import code_normalize
from certificates.design import (
    BAD_IMAGE_MESSAGE,
    CERTIFICATE_LANGUAGE,
    design_sample_pdf,
)
from certificates.forms import (
    CertificateFilterForm,
    HouseholdIssueForm,
    IssueSelectionForm,
    PeopleFilterForm,
    RevokeForm,
    UploadForm,
    VerifyForm,
)
from certificates.models import BulkIssue, BulkIssueItem, Certificate
from community_teams import permissions as community_permissions
from community_teams import selectors as community_selectors
from courses.models import Enrollment
from lms import pagecache
from lms.audit import audit_record
from lms.files import protected_file_response
from lms.models import AuditEvent, User
from lms.pagination import keyset_page
from lms.text import slugify_vi

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
    pagecache.depends_on(request, selectors.verification_namespace(canonical))
    certificate = selectors.certificate_public_get(code=canonical)
    if certificate is None:
        return _not_found(request)
    response = _render_unindexed(
        request, "certificates/verify.html", {"certificate": certificate}
    )
    # A QR code scanned by a crowd: kept whole until the certificate changes, and
    # still refused to an address past its limit of misses.
    return pagecache.cache_for_visitors(
        response, refuse_if="certificates.ratelimit.lookups_blocked"
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


def download_name(certificate: Certificate) -> str:
    """A file name a person recognises in their downloads folder.

    "chung-nhan-<course>-<name>.pdf", transliterated so every phone and mail
    program keeps it; the code ends it when the course and name give nothing.
    """
    with translation.override(CERTIFICATE_LANGUAGE):
        prefix = pgettext("start of a downloaded file name", "certificate")
    slug = slugify_vi(
        f"{prefix} {certificate.course_title} {certificate.recipient_name}",
        max_length=120,
    )
    return f"{slug or certificate.code}.pdf"


def _revoked_response(request, certificate: Certificate) -> HttpResponse:
    # Gone for good: the file stays as the record, but nobody receives it again.
    return render(
        request,
        "certificates/my_certificate.html",
        {"certificate": certificate},
        status=410,
    )


def _pdf_response(request, certificate: Certificate) -> HttpResponse:
    if certificate.is_revoked:
        return _revoked_response(request, certificate)
    response = protected_file_response(
        request,
        certificate.pdf.name,
        content_type="application/pdf",
        download_as=download_name(certificate),
    )
    # A PDF names its holder: no shared cache may keep it.
    response["Cache-Control"] = "private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def my_certificate(request, course_id: int):
    """A learner's certificate for a course: download it, or ask for a missing one."""
    certificate = Certificate.objects.filter(
        user=request.user, course_id=course_id
    ).first()
    if certificate is not None:
        if certificate.is_revoked:
            return _revoked_response(request, certificate)
        if request.method == "POST":
            return redirect("certificates:mine", course_id=course_id)
        return _pdf_response(request, certificate)
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
                return redirect(f"{reverse('profile')}?next={quote(request.path)}")
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
    return _pdf_response(request, certificate)


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
    page = _page(request, certificates, CERTIFICATES_PER_PAGE)
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


def _page(request, queryset, per_page: int):
    return keyset_page(
        queryset,
        per_page=per_page,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )


def _querystring(request) -> str:
    """The filters of the list shown, without its position."""
    params = request.GET.copy()
    for name in ("after", "before"):
        params.pop(name, None)
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
    page = _page(request, people, PEOPLE_PER_PAGE)
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
    page = _page(request, selectors.bulk_issue_list(viewer=request.user), 20)
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
        context["page_obj"] = _page(
            request, selectors.bulk_issue_items(bulk_issue=bulk_issue), PEOPLE_PER_PAGE
        )
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


# Residents trained in person, from a household's page


def _certifiable_household(request, household_id: int):
    """The household and its residents the viewer may certify, by name.

    404 for a household the viewer cannot see, 403 for one they see but do not
    certify (a team member, say).
    """
    home = community_selectors.household_get(request.user, household_id)
    if home is None:
        raise Http404
    if not permissions.may_certify_household(request.user, home):
        raise PermissionDenied
    named = community_permissions.residents_named_to(request.user, home)
    certifiable = set(
        permissions.residents_certifiable_by(request.user)
        .filter(household=home)
        .values_list("pk", flat=True)
    )
    residents = [
        resident
        for resident in home.residents.all()
        if resident.pk in named and resident.pk in certifiable
    ]
    return home, residents


@login_required
@require_http_methods(["GET", "POST"])
def household_issue(request, household_id: int):
    """A leader picks residents and a course, previews, then issues.

    Issuing twice (a double tap, the back button) issues once: a resident has at
    most one certificate per course.
    """
    home, residents = _certifiable_household(request, household_id)
    form = HouseholdIssueForm(request.POST or None, residents=residents)
    step = request.POST.get("step")
    if request.method == "POST" and form.is_valid():
        chosen = [r for r in residents if r.pk in set(form.cleaned_data["residents"])]
        course = form.cleaned_data["course"]
        if step == "issue":
            _household_issue_all(request, home, chosen, course, form)
            return redirect("certificates:household_issue", household_id=home.pk)
        return render(
            request,
            "certificates/manage/household_preview.html",
            {"household": home, "form": form, "chosen": chosen, "course": course},
        )
    certificates = list(
        Certificate.objects.filter(resident__household=home)
        .select_related("resident")
        .order_by("resident_id", "course_title", "pk")
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="resident",
        subject_ids=[resident.pk for resident in residents],
        commune_id=home.hamlet.commune_id,
        detail=f"certificates household={home.pk}",
        request=request,
    )
    return render(
        request,
        "certificates/manage/household_issue.html",
        {
            "household": home,
            "residents": residents,
            "form": form,
            "certificates": certificates,
        },
    )


def _household_issue_all(request, home, chosen, course, form) -> None:
    issued, existing, failed = [], [], []
    for resident in chosen:
        try:
            certificate, created = services.certificate_issue_or_get(
                resident=resident,
                course=course,
                source=Certificate.Source.IN_PERSON,
                issued_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            failed.append(f"{resident.full_name}: {' '.join(error.messages)}")
            continue
        (issued if created else existing).append(certificate)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.CREATE,
        subject="certificate",
        subject_ids=[certificate.pk for certificate in issued],
        commune_id=home.hamlet.commune_id,
        detail=(
            f"household={home.pk} course={course.pk} "
            f"residents={','.join(str(r.pk) for r in chosen)}"
        ),
        request=request,
    )
    if issued:
        messages.success(
            request,
            ngettext(
                "%(count)d certificate issued.",
                "%(count)d certificates issued.",
                len(issued),
            )
            % {"count": len(issued)},
        )
    if existing:
        messages.info(
            request,
            ngettext(
                "%(count)d resident already had this certificate.",
                "%(count)d residents already had this certificate.",
                len(existing),
            )
            % {"count": len(existing)},
        )
    for problem in failed:
        messages.error(request, problem)


@login_required
@require_GET
def household_issue_sample(request, household_id: int, resident_id: int):
    """A resident's certificate as it will look, marked "MẪU", before issuing."""
    home, residents = _certifiable_household(request, household_id)
    resident = next((r for r in residents if r.pk == resident_id), None)
    form = HouseholdIssueForm(
        {"course": request.GET.get("course", ""), "residents": [resident_id]},
        residents=residents,
    )
    if resident is None or not form.is_valid():
        raise Http404
    try:
        pdf = design_sample_pdf(
            course=form.cleaned_data["course"], recipient_name=resident.full_name
        )
    except (ValueError, ValidationError):
        return HttpResponse(
            str(BAD_IMAGE_MESSAGE),
            content_type="text/plain; charset=utf-8",
            status=503,
        )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        subject="resident",
        subject_ids=[resident.pk],
        commune_id=home.hamlet.commune_id,
        detail="certificate sample",
        request=request,
    )
    response = HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="mau.pdf"'},
    )
    response["Cache-Control"] = "private, no-store"
    return response
