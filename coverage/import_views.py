"""The officials' import screens: a staff roster for an agency, and training
finished on other platforms. Upload, progress, preview, accept, outcome.

Each import is seen and acted on only by the person who uploaded it, while they
keep its agency (a staff roster) or its province (completion records).
"""

import io
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from coverage import completion_records, imports, staff_roster
from coverage.models import (
    CompletionImport,
    CompletionImportRow,
    ExternalCompletion,
    ImportStatus,
    StaffImport,
    StaffImportRow,
)
from coverage.permissions import agencies_kept_by, keeps_agencies, provinces_kept_by
from lms.audit import audit_record
from lms.converters import id_parse
from lms.models import AuditEvent
from lms.spreadsheets import MAX_BYTES, MAX_ROWS, too_large_message

ROWS_PER_PAGE = 50
# A browser without JavaScript reloads the progress page this often (seconds).
REFRESH_SECONDS = 5
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _FileField(forms.FileField):
    def __init__(self, **kwargs):
        super().__init__(
            error_messages={
                "empty": gettext_lazy("The file is empty."),
                "required": gettext_lazy("Choose the file."),
            },
            **kwargs,
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload.size > MAX_BYTES:
            raise ValidationError(too_large_message(), code="too_large")
        return upload


class _AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, agency):
        # Sub-units under the agency they are part of, as the tree goes.
        return "\u2003" * agency.depth + agency.name


class StaffUploadForm(forms.Form):
    agency = _AgencyChoice(
        label=gettext_lazy("Agency"),
        queryset=None,
        error_messages={
            "invalid_choice": gettext_lazy("Choose an agency you keep."),
            "required": gettext_lazy("Choose the agency."),
        },
    )
    file = _FileField(label=gettext_lazy("Staff roster (.xlsx or .csv)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_kept_by(user).order_by("path")


class CompletionUploadForm(forms.Form):
    province = forms.ModelChoiceField(
        label=gettext_lazy("Province"),
        queryset=None,
        error_messages={"invalid_choice": gettext_lazy("Choose a province you keep.")},
    )
    source = forms.ChoiceField(
        label=gettext_lazy("Platform the file comes from"),
        choices=ExternalCompletion.Source.choices,
        error_messages={"required": gettext_lazy("Choose the platform.")},
    )
    file = _FileField(label=gettext_lazy("Exported file (.csv or .xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = provinces_kept_by(user).order_by("name")
        self.fields["province"].queryset = provinces
        if len(provinces) == 1:
            self.fields["province"].initial = provinces[0].pk


@dataclass(frozen=True)
class _Screens:
    """What differs between the two imports' screens."""

    model: type
    row_model: type
    url: str
    template: str
    upload_template: str
    subject: str
    # The field of a preview row naming someone already on the platform.
    named: str
    services: dict
    may_import: object
    owned: object


def _owned_staff_imports(user):
    return StaffImport.objects.filter(
        created_by=user, agency__in=agencies_kept_by(user)
    ).select_related("agency")


def _owned_completion_imports(user):
    return CompletionImport.objects.filter(
        created_by=user, province__in=provinces_kept_by(user)
    ).select_related("province")


def _keeps_a_province(user) -> bool:
    return provinces_kept_by(user).exists()


STAFF = _Screens(
    model=StaffImport,
    row_model=StaffImportRow,
    url="coverage_staff_import",
    template="coverage/staff_import.html",
    upload_template="coverage/staff_import_upload.html",
    subject="staff_member",
    named="staff_id",
    services={
        "accept": lambda by, item: imports.staff_import_accept(
            by=by, staff_import=item
        ),
        "reread": lambda by, item: imports.staff_import_reread(
            by=by, staff_import=item
        ),
        "discard": lambda by, item: imports.staff_import_discard(
            by=by, staff_import=item
        ),
        "resume": lambda by, item: imports.staff_import_resume(
            by=by, staff_import=item
        ),
    },
    may_import=keeps_agencies,
    owned=_owned_staff_imports,
)

COMPLETIONS = _Screens(
    model=CompletionImport,
    row_model=CompletionImportRow,
    url="coverage_completion_import",
    template="coverage/completion_import.html",
    upload_template="coverage/completion_import_upload.html",
    subject="user",
    named="user_id",
    services={
        "accept": lambda by, item: imports.completion_import_accept(
            by=by, completion_import=item
        ),
        "reread": lambda by, item: imports.completion_import_reread(
            by=by, completion_import=item
        ),
        "discard": lambda by, item: imports.completion_import_discard(
            by=by, completion_import=item
        ),
        "resume": lambda by, item: imports.completion_import_resume(
            by=by, completion_import=item
        ),
    },
    may_import=_keeps_a_province,
    owned=_owned_completion_imports,
)


def _check_may_import(screens: _Screens, user) -> None:
    if not screens.may_import(user):
        raise PermissionDenied


def _own_import(screens: _Screens, request, pk: int):
    _check_may_import(screens, request.user)
    item = screens.owned(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _progress(item) -> dict:
    total = item.rows_total
    read = min(item.rows_read, total) if total else item.rows_read
    if not item.working:
        percent = 100
    elif item.status == ImportStatus.SAVING or not total:
        percent = None
    else:
        percent = min(99, round(100 * read / total))
    return {
        "status": item.status,
        "label": item.get_status_display(),
        "rows_read": read,
        "rows_total": total,
        "percent": percent,
        "finished": not item.working,
    }


def _detail(screens: _Screens, request, pk: int, **extra):
    item = _own_import(screens, request, pk)
    context = {
        "item": item,
        "progress": _progress(item),
        "refresh_seconds": REFRESH_SECONDS,
        "stalled": imports.import_is_stalled(item),
        "rows": None,
        **extra,
    }
    if item.status in (ImportStatus.READY, ImportStatus.DONE):
        show = request.GET.get("show", "")
        rows = item.rows.all()
        if show in screens.row_model.Action.values:
            rows = rows.filter(action=show)
        page = Paginator(rows.order_by("line"), ROWS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context.update(
            show=show,
            rows=page,
            filters=[("", _("All"))] + list(screens.row_model.Action.choices),
        )
        # The preview names people already on the platform: that read is audited.
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.LIST,
            subject=screens.subject,
            subject_ids=[
                getattr(row, screens.named)
                for row in page
                if getattr(row, screens.named)
            ],
            commune_id=getattr(getattr(item, "agency", None), "commune_id", None),
            detail=f"{screens.url} {item.pk} preview",
            request=request,
        )
    return render(request, screens.template, context)


def _upload(screens: _Screens, request, form_class, create, *, chosen_from=None):
    """The upload form; ``chosen_from`` is a field the page's address may preset
    (``?agency=12`` from an agency's page)."""
    _check_may_import(screens, request.user)
    initial = {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                item = create(form.cleaned_data, upload.name, upload.read())
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect(f"{screens.url}_detail", pk=item.pk)
    else:
        if chosen_from:
            try:
                initial[chosen_from] = id_parse(request.GET.get(chosen_from, ""))
            except ValueError:
                pass
        form = form_class(user=request.user, initial=initial)
    recent = screens.owned(request.user)[:5]
    return render(
        request,
        screens.upload_template,
        {
            "form": form,
            "recent": list(recent),
            "max_megabytes": MAX_BYTES // (1024 * 1024),
            "max_rows": number_format(MAX_ROWS, force_grouping=True),
        },
    )


def _action(screens: _Screens, request, pk: int, action: str):
    item = _own_import(screens, request, pk)
    service = screens.services.get(action)
    if service is None:
        raise Http404
    try:
        service(request.user, item)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if action == "discard":
            messages.success(request, _("The import was dropped."))
            return redirect(screens.url)
    return redirect(f"{screens.url}_detail", pk=pk)


def _template_workbook(title: str, columns: list[str], guide: list[str], example):
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, label in enumerate(columns):
        letter = sheet.cell(row=1, column=index + 1).column_letter
        sheet.column_dimensions[letter].width = max(14, len(label) + 4)
    sheet.append(example)
    help_sheet = book.create_sheet(_("How to fill it in")[:31])
    for line in guide:
        help_sheet.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_response(data: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


# Staff rosters --------------------------------------------------------------------


@login_required
def staff_upload(request):
    return _upload(
        STAFF,
        request,
        StaffUploadForm,
        lambda data, name, content: imports.staff_import_create(
            by=request.user, agency=data["agency"], name=name, data=content
        ),
        chosen_from="agency",
    )


@login_required
def staff_import_detail(request, pk: int):
    return _detail(STAFF, request, pk)


@login_required
@require_GET
def staff_import_progress(request, pk: int):
    return JsonResponse(_progress(_own_import(STAFF, request, pk)))


@login_required
@require_POST
def staff_import_action(request, pk: int, action: str):
    return _action(STAFF, request, pk, action)


@login_required
@require_GET
def staff_import_template(request):
    """An empty roster with the columns the import reads, to fill in."""
    _check_may_import(STAFF, request.user)
    data = _template_workbook(
        _("Staff"),
        staff_roster.TEMPLATE_COLUMNS,
        [
            _("One row per person of the agency's staff; keep the header row."),
            _("Họ và tên: the full name, with its accents."),
            _(
                "Phân loại (CB/CC/VC): CB for cán bộ, CC for công chức, VC for "
                "viên chức."
            ),
            _("Chức vụ: the position (optional)."),
            _(
                "Số điện thoại or Email, at least one: the person signs in with it "
                "(a code by SMS or by email)."
            ),
            _(
                "Delete the example row before uploading, or it is imported as a "
                "person."
            ),
        ],
        ["Nguyễn Thị Lan", "CC", "Chuyên viên", "0912 345 678", "lan@example.vn"],
    )
    return _xlsx_response(data, "danh-sach-can-bo-mau.xlsx")


# Training finished elsewhere ------------------------------------------------------


@login_required
def completion_upload(request):
    return _upload(
        COMPLETIONS,
        request,
        CompletionUploadForm,
        lambda data, name, content: imports.completion_import_create(
            by=request.user,
            province=data["province"],
            source=data["source"],
            name=name,
            data=content,
        ),
    )


@login_required
def completion_import_detail(request, pk: int):
    return _detail(COMPLETIONS, request, pk)


@login_required
@require_GET
def completion_import_progress(request, pk: int):
    return JsonResponse(_progress(_own_import(COMPLETIONS, request, pk)))


@login_required
@require_POST
def completion_import_action(request, pk: int, action: str):
    return _action(COMPLETIONS, request, pk, action)


@login_required
@require_GET
def completion_import_template(request):
    """An empty list of completions with the columns the import reads."""
    _check_may_import(COMPLETIONS, request.user)
    data = _template_workbook(
        _("Completions"),
        completion_records.TEMPLATE_COLUMNS,
        [
            _("One row per course or skill a person finished; keep the header row."),
            _(
                "Số điện thoại or Email: how the person is known on this platform "
                "(at least one)."
            ),
            _(
                "Khóa học: the course's title as on this platform; or Kỹ năng: the "
                "skill's name or code."
            ),
            _("Ngày hoàn thành: the day it was finished, as dd/mm/yyyy."),
            _("Mã chứng nhận: the certificate number or any reference (optional)."),
            _("Delete the example row before uploading."),
        ],
        [
            "Nguyễn Thị Lan",
            "0912 345 678",
            "",
            "Dịch vụ công trực tuyến",
            "",
            "15/03/2025",
            "OT-2025-0001",
        ],
    )
    return _xlsx_response(data, "hoan-thanh-khoa-hoc-mau.xlsx")
