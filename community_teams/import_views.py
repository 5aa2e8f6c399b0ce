"""The admin's "Import households" screens: upload, progress, preview, accept.

They sit under the "Households" screens (``households:import…``); each import is
seen and acted on only by the person who uploaded it, while they keep its hamlet.
"""

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from community_teams import imports
from community_teams.models import RosterImport, RosterImportRow
from community_teams.permissions import hamlets_managed_by, may_keep_households
from lms.audit import audit_record
from lms.converters import id_parse
from lms.models import AuditEvent, Hamlet
from lms.spreadsheets import MAX_BYTES

ROWS_PER_PAGE = 50
# A browser without JavaScript reloads the progress page this often (seconds).
REFRESH_SECONDS = 5
TEMPLATE_COLUMNS = [
    "STT",
    "Số hộ",
    "Họ và tên",
    "Năm sinh",
    "Giới tính",
    "Quan hệ với chủ hộ",
    "Số nhà",
    "Số điện thoại",
    "Ghi chú",
]


def _check_may_import(user) -> None:
    if not may_keep_households(user):
        raise PermissionDenied


def _own_import(request, pk) -> RosterImport:
    _check_may_import(request.user)
    roster_import = (
        RosterImport.objects.select_related("hamlet__commune")
        .filter(
            pk=pk,
            created_by=request.user,
            hamlet__in=hamlets_managed_by(request.user),
        )
        .first()
    )
    if roster_import is None:
        raise Http404
    return roster_import


class RosterUploadForm(forms.Form):
    hamlet = forms.ModelChoiceField(
        label=gettext_lazy("Hamlet"),
        queryset=Hamlet.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("Choose a hamlet you keep.")},
    )
    file = forms.FileField(
        label=gettext_lazy("Roster file (.xlsx or .csv)"),
        error_messages={
            "empty": gettext_lazy("The file is empty."),
            "required": gettext_lazy("Choose the roster file."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hamlet"].queryset = hamlets_managed_by(user).select_related(
            "commune"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB; split it by hamlet.")
                % {"size": MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


class RosterUploadView(WagtailAdminTemplateMixin, View):
    template_name = "community_teams/admin/roster_upload.html"
    page_title = gettext_lazy("Import households")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _check_may_import(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("households:index"), "label": _("Households")},
            {"url": "", "label": self.page_title},
        ]

    def _render(self, form):
        recent = RosterImport.objects.filter(
            created_by=self.request.user,
            hamlet__in=hamlets_managed_by(self.request.user),
        ).select_related("hamlet")[:5]
        return self.render_to_response(
            self.get_context_data(
                form=form,
                recent=list(recent),
                max_megabytes=MAX_BYTES // (1024 * 1024),
                template_url=reverse("households:import_template"),
            )
        )

    def get(self, request):
        initial = {}
        try:
            initial["hamlet"] = id_parse(request.GET.get("hamlet", ""))
        except ValueError:
            pass
        return self._render(RosterUploadForm(user=request.user, initial=initial))

    def post(self, request):
        form = RosterUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                roster_import = imports.roster_import_create(
                    by=request.user,
                    hamlet=form.cleaned_data["hamlet"],
                    name=upload.name,
                    data=upload.read(),
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("households:import_detail", pk=roster_import.pk)
        return self._render(form)


class RosterImportView(WagtailAdminTemplateMixin, View):
    """Where an import stands: progress, the preview to accept, or the outcome."""

    template_name = "community_teams/admin/roster_import.html"
    page_title = gettext_lazy("Import households")
    header_icon = "upload"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("households:index"), "label": _("Households")},
            {"url": reverse("households:import"), "label": self.page_title},
            {"url": "", "label": self.roster_import.file_name},
        ]

    def get_page_subtitle(self):
        return self.roster_import.hamlet.name

    def get(self, request, pk):
        roster_import = self.roster_import = _own_import(request, pk)
        context = {
            "roster_import": roster_import,
            "progress": _progress(roster_import),
            "refresh_seconds": REFRESH_SECONDS,
            "working": roster_import.status
            in (
                RosterImport.Status.UPLOADED,
                RosterImport.Status.READING,
                RosterImport.Status.SAVING,
            ),
            "stalled": imports.roster_import_is_stalled(roster_import),
        }
        shown = (RosterImport.Status.READY, RosterImport.Status.DONE)
        if roster_import.status in shown:
            show = request.GET.get("show", "")
            rows = roster_import.rows.all()
            if show in RosterImportRow.Action.values:
                rows = rows.filter(action=show)
            page = Paginator(rows.order_by("line"), ROWS_PER_PAGE).get_page(
                request.GET.get("page")
            )
            context.update(
                show=show,
                rows=page,
                filters=[("", _("All"))] + list(RosterImportRow.Action.choices),
                may_accept=roster_import.status == RosterImport.Status.READY
                and bool(roster_import.to_create or roster_import.to_update),
            )
            matched = [row.household_id for row in page if row.household_id]
            audit_record(
                actor=request.user,
                action=AuditEvent.Action.LIST,
                subject="household",
                subject_ids=matched,
                commune_id=roster_import.hamlet.commune_id,
                detail=f"roster import {roster_import.pk} preview",
                request=request,
            )
        return self.render_to_response(self.get_context_data(**context))


def _progress(roster_import: RosterImport) -> dict:
    total = roster_import.rows_total
    read = min(roster_import.rows_read, total) if total else roster_import.rows_read
    finished = roster_import.status not in (
        RosterImport.Status.UPLOADED,
        RosterImport.Status.READING,
        RosterImport.Status.SAVING,
    )
    if finished:
        percent = 100
    elif roster_import.status == RosterImport.Status.SAVING or not total:
        percent = None
    else:
        percent = min(99, round(100 * read / total))
    return {
        "status": roster_import.status,
        "label": roster_import.get_status_display(),
        "rows_read": read,
        "rows_total": total,
        "percent": percent,
        "finished": finished,
    }


@require_GET
def roster_progress(request, pk):
    return JsonResponse(_progress(_own_import(request, pk)))


class RosterActionView(View):
    """Accept the preview, read the file again, or drop the import (POST)."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        roster_import = _own_import(request, pk)
        services = {
            "accept": imports.roster_import_accept,
            "reread": imports.roster_import_reread,
            "discard": imports.roster_import_discard,
            "resume": imports.roster_import_resume,
        }
        if action not in services:
            raise Http404
        try:
            services[action](by=request.user, roster_import=roster_import)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if action == "discard":
                messages.success(request, _("The import was dropped."))
                return redirect("households:import")
            if action == "accept":
                messages.success(
                    request, _("Saving the households; this page shows when done.")
                )
        return redirect("households:import_detail", pk=pk)


@require_GET
def roster_template(request):
    """An empty roster in the layout the import reads, to fill in."""
    _check_may_import(request.user)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Households")[:31]
    sheet.append([_("HOUSEHOLD ROSTER")])
    sheet.merge_cells(
        start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLUMNS)
    )
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(TEMPLATE_COLUMNS)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    widths = (6, 8, 28, 10, 10, 18, 12, 16, 20)
    for letter, width in zip("ABCDEFGHI", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    guide = book.create_sheet(_("How to fill it in")[:31])
    for line in (
        _("One row per person; the people of a household on rows one after another."),
        _(
            "Số hộ: the same number for everyone in the household (empty means the "
            "same as the row above)."
        ),
        _(
            "Quan hệ với chủ hộ: “Chủ hộ” for the head of household; Vợ, Chồng, "
            "Con, Cháu… for the others."
        ),
        _(
            "Năm sinh: the year (1985) or the date of birth (12/03/1985); only the "
            "year is kept."
        ),
        _("Giới tính: Nam or Nữ."),
        _("Số điện thoại: a mobile number, or empty."),
        _("Do not write citizen ID numbers (CCCD/CMND): the platform keeps none."),
    ):
        guide.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="danh-sach-ho-mau.xlsx"'
    return response
