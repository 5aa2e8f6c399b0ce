"""Downloads of the agencies' training coverage: an Excel workbook and a PDF report.

``?agency=<id>`` narrows the report to that agency's part of the tree (one the
viewer sees, else 404) and ``?year=<yyyy>`` picks the year (anything else gives
this year, as on the dashboard). The files are written to a temporary file and
streamed from it. They hold counts only, never a person, so they are not
audited; the dashboard's lists of named people are.
"""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe

from coverage import exports, selectors
from coverage.views import _agency, _commune, _dashboard_user, _year
from lms.converters import id_parse


def _report(request) -> exports.Report:
    user = _dashboard_user(request)
    agency = None
    raw = request.GET.get("agency", "")
    if raw:
        try:
            agency = _agency(request, id_parse(raw))
        except ValueError:
            raise Http404 from None
    return exports.agencies_report(user, year=_year(request), agency=agency)


def _download(report: exports.Report, write, extension: str, content_type: str):
    file = tempfile.TemporaryFile()
    write(report, file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=f"{report.filename}.{extension}",
        content_type=content_type,
    )


def _places_report(request) -> exports.Report:
    user = _dashboard_user(request)
    code = request.GET.get("commune", "")
    commune = _commune(request, code) if code else None
    hamlet = None
    raw = request.GET.get("hamlet", "")
    if raw:
        try:
            hamlet_id = id_parse(raw)
        except ValueError:
            raise Http404 from None
        hamlet = selectors.hamlet_visible(user, commune, hamlet_id) if commune else None
        if hamlet is None:
            raise Http404
    return exports.places_report(
        user, year=_year(request), commune=commune, hamlet=hamlet
    )


@login_required
@require_safe
def places_xlsx(request):
    """The teams' reach and residents online as a workbook, a sheet per level."""
    return _download(
        _places_report(request),
        exports.workbook_write,
        "xlsx",
        exports.XLSX_CONTENT_TYPE,
    )


@login_required
@require_safe
def places_pdf(request):
    """The teams' reach and residents online as an A4 report."""
    return _download(
        _places_report(request), exports.pdf_write, "pdf", "application/pdf"
    )


@login_required
@require_safe
def agencies_xlsx(request):
    """The agencies' figures as a workbook: a sheet per level, and by month."""
    return _download(
        _report(request), exports.workbook_write, "xlsx", exports.XLSX_CONTENT_TYPE
    )


@login_required
@require_safe
def agencies_pdf(request):
    """The agencies' figures as the A4 report a province attaches to its own."""
    return _download(_report(request), exports.pdf_write, "pdf", "application/pdf")
