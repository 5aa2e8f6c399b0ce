"""The coverage reports officials download: an Excel workbook and a PDF report.

A report is built once from the summary tables as a :class:`Report`: a title, a
headline against the target, and a list of :class:`Section` tables. The two
writers know nothing of agencies: :func:`workbook_write` makes each section a
sheet, :func:`pdf_write` prints the headline, a chart, and the sections marked
for print. The agencies' report (:func:`agencies_report`) is one builder; the
places' report (province → commune → hamlet) is another giving the same shape.

The agencies' workbook has a sheet per level of the tree under the part shown:
sheet 1 the agencies directly under it, sheet 2 every agency one level further
down, and so on, then the months of the year. Every row of a sheet is of the
same level and counts the agency with its sub-units, so a column adds up without
counting anyone twice, and the columns naming the agencies above let an
official filter one department's offices or pivot them per department; one
sheet of every agency would mix a department's row with its offices' rows,
which it already includes.

Reports hold counts only, never a person's name, so downloading one is not
audited; the lists of named people are, in :mod:`coverage.views`.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import BinaryIO
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from coverage import permissions, selectors
from coverage.models import Agency, AgencyFigures
from coverage.selectors import STEP, StaffFigures
from lms.models import Commune
from lms.pdf import FONT_BOLD, FONT_REGULAR, fonts_register
from lms.permissions import user_reach
from lms.text import slugify_vi

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The level below the first is printed too while it stays a few pages long; the
# workbook always has every level.
PDF_LEVEL_BELOW_ROWS = 500
# More bars than fit on a page tell nobody anything: past this the chart shows
# the agencies furthest from the target, and the table has them all.
PDF_CHART_BARS = 40
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = str.maketrans({char: "-" for char in "[]:*?/\\"})


class Kind:
    """How a column's values are written: text, a count, a share (0–1), a month."""

    TEXT = "text"
    COUNT = "count"
    PERCENT = "percent"
    MONTH = "month"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = Kind.TEXT
    # In characters, as Excel measures a column; the PDF shares its width
    # between text columns in the same proportions.
    width: float = 12
    # Columns for filtering in Excel (kind, commune) stay out of the printed table.
    printed: bool = True


@dataclass
class Section:
    """One table of a report: a sheet of the workbook, perhaps a table of the PDF.

    ``rows`` holds a value per column (a share as a fraction, ``None`` for
    nothing to show), read once by each writer: a builder whose rows do not fit
    in memory gives an iterable the workbook writes as it comes. ``size`` is
    their number; ``total`` a row set apart under them.
    """

    name: str
    title: str
    columns: list[Column]
    rows: Iterable[Sequence]
    size: int
    total: Sequence | None = None
    printed: bool = False
    empty: str = ""


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float


@dataclass
class Report:
    """What both files show: the title block, the headline, the tables."""

    title: str
    place: str
    year: int
    made_on: datetime.date
    headline: str
    percent: float
    target: int | None
    target_text: str
    bars: list[Bar]
    bars_title: str
    trend: list[tuple[datetime.date, int]]
    trend_title: str
    sections: list[Section]
    notes: list[str] = field(default_factory=list)
    # What only the PDF says (what it leaves to the workbook).
    pdf_notes: list[str] = field(default_factory=list)
    filename: str = "bao-cao"

    @property
    def dated(self) -> str:
        return _("Year %(year)s · Made on %(day)s") % {
            "year": self.year,
            "day": self.made_on.strftime("%d/%m/%Y"),
        }

    @property
    def subtitle(self) -> str:
        return f"{self.place} · {self.dated}"


# The agencies' report ------------------------------------------------------------


def _figure_columns(target: int | None) -> list[Column]:
    columns = [
        Column(_("Staff"), Kind.COUNT, 10),
        Column(_("With assigned courses"), Kind.COUNT, 14),
        Column(_("Trained"), Kind.COUNT, 10),
        Column(_("Trained (%)"), Kind.PERCENT, 11),
        Column(_("Overdue"), Kind.COUNT, 10),
    ]
    if target is not None:
        columns.append(Column(_("Target (%)"), Kind.PERCENT, 10, printed=False))
    return columns


def _figure_values(figures: StaffFigures, target: int | None) -> list:
    values = [
        figures.staff,
        figures.assigned,
        figures.finished,
        figures.finished / figures.staff if figures.staff else None,
        figures.overdue,
    ]
    if target is not None:
        values.append(target / 100)
    return values


def _agency_columns(ancestors: int) -> list[Column]:
    return [
        *(
            Column(_("Level %(number)s agency") % {"number": number}, width=34)
            for number in range(1, ancestors + 1)
        ),
        Column(_("Agency"), width=44),
        Column(_("Kind"), width=24, printed=False),
        Column(_("Commune"), width=20, printed=False),
    ]


def _agency_values(agency: Agency, kinds: dict, name: str | None = None) -> list:
    return [
        name or agency.name,
        kinds.get(agency.kind, agency.kind),
        agency.commune.full_name if agency.commune_id else "",
    ]


def _place_name(user, agency: Agency | None) -> str:
    if agency is not None:
        return f"{agency.name}, {agency.province.full_name}"
    reach = user_reach(user)
    if not reach.everything and not reach.province_ids and reach.commune_ids:
        communes = Commune.objects.filter(pk__in=reach.commune_ids).select_related(
            "province"
        )
        return "; ".join(
            f"{commune.full_name}, {commune.province.full_name}"
            for commune in communes.order_by("name")
        )
    provinces = list(permissions.provinces_visible_to(user).order_by("name")[:4])
    if 0 < len(provinces) <= 3:
        return ", ".join(province.full_name for province in provinces)
    return _("All provinces")


def _levels_below(user, level: selectors.AgencyLevel):
    """Every agency two or more levels under the part shown, by level, each with
    the agencies above it (from level 1) and the figures of its subtree.

    Two queries whatever the size: the agencies of the part the viewer sees, and
    their figures of the year, added up the tree here.
    """
    visible = permissions.agencies_visible_to(user)
    if level.agency is not None:
        part = visible.filter(path__startswith=level.agency.path).exclude(
            pk=level.agency.pk
        )
        bases = {level.agency.path: len(level.agency.path)}
    else:
        part = visible
        bases = {row.agency.path: len(row.agency.path) - STEP for row in level.rows}

    def base_of(path: str) -> int | None:
        # The nearest agency of level 0 (the one shown) or 1 (a top one) above.
        for end in range(len(path), 0, -STEP):
            if path[:end] in bases:
                return bases[path[:end]]
        return None

    sums: dict[str, StaffFigures] = defaultdict(StaffFigures)
    for path, *numbers in (
        AgencyFigures.objects.filter(year=level.year, agency__in=part)
        .values_list("path", "staff", "assigned", "finished", "overdue")
        .iterator(chunk_size=2000)
    ):
        row = StaffFigures(*numbers)
        for end in range(STEP, len(path) + 1, STEP):
            sums[path[:end]].add(row)
    by_path = {}
    levels: dict[int, list[Agency]] = defaultdict(list)
    for agency in part.select_related("commune").iterator(chunk_size=2000):
        by_path[agency.path] = agency
        base = base_of(agency.path)
        if base is not None:
            number = (len(agency.path) - base) // STEP
            if number >= 2:
                levels[number].append(agency)
    found = {}
    for number in sorted(levels):
        rows = []
        for agency in levels[number]:
            base = base_of(agency.path)
            above = [
                by_path.get(agency.path[: base + step * STEP])
                for step in range(1, number)
            ]
            rows.append((above, agency, sums.get(agency.path, StaffFigures())))
        rows.sort(
            key=lambda row: (
                *(a.search_key if a else "" for a in row[0]),
                row[1].search_key,
                row[1].pk,
            )
        )
        found[number] = rows
    return found


def agencies_report(user, *, year: int, agency: Agency | None = None) -> Report:
    """The civil servants' training report of ``agency`` (or of every agency
    ``user`` sees) for ``year``: what the dashboard shows, and every level below.

    ``agency`` must be one ``user`` sees, with its province and commune loaded
    (:func:`coverage.selectors.agency_visible`); the view checks.
    """
    level = selectors.agency_level(user, year=year, agency=agency)
    target = level.target
    place = _place_name(user, agency)
    figure_columns = _figure_columns(target)
    # Translated once: a label looked up per row costs more than the row.
    kinds = {value: str(label) for value, label in Agency.Kind.choices}

    # In the order of the levels below: by name without accents, so that "Đ"
    # comes with "D" as in the Vietnamese alphabet, not after "Z".
    ordered = sorted(level.rows, key=lambda row: (row.agency.search_key, row.agency.pk))
    first_rows = [
        [*_agency_values(row.agency, kinds), *_figure_values(row.figures, target)]
        for row in ordered
    ]
    if level.own is not None:
        first_rows.append(
            [
                *_agency_values(
                    agency, kinds, _("%(name)s: its own staff") % {"name": agency.name}
                ),
                *_figure_values(level.own, target),
            ]
        )
    sections = [
        Section(
            name=_("Level %(number)s") % {"number": 1},
            title=_("The agencies under %(place)s, each with its sub-units")
            % {"place": agency.name if agency else place},
            columns=[*_agency_columns(0), *figure_columns],
            rows=first_rows,
            size=len(first_rows),
            total=[_("Total"), "", "", *_figure_values(level.total, target)],
            printed=True,
            empty=(
                _("There are no agencies in your province yet.")
                if agency is None
                else _("This agency has no sub-units.")
            ),
        )
    ]
    for number, rows in _levels_below(user, level).items():
        sections.append(
            Section(
                name=_("Level %(number)s") % {"number": number},
                title=_(
                    "Every agency %(number)s levels down, each with its sub-units "
                    "and the agencies above it"
                )
                % {"number": number},
                columns=[*_agency_columns(number - 1), *figure_columns],
                rows=[
                    [
                        *(a.name if a else "" for a in above),
                        *_agency_values(below, kinds),
                        *_figure_values(figures, target),
                    ]
                    for above, below, figures in rows
                ],
                size=len(rows),
                printed=number == 2 and len(rows) <= PDF_LEVEL_BELOW_ROWS,
            )
        )
    sections.append(
        Section(
            name=_("By month"),
            title=_("Assigned courses finished, by month"),
            columns=[
                Column(_("Month"), Kind.MONTH, 12),
                Column(_("Assigned courses finished"), Kind.COUNT, 18),
            ],
            rows=[[month, count] for month, count in level.trend],
            size=len(level.trend),
        )
    )
    notes = [
        _(
            "Staff: civil servants on the agencies' rosters. Trained: those who "
            "finished every course assigned to them for %(year)s, on this platform "
            "or elsewhere; the percentage is of all staff. Overdue: past a deadline "
            "with a course not finished. Each agency counts with its sub-units."
        )
        % {"year": year}
    ]
    skipped = sum(section.size for section in sections[1:-1] if not section.printed)
    pdf_notes = []
    if skipped:
        pdf_notes.append(
            ngettext(
                "The Excel workbook of this report also lists the %(count)s agency "
                "further down.",
                "The Excel workbook of this report also lists the %(count)s agencies "
                "further down, level by level.",
                skipped,
            )
            % {"count": _number(skipped)}
        )
    bars = [
        Bar(row.agency.name, row.figures.percent)
        for row in ordered
        if row.figures.staff
    ]
    bars_title = _("Civil servants trained, by agency")
    if len(bars) > PDF_CHART_BARS:
        bars = sorted(bars, key=lambda bar: bar.percent)[:PDF_CHART_BARS]
        bars_title = _(
            "The %(count)s agencies with the lowest share of civil servants trained"
        ) % {"count": PDF_CHART_BARS}
    total = level.total
    return Report(
        title=_(
            "Digital skills training of cadres, civil servants and public employees"
        ),
        place=place,
        year=year,
        made_on=timezone.localdate(),
        headline=(
            _("%(finished)s of %(total)s civil servants trained (%(percent)s%%)")
            % {
                "finished": _number(total.finished),
                "total": _number(total.staff),
                "percent": _percent(total.percent),
            }
            + (
                " · "
                + ngettext("%(overdue)s overdue", "%(overdue)s overdue", total.overdue)
                % {"overdue": _number(total.overdue)}
                if total.overdue
                else ""
            )
        ),
        percent=total.percent,
        target=target,
        target_text=_target_text(total, target),
        bars=bars,
        bars_title=bars_title,
        trend=level.trend,
        trend_title=_("Assigned courses finished, by month"),
        sections=sections,
        notes=notes,
        pdf_notes=pdf_notes,
        filename=(
            f"bao-cao-boi-duong-{slugify_vi(agency.name if agency else place, 60)}"
            f"-{year}"
        ),
    )


# The places' report ---------------------------------------------------------------


def _reach_columns(online: bool) -> list[Column]:
    columns = [
        Column(_("Households"), Kind.COUNT, 12),
        Column(_("Households reached"), Kind.COUNT, 14),
        Column(_("Households reached (%)"), Kind.PERCENT, 14),
        Column(_("Residents"), Kind.COUNT, 12),
        Column(_("Residents guided"), Kind.COUNT, 14),
        Column(_("Residents guided (%)"), Kind.PERCENT, 14),
        Column(_("Visits"), Kind.COUNT, 10),
    ]
    if online:
        columns += [
            Column(_("Finished online"), Kind.COUNT, 12),
            Column(_("Certificates"), Kind.COUNT, 12),
        ]
    return columns


def _share(part: int, whole: int):
    return part / whole if whole else None


def _reach_values(reach, online=None, *, with_online: bool) -> list:
    values = [
        reach.households,
        reach.households_reached,
        _share(reach.households_reached, reach.households),
        reach.residents,
        reach.residents_guided,
        _share(reach.residents_guided, reach.residents),
        reach.visits,
    ]
    if with_online:
        values += [
            online.learners_finished if online else 0,
            online.certificates if online else 0,
        ]
    return values


def places_report(
    user, *, year: int, commune: Commune | None = None, hamlet=None
) -> Report:
    """The teams' reach and residents' online learning of ``hamlet``, of
    ``commune`` or of every commune ``user`` sees, for ``year``: a sheet of its
    communes or hamlets, every hamlet below, the skills and the months.

    ``commune`` and ``hamlet`` must be ones ``user`` sees (the view checks).
    """
    level = selectors.place_level(user, year=year, commune=commune, hamlet=hamlet)
    with_online = commune is None
    place = commune.full_name if commune else _place_name(user, None)
    if hamlet is not None:
        place = f"{hamlet.name}, {commune.full_name}"
    name_column = Column(_("Hamlet") if commune else _("Commune"), width=36)
    rows = [
        [row.name, *_reach_values(row.reach, row.online, with_online=with_online)]
        for row in level.rows
    ]
    if hamlet is not None:
        rows = [[hamlet.name, *_reach_values(level.total, with_online=False)]]
    total = level.total
    sections = [
        Section(
            name=_("Level %(number)s") % {"number": 1},
            title=(
                _("The hamlets of %(place)s") % {"place": place}
                if commune
                else _("The communes of %(place)s") % {"place": place}
            ),
            columns=[name_column, *_reach_columns(with_online)],
            rows=rows,
            size=len(rows),
            total=[
                _("Total"),
                *_reach_values(total, level.online, with_online=with_online),
            ],
            printed=True,
            empty=_("There are no places you can see."),
        )
    ]
    if commune is None and level.rows:
        hamlets = selectors.hamlet_rows(user, year=year)
        sections.append(
            Section(
                name=_("Level %(number)s") % {"number": 2},
                title=_("Every hamlet, with its commune"),
                columns=[
                    Column(_("Commune"), width=30),
                    Column(_("Hamlet"), width=30),
                    *_reach_columns(False),
                ],
                rows=[
                    [commune_name, name, *_reach_values(reach, with_online=False)]
                    for commune_name, name, reach in hamlets
                ],
                size=len(hamlets),
                printed=len(hamlets) <= PDF_LEVEL_BELOW_ROWS,
            )
        )
    sections.append(
        Section(
            name=_("By skill"),
            title=_("Residents guided, by skill"),
            columns=[
                Column(_("Skill"), width=44),
                Column(_("Residents guided"), Kind.COUNT, 14),
                Column(_("Can do it themselves"), Kind.COUNT, 14),
                Column(_("Households"), Kind.COUNT, 12),
            ],
            rows=[
                [
                    skill.name,
                    skill.residents_guided,
                    skill.residents_self_capable,
                    skill.households_reached,
                ]
                for skill in total.skills
            ],
            size=len(total.skills),
            printed=True,
        )
    )
    online_by_month = dict(level.online_months)
    sections.append(
        Section(
            name=_("By month"),
            title=_("Visits and courses finished online, by month"),
            columns=[
                Column(_("Month"), Kind.MONTH, 12),
                Column(_("Visits"), Kind.COUNT, 10),
                Column(_("Households reached for the first time"), Kind.COUNT, 18),
                Column(_("Courses finished online"), Kind.COUNT, 16),
            ],
            rows=[
                [
                    month.month,
                    month.visits,
                    month.households_first_reached,
                    online_by_month.get(month.month, 0),
                ]
                for month in total.months
            ],
            size=len(total.months),
        )
    )
    target = level.targets.get("households_reached")
    percent = round(100 * (_share(total.households_reached, total.households) or 0), 1)
    return Report(
        title=_("Residents reached by the community digital-technology teams"),
        place=place,
        year=year,
        made_on=timezone.localdate(),
        headline=_("%(reached)s of %(households)s households reached (%(percent)s%%)")
        % {
            "reached": _number(total.households_reached),
            "households": _number(total.households),
            "percent": _percent(percent),
        },
        percent=percent,
        target=target,
        target_text=(
            _("The target of %(target)s%% is reached.") % {"target": target}
            if target is not None and percent >= target
            else _("Target: %(target)s%% of households.") % {"target": target}
            if target is not None
            else _("The province has set no target for this year.")
        ),
        bars=[
            Bar(
                row.name,
                100 * (_share(row.reach.households_reached, row.reach.households) or 0),
            )
            for row in level.rows
            if row.reach.households
        ][:PDF_CHART_BARS],
        bars_title=_("Households reached by the teams"),
        trend=[(month.month, month.visits) for month in total.months],
        trend_title=_("Visits by month"),
        sections=sections,
        notes=[
            _(
                "Households reached: visited at least once by a team. Residents "
                "guided: guided on at least one skill. Finished online: residents "
                "of the commune who finished a course on this platform."
            )
        ],
        filename=f"bao-cao-tiep-can-{slugify_vi(place, 60)}-{year}",
    )


def _target_text(total: StaffFigures, target: int | None) -> str:
    if target is None:
        return _("The province has set no target for this year.")
    if total.percent >= target:
        return _("The target of %(target)s%% is reached.") % {"target": target}
    more = math.ceil(target * total.staff / 100) - total.finished
    return _(
        "Target %(target)s%%: %(points)s percentage points to go, "
        "%(count)s more civil servants to train."
    ) % {
        "target": target,
        "points": _percent(target - total.percent),
        "count": _number(more),
    }


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def _percent(value: float) -> str:
    return number_format(value, decimal_pos=1)


# Excel ---------------------------------------------------------------------------


def sheet_title(name: str, taken: set[str]) -> str:
    """``name`` as Excel accepts a sheet's name: at most 31 characters, none of
    ``[]:*?/\\``, not starting or ending with an apostrophe, and not one already
    ``taken`` (compared as Excel does, ignoring case)."""
    base = name.translate(SHEET_TITLE_FORBIDDEN).strip().strip("'").strip()
    base = base[:SHEET_TITLE_MAX] or _("Sheet")
    title, number = base, 1
    while title.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        title = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
    taken.add(title.casefold())
    return title


_XLSX_TITLE = Font(bold=True, size=14)
_XLSX_BOLD = Font(bold=True)
_XLSX_NOTE = Font(italic=True, color="555555")
_XLSX_HEADER_FILL = PatternFill("solid", fgColor="E8ECF1")
_XLSX_HEADER_BORDER = Border(bottom=Side(style="thin", color="777777"))
_XLSX_WRAP = Alignment(wrap_text=True, vertical="top")
_XLSX_FORMATS = {Kind.COUNT: "#,##0", Kind.PERCENT: "0.0%", Kind.MONTH: "mm/yyyy"}


def workbook_write(report: Report, out: BinaryIO) -> None:
    """Write ``report`` to ``out`` as an .xlsx workbook, a sheet per section.

    The workbook is write-only: each row goes to a temporary file as it is
    written, so memory stays the same for ten rows or ten thousand.
    """
    book = Workbook(write_only=True)
    book.properties.title = f"{report.title} — {report.place} {report.year}"
    book.properties.creator = report.place
    taken: set[str] = set()
    for section in report.sections:
        sheet = book.create_sheet(sheet_title(section.name, taken))
        _sheet_write(sheet, report, section)
    book.save(out)


def _sheet_write(sheet, report: Report, section: Section) -> None:
    def cell(value, font=None, number_format=None, alignment=None):
        written = WriteOnlyCell(sheet, value)
        if font is not None:
            written.font = font
        if number_format is not None:
            written.number_format = number_format
        if alignment is not None:
            written.alignment = alignment
        return written

    title_rows = [
        [cell(report.title, _XLSX_TITLE)],
        [report.subtitle],
        [cell(f"{report.headline} · {report.target_text}", _XLSX_BOLD)],
        [cell(section.title, _XLSX_BOLD)],
    ]
    header_row = len(title_rows) + 1
    # Widths and the frozen header go out with the sheet's first row.
    for number, column in enumerate(section.columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    for row in title_rows:
        sheet.append(row)
    header = []
    for column in section.columns:
        written = cell(column.header, _XLSX_BOLD, alignment=_XLSX_WRAP)
        written.fill = _XLSX_HEADER_FILL
        written.border = _XLSX_HEADER_BORDER
        header.append(written)
    sheet.append(header)
    formats = [_XLSX_FORMATS.get(column.kind) for column in section.columns]

    def styled(values, font=None):
        return [
            cell(value, font, number_format) if number_format or font else value
            for value, number_format in zip(values, formats, strict=True)
        ]

    last_row = header_row
    for values in section.rows:
        sheet.append(styled(values))
        last_row += 1
    last_column = get_column_letter(len(section.columns))
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(last_row, header_row)}"
    if last_row == header_row and section.empty:
        sheet.append([cell(section.empty, _XLSX_NOTE)])
    if section.total is not None and last_row > header_row:
        # A blank row keeps the total out of the filter and of a pivot's range.
        sheet.append([])
        sheet.append(styled(section.total, _XLSX_BOLD))
    sheet.append([])
    for note in report.notes:
        sheet.append([cell(note, _XLSX_NOTE)])


# PDF -----------------------------------------------------------------------------

_INK = colors.HexColor("#1b1f24")
_SOFT = colors.HexColor("#e8ecf1")
_OK = colors.HexColor("#136c2e")
_WARN = colors.HexColor("#8a5a00")
_BRAND = colors.HexColor("#b3121d")
_LINE = colors.HexColor("#9aa3ad")
_MARGIN = 15 * mm


class _NumberedCanvas(Canvas):
    """A canvas that keeps its pages until the end, to write "Page x of y"."""

    def __init__(self, *args, footer: Callable, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


def _styles() -> dict[str, ParagraphStyle]:
    fonts_register()
    return {
        "title": ParagraphStyle(
            "title", fontName=FONT_BOLD, fontSize=15, leading=20, textColor=_INK
        ),
        "place": ParagraphStyle(
            "place", fontName=FONT_BOLD, fontSize=12, leading=16, textColor=_INK
        ),
        "text": ParagraphStyle("text", fontName=FONT_REGULAR, fontSize=9, leading=13),
        "big": ParagraphStyle(
            "big", fontName=FONT_BOLD, fontSize=26, leading=30, textColor=_INK
        ),
        "heading": ParagraphStyle(
            "heading",
            fontName=FONT_BOLD,
            fontSize=11,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", fontName=FONT_REGULAR, fontSize=8, leading=10),
        "head": ParagraphStyle("head", fontName=FONT_BOLD, fontSize=7.5, leading=9.5),
        "note": ParagraphStyle(
            "note", fontName=FONT_REGULAR, fontSize=8, leading=11, textColor=_LINE
        ),
    }


def pdf_write(report: Report, out: BinaryIO) -> None:
    """Write ``report`` to ``out`` as an A4 PDF: the headline, a chart, the
    printed sections as tables whose header repeats on every page, and the
    trend, with "Page x of y" at the foot of each page."""
    styles = _styles()
    width = A4[0] - 2 * _MARGIN
    story = [
        Paragraph(escape(report.title), styles["title"]),
        Paragraph(escape(report.place), styles["place"]),
        Paragraph(escape(report.dated), styles["text"]),
        Spacer(1, 4 * mm),
        _headline(report, styles, width),
    ]
    if report.bars:
        story += [
            Paragraph(escape(report.bars_title), styles["heading"]),
            _percent_chart(report.bars, report.target, width),
        ]
    for section in report.sections:
        if section.printed:
            story += [
                Paragraph(escape(section.title), styles["heading"]),
                _table(section, styles, width),
            ]
    if any(count for _month, count in report.trend):
        story.append(
            KeepTogether(
                [
                    Paragraph(escape(report.trend_title), styles["heading"]),
                    _month_chart(report.trend, width),
                ]
            )
        )
    story.append(Spacer(1, 4 * mm))
    story += [
        Paragraph(escape(note), styles["note"])
        for note in report.notes + report.pdf_notes
    ]

    def footer(canvas, number, total):
        canvas.saveState()
        canvas.setFont(FONT_REGULAR, 8)
        canvas.setFillColor(_LINE)
        canvas.drawString(_MARGIN, 9 * mm, f"{report.place} · {report.year}"[:110])
        canvas.drawRightString(
            A4[0] - _MARGIN,
            9 * mm,
            _("Page %(number)s of %(total)s") % {"number": number, "total": total},
        )
        canvas.restoreState()

    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=18 * mm,
        title=f"{report.title} — {report.place} {report.year}",
        author=report.place,
        invariant=1,
    )
    document.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer))


def _headline(report: Report, styles, width) -> Table:
    colour = _OK if report.target is None or report.percent >= report.target else _WARN
    big = ParagraphStyle("big-coloured", parent=styles["big"], textColor=colour)
    table = Table(
        [
            [
                Paragraph(f"{_percent(report.percent)}%", big),
                [
                    Paragraph(escape(report.headline), styles["place"]),
                    Paragraph(escape(report.target_text), styles["text"]),
                ],
            ]
        ],
        colWidths=[42 * mm, width - 42 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, -1), _SOFT),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _fit(text: str, width: float, size: float) -> str:
    if stringWidth(text, FONT_REGULAR, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT_REGULAR, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _percent_chart(bars: list[Bar], target: int | None, width: float) -> Drawing:
    """Horizontal bars of percentages, labelled, with the target dashed across."""
    row, size = 13, 7.5
    label_width, value_width = 62 * mm, 14 * mm
    plot = width - label_width - value_width
    top = 12
    height = top + row * len(bars) + 2
    drawing = Drawing(width, height)
    for tick in (0, 50, 100):
        drawing.add(
            String(
                label_width + plot * tick / 100,
                height - 8,
                f"{tick}%",
                fontName=FONT_REGULAR,
                fontSize=6.5,
                fillColor=_LINE,
                textAnchor="middle",
            )
        )
    for index, bar in enumerate(bars):
        y = height - top - (index + 1) * row + 2
        share = max(0.0, min(100.0, bar.percent)) / 100
        reached = target is None or bar.percent >= target
        drawing.add(
            String(
                label_width - 4,
                y + 2,
                _fit(bar.label, label_width - 8, size),
                fontName=FONT_REGULAR,
                fontSize=size,
                textAnchor="end",
            )
        )
        drawing.add(Rect(label_width, y, plot, 9, fillColor=_SOFT, strokeColor=None))
        drawing.add(
            Rect(
                label_width,
                y,
                plot * share,
                9,
                fillColor=_OK if reached else _WARN,
                strokeColor=None,
            )
        )
        drawing.add(
            String(
                width,
                y + 2,
                f"{_percent(bar.percent)}%",
                fontName=FONT_REGULAR,
                fontSize=size,
                textAnchor="end",
            )
        )
    if target is not None:
        x = label_width + plot * max(0, min(100, target)) / 100
        drawing.add(
            Line(
                x,
                0,
                x,
                height - top,
                strokeColor=_BRAND,
                strokeWidth=1.2,
                strokeDashArray=[3, 2],
            )
        )
    return drawing


def _month_chart(points: list[tuple[datetime.date, int]], width: float) -> Drawing:
    """Twelve columns, one per month, scaled to the highest, each with its count."""
    height, plot, bottom = 110, 80, 14
    highest = max(count for _month, count in points) or 1
    step = width / len(points)
    drawing = Drawing(width, height)
    for index, (month, count) in enumerate(points):
        column = plot * count / highest
        x = index * step
        drawing.add(
            Rect(x + 4, bottom, step - 8, column, fillColor=_OK, strokeColor=None)
        )
        drawing.add(
            String(
                x + step / 2,
                bottom + column + 3,
                _number(count),
                fontName=FONT_REGULAR,
                fontSize=7,
                textAnchor="middle",
            )
        )
        drawing.add(
            String(
                x + step / 2,
                2,
                month.strftime("%m/%Y"),
                fontName=FONT_REGULAR,
                fontSize=6.5,
                fillColor=_LINE,
                textAnchor="middle",
            )
        )
    return drawing


def _cell_text(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == Kind.COUNT:
        return _number(value)
    if kind == Kind.PERCENT:
        return f"{_percent(100 * value)}%"
    if kind == Kind.MONTH:
        return value.strftime("%m/%Y")
    return str(value)


def _table(section: Section, styles, width) -> Table:
    """The printed columns of ``section`` numbered, names wrapped, the header
    repeated on every page, the total in bold at the end."""
    printed = [
        (index, column)
        for index, column in enumerate(section.columns)
        if column.printed
    ]
    number_width = 10 * mm
    fixed = {Kind.COUNT: 19 * mm, Kind.PERCENT: 16 * mm, Kind.MONTH: 18 * mm}
    fixed_width = sum(fixed.get(column.kind, 0) for _index, column in printed)
    text_units = sum(c.width for _i, c in printed if c.kind == Kind.TEXT) or 1
    text_width = width - number_width - fixed_width
    widths = [number_width] + [
        fixed[column.kind]
        if column.kind in fixed
        else text_width * column.width / text_units
        for _index, column in printed
    ]
    cell, head = styles["cell"], styles["head"]
    head_right = ParagraphStyle("head-right", parent=head, alignment=TA_RIGHT)
    data = [
        [Paragraph(escape(_("No.")), head_right)]
        + [
            Paragraph(
                escape(column.header), head if column.kind == Kind.TEXT else head_right
            )
            for _index, column in printed
        ]
    ]
    for number, values in enumerate(section.rows, start=1):
        data.append(
            [str(number)]
            + [
                Paragraph(escape(str(values[index] or "")), cell)
                if column.kind == Kind.TEXT
                else _cell_text(values[index], column.kind)
                for index, column in printed
            ]
        )
    empty = len(data) == 1
    if empty:
        data.append(["", Paragraph(escape(section.empty), cell)])
        data[-1] += [""] * (len(widths) - 2)
    elif section.total is not None:
        data.append(
            [""]
            + [
                Paragraph(escape(str(section.total[index] or "")), head)
                if column.kind == Kind.TEXT
                else _cell_text(section.total[index], column.kind)
                for index, column in printed
            ]
        )
    table = LongTable(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("BACKGROUND", (0, 0), (-1, 0), _SOFT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, _LINE),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, _SOFT),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for position, (_index, column) in enumerate(printed, start=1):
        if column.kind != Kind.TEXT:
            style.append(("ALIGN", (position, 1), (position, -1), "RIGHT"))
    if empty:
        style.append(("SPAN", (1, 1), (-1, 1)))
    elif section.total is not None:
        style += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, 8),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, _LINE),
        ]
    table.setStyle(TableStyle(style))
    return table
