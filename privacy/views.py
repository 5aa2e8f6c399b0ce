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
from lms.models import AuditEvent, Province
from privacy.calendar import working_days_between
from privacy.forms import (
    AccountDeleteForm,
    BreachForm,
    BreachNotifyForm,
    ConsentAnswerForm,
    DataRequestAnswerForm,
    DataRequestForm,
)
from privacy.middleware import SESSION_KEY, consent_answered
from privacy.pdf import breach_notification_pdf, personal_data_pdf
from privacy.permissions import (
    can_work_requests,
    communes_for_requests,
    provinces_for_breaches,
)
from privacy.selectors import (
    account_consent_latest,
    account_consent_needed,
    breach_notification_draft,
    breach_register,
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
    breach_notify,
    breach_record,
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


def _breach_clock(breach, now) -> dict:
    """Hours left to notify the authority, or how late it is."""
    if breach.notified_at is not None:
        return {"state": "notified"}
    if breach.notify_by < now:
        return {
            "state": "overdue",
            "hours": int((now - breach.notify_by).total_seconds() // 3600),
        }
    return {
        "state": "open",
        "hours": int((breach.notify_by - now).total_seconds() // 3600),
    }


def _breaches_provinces(user):
    """Provinces a breach may be recorded in: those covered whole, and those of
    the communes covered."""
    communes = communes_for_requests(user)
    return (
        provinces_for_breaches(user)
        | Province.objects.filter(pk__in=communes.values("province_id"))
    ).distinct()


@login_required
def breaches(request):
    """The breach register: what is still to notify first, the nearest deadline
    at the top; a new breach."""
    if not can_work_requests(request.user):
        raise PermissionDenied
    form = BreachForm(
        request.POST or None,
        provinces=_breaches_provinces(request.user),
        communes=communes_for_requests(request.user).order_by("name"),
        whole_province=provinces_for_breaches(request.user).exists(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach = breach_record(
                by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The breach is on the register. Notify the authority before "
                    "%(time)s."
                )
                % {
                    "time": timezone.localtime(breach.notify_by).strftime(
                        "%d/%m/%Y %H:%M"
                    )
                },
            )
            return redirect("privacy_breach", breach_id=breach.pk)
    page = Paginator(breach_register(request.user), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [(breach, _breach_clock(breach, now)) for breach in page]
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="breach",
        subject_ids=[breach.pk for breach, _clock_ in rows],
        request=request,
    )
    return render(
        request, "privacy/breaches.html", {"form": form, "page": page, "rows": rows}
    )


def _breach_or_404(request, breach_id: int):
    breach = (
        breach_register(request.user)
        .select_related("recorded_by", "notified_by")
        .filter(pk=breach_id)
        .first()
        if can_work_requests(request.user)
        else None
    )
    if breach is None:
        raise Http404
    return breach


@login_required
def breach_detail(request, breach_id: int):
    breach = _breach_or_404(request, breach_id)
    form = BreachNotifyForm(
        request.POST or None,
        initial={
            "notification_text": breach_notification_draft(breach),
            "notified_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            breach_notify(
                by=request.user, breach=breach, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The notification is recorded."))
            return redirect("privacy_breach", breach_id=breach.pk)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.VIEW,
        subject="breach",
        subject_ids=[breach.pk],
        commune_id=breach.commune_id,
        request=request,
    )
    return render(
        request,
        "privacy/breach.html",
        {"item": breach, "clock": _breach_clock(breach, timezone.now()), "form": form},
    )


@login_required
def breach_pdf(request, breach_id: int):
    """The notification as the authority received it, to print or attach."""
    breach = _breach_or_404(request, breach_id)
    if breach.notified_at is None:
        raise Http404
    place = breach.commune.full_name if breach.commune else breach.province.full_name
    data = breach_notification_pdf(
        breach, issuer=_("People's Committee of %(place)s") % {"place": place}
    )
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        subject="breach",
        subject_ids=[breach.pk],
        commune_id=breach.commune_id,
        detail="notification pdf",
        request=request,
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="thong-bao-vi-pham-du-lieu-{breach.pk}.pdf"'
    )
    return response
