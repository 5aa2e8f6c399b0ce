"""The paper checklist of a hamlet: every household and resident × every skill.

For days without phones, a member prints it, ticks the boxes in the village and
has each person sign that they agree; back at a phone or a computer the ticks go
in through the grid of :func:`community_teams.views.paper_entry`, which lists the
households in the same order with the same numbers.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lms.pdf import FONT_BOLD, FONT_REGULAR, fonts_register


def _styles():
    fonts_register()
    return (
        ParagraphStyle("title", fontName=FONT_BOLD, fontSize=14, leading=19),
        ParagraphStyle("text", fontName=FONT_REGULAR, fontSize=9, leading=13),
        ParagraphStyle("cell", fontName=FONT_REGULAR, fontSize=8.5, leading=12),
    )


def checklist_pdf(*, hamlet, households, skills) -> bytes:
    """A4 landscape pages: a numbered row per resident, a box per skill to tick.

    ``households`` are in the order the entry grid uses, with their residents
    prefetched; erased residents are left out.
    """
    title, text, cell = _styles()
    legend = " · ".join(
        f"<b>{number}</b> {skill.name}" for number, skill in enumerate(skills, start=1)
    )
    header = [
        _("No."),
        _("House"),
        _("Full name"),
        _("Born"),
        *[str(number) for number in range(1, len(skills) + 1)],
        _("Did it themselves"),
        _("Agrees (signature)"),
    ]
    rows = [header]
    household_starts = []
    for number, household in enumerate(households, start=1):
        household_starts.append(len(rows))
        for position, resident in enumerate(household.residents.all()):
            if resident.erased_at is not None:
                continue
            rows.append(
                [
                    str(number) if position == 0 else "",
                    household.house_number if position == 0 else "",
                    Paragraph(resident.full_name, cell),
                    str(resident.birth_year or ""),
                    # Empty cells: the grid's squares are the boxes to tick.
                    *["" for _skill in skills],
                    "",
                    "",
                ]
            )
    skill_width = 11 * mm
    widths = [10 * mm, 18 * mm, 62 * mm, 13 * mm]
    widths += [skill_width] * len(skills) + [22 * mm, 40 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("FONT", (0, 0), (-1, -1), FONT_REGULAR, 8.5),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (3, 0), (-2, -1), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
    ]
    for start in household_starts[1:]:
        if start < len(rows):
            style.append(("LINEABOVE", (0, start), (-1, start), 1.2, colors.black))
    table.setStyle(TableStyle(style))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title=_("Checklist of %(hamlet)s") % {"hamlet": hamlet.name},
        invariant=1,
    )
    document.build(
        [
            Paragraph(
                _("Checklist of %(hamlet)s, %(commune)s")
                % {"hamlet": hamlet.name, "commune": hamlet.commune.full_name},
                title,
            ),
            Paragraph(
                _(
                    "Printed on %(day)s. Tick each skill a person was guided on; ask "
                    "each person to sign only if they agree that the team keeps "
                    "the record. Skills: %(legend)s"
                )
                % {"day": timezone.localdate().strftime("%d/%m/%Y"), "legend": legend},
                text,
            ),
            Spacer(1, 3 * mm),
            table,
        ]
    )
    return buffer.getvalue()
