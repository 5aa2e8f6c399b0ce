import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from community_teams.models import Consent
from lms.audit import audit_record
from lms.models import AuditEvent
from privacy.calendar import working_days_between
from privacy.forms import (
    AccountDeleteForm,
    ConsentAnswerForm,
    DataRequestAnswerForm,
    DataRequestForm,
)
from privacy.middleware import SESSION_KEY, consent_answered
from privacy.pdf import personal_data_pdf
from privacy.permissions import can_work_requests, communes_for_requests
from privacy.selectors import (
    account_consent_latest,
    account_consent_needed,
    data_request_queue,
    notice_current,
    notice_version_get,
    notice_version_latest,
    notice_version_list,
    personal_data,
)
from privacy.services import (
    account_consent_record,
    account_delete,
    data_request_answer,
    data_request_create,
)


def notice(request):
    """The notice in force, or a short statement while none is published yet."""
    return render(
        request,
        "privacy/notice_version.html",
        {"version": notice_version_latest(), "versions": notice_version_list()},
    )


def notice_version(request, number: int):
    version = notice_version_get(number)
    if version is None:
        raise Http404
    return render(
        request,
        "privacy/notice_version.html",
        {"version": version, "versions": notice_version_list()},
    )


@login_required
def consent(request):
    """The notice that needs an answer: agreeing goes on, refusing withdraws."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = ConsentAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agreed = form.cleaned_data["answer"] == "agree"
        account_consent_record(
            user=request.user,
            given=agreed,
            method=Consent.Method.ONLINE,
            request=request,
        )
        if agreed:
            consent_answered(request, notice_current()["required"] or 0)
            messages.success(request, _("Thank you: your answer is recorded."))
            return redirect(next_url or "my_learning")
        messages.info(
            request,
            _(
                "Your consent is withdrawn: your learning stays closed until you "
                "agree. You can still see, download or delete your data."
            ),
        )
        return redirect("my_data")
    return render(
        request,
        "privacy/consent.html",
        {
            "form": form,
            "next_url": next_url,
            "version": notice_version_latest(),
            "latest": account_consent_latest(request.user),
            "needed": account_consent_needed(request.user) is not None,
        },
    )


def _export_audit(request, kind: str) -> None:
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        subject="my data",
        subject_ids=[request.user.pk],
        commune_id=request.user.commune_id,
        detail=kind,
        request=request,
    )


@login_required
def my_data(request):
    """Everything the platform holds about the signed-in person, and their choices."""
    data = personal_data(request.user)
    consent = account_consent_latest(request.user)
    return render(
        request,
        "privacy/my_data.html",
        {
            "data": data,
            "account_consent": consent,
            "consent_given": consent is not None
            and consent.action == Consent.Action.GIVEN,
        },
    )


@login_required
def my_data_json(request):
    data = personal_data(request.user)
    _export_audit(request, "json")
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def my_data_pdf(request):
    data = personal_data(request.user)
    _export_audit(request, "pdf")
    response = HttpResponse(
        personal_data_pdf(data, generated_for=request.user.display_name),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def my_data_withdraw(request):
    """Withdraw consent to the learning account; learning closes until given again."""
    consent = account_consent_latest(request.user)
    if consent is not None and consent.action == Consent.Action.WITHDRAWN:
        messages.info(request, _("Your consent was already withdrawn."))
    else:
        account_consent_record(
            user=request.user,
            given=False,
            method=Consent.Method.ONLINE,
            request=request,
        )
        request.session.pop(SESSION_KEY, None)
        messages.success(
            request,
            _(
                "Your consent is withdrawn: your learning stays closed until you "
                "agree. You can still see, download or delete your data."
            ),
        )
    return redirect("my_data")


@login_required
def my_account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_delete(
                user=request.user,
                certificates=form.cleaned_data["certificates"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            logout(request)
            messages.success(
                request,
                _("Your account is deleted. Nothing that names you is kept."),
            )
            return redirect("/")
    return render(
        request,
        "privacy/account_delete.html",
        {"form": form, "certificate_count": request.user.certificates.count()},
    )


def _clock(data_request, today) -> dict:
    if data_request.answered_on is not None:
        return {"state": "answered"}
    left = working_days_between(today, data_request.due_on)
    return {"state": "overdue" if left < 0 else "open", "days": abs(left)}


@login_required
def data_requests(request):
    """The queue: open requests first, the most overdue at the top; a new one."""
    if not can_work_requests(request.user):
        raise PermissionDenied
    communes = communes_for_requests(request.user)
    form = DataRequestForm(request.POST or None, communes=communes)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_create(by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request is entered."))
            return redirect("data_requests")
    page = Paginator(data_request_queue(request.user), 50).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(item, _clock(item, today)) for item in page]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="data request",
        subject_ids=[item.pk for item, _clock_ in rows],
        request=request,
    )
    return render(
        request,
        "privacy/data_requests.html",
        {"form": form, "page": page, "rows": rows},
    )


@login_required
def data_request_detail(request, request_id: int):
    data_request = (
        data_request_queue(request.user)
        .select_related("answered_by")
        .filter(pk=request_id)
        .first()
        if can_work_requests(request.user)
        else None
    )
    if data_request is None:
        raise Http404
    form = DataRequestAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data_request_answer(
                by=request.user,
                data_request=data_request,
                answer=form.cleaned_data["answer"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("data_requests")
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        subject="data request",
        subject_ids=[data_request.pk],
        commune_id=data_request.commune_id,
        request=request,
    )
    return render(
        request,
        "privacy/data_request.html",
        {
            "item": data_request,
            "clock": _clock(data_request, timezone.localdate()),
            "form": form,
        },
    )
