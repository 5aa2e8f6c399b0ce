"""PDFs of personal data: a person's own data, and a breach's notification."""

import io
from datetime import date, datetime
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from certificates.pdf import NATIONAL_MOTTO, NATIONAL_TITLE, place_date_line
from lms.pdf import FONT_BOLD, FONT_REGULAR, fonts_register


def _text(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def personal_data_pdf(data: dict, *, generated_for: str) -> bytes:
    """The PDF of :func:`privacy.selectors.personal_data`'s dictionary."""
    fonts_register()
    body = ParagraphStyle("body", fontName=FONT_REGULAR, fontSize=9, leading=12)
    heading = ParagraphStyle("h2", fontName=FONT_BOLD, fontSize=12, leading=16)
    title = ParagraphStyle("h1", fontName=FONT_BOLD, fontSize=16, leading=20)

    def cell(value) -> Paragraph:
        return Paragraph(escape(_text(value)), body)

    def table(header: list[str], rows: list[list]) -> Table:
        grid = Table(
            [[Paragraph(escape(h), body) for h in header]]
            + [[cell(v) for v in row] for row in rows],
            repeatRows=1,
            hAlign="LEFT",
        )
        grid.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return grid

    def section(name: str, header: list[str], rows: list[list]) -> list:
        parts = [Spacer(1, 4 * mm), Paragraph(escape(name), heading)]
        if rows:
            parts.append(table(header, rows))
        else:
            parts.append(Paragraph(escape(_("Nothing recorded.")), body))
        return parts

    profile = data["profile"]
    story = [
        Paragraph(escape(_("My data")), title),
        Paragraph(
            escape(
                _("Everything the platform holds about you, on %(date)s.")
                % {"date": _text(timezone.now())}
            ),
            body,
        ),
    ]
    story += section(
        _("Profile"),
        [_("Field"), _("Value")],
        [
            [_("Full name"), profile["full_name"]],
            [_("Mobile phone number"), profile["phone"]],
            [_("Email address"), profile["email"]],
            [_("Birth year"), profile["birth_year"]],
            [_("Commune"), profile["commune"]],
            [_("Joined on"), profile["joined_at"]],
            [_("Last log-in"), profile["last_login"]],
        ],
    )
    lessons = [
        [e["course"], lesson["lesson"], lesson["status"], lesson["completed_at"]]
        for e in data["enrolments"]
        for lesson in e["lessons"]
    ]
    story += section(
        _("Courses"),
        [_("Course"), _("Enrolled"), _("Completed")],
        [
            [e["course"], e["enrolled_at"], e["completed_at"]]
            for e in data["enrolments"]
        ],
    )
    story += section(
        _("Lessons"), [_("Course"), _("Lesson"), _("Status"), _("Completed")], lessons
    )
    story += section(
        _("Quiz attempts"),
        [_("Quiz"), _("Attempt"), _("Started"), _("Score (%)"), _("Passed")],
        [
            [a["quiz"], a["number"], a["started_at"], a["score"], a["passed"]]
            for a in data["quiz_attempts"]
        ],
    )
    story += section(
        _("Interactive activities (H5P)"),
        [_("Activity"), _("Attempts"), _("Grade (%)"), _("Passed")],
        [
            [r["activity"], r["attempts"], r["grade"], r["passed"]]
            for r in data["h5p_results"]
        ],
    )
    story += section(
        _("Certificates"),
        [_("Code"), _("Course"), _("Issued on"), _("Revoked")],
        [
            [c["code"], c["course"], c["issued_on"], c["revoked_at"]]
            for c in data["certificates"]
        ],
    )
    story += section(
        _("Visits of the community team"),
        [_("Date"), _("Team"), _("Skills")],
        [
            [v["visited_on"], v["team"], ", ".join(s["skill"] for s in v["skills"])]
            for v in data["visits"]
        ],
    )
    story += section(
        _("Consent history"),
        [_("When"), _("Purpose"), _("Answer"), _("Notice version"), _("How")],
        [
            [c["at"], c["purpose"], c["answer"], c["notice_version"], c["how"]]
            for c in data["consents"]
        ],
    )
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=_("My data"),
        author=generated_for,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )
    document.build(story)
    return out.getvalue()


def breach_notification_pdf(breach, *, issuer: str) -> bytes:
    """The notification of ``breach`` to the authority as an A4 document in the
    layout of Vietnamese administrative documents (Decree 30/2020): the issuing
    body and the national title side by side, the place-and-date line, the title,
    the facts of the register and the text that was sent."""
    fonts_register()
    body = ParagraphStyle("body", fontName=FONT_REGULAR, fontSize=11, leading=15)
    centred = ParagraphStyle("centre", parent=body, alignment=1)
    bold_centred = ParagraphStyle("bold-centre", parent=centred, fontName=FONT_BOLD)
    title = ParagraphStyle(
        "title", parent=bold_centred, fontSize=14, leading=18, spaceBefore=8 * mm
    )
    place = breach.commune.name if breach.commune else breach.province.name
    day = timezone.localtime(breach.notified_at or timezone.now()).date()
    header = Table(
        [
            [
                Paragraph(escape(issuer.upper()), bold_centred),
                Paragraph(
                    f"{escape(NATIONAL_TITLE)}<br/><u>{escape(NATIONAL_MOTTO)}</u>",
                    bold_centred,
                ),
            ],
            [
                "",
                Paragraph(f"<i>{escape(place_date_line(place, day))}</i>", centred),
            ],
        ],
        colWidths=[70 * mm, 100 * mm],
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))

    def fact(label: str, value) -> Paragraph:
        return Paragraph(f"<b>{escape(label)}:</b> {escape(_text(value))}", body)

    story = [
        header,
        Paragraph(escape(_("NOTIFICATION OF A PERSONAL-DATA BREACH")), title),
        Paragraph(
            escape(_("To: %(authority)s") % {"authority": breach.authority or "–"}),
            centred,
        ),
        Spacer(1, 6 * mm),
        fact(_("What happened"), breach.summary),
        fact(_("Discovered at"), breach.discovered_at),
        fact(_("What data"), breach.data_concerned),
        fact(_("Whose data"), breach.people_concerned),
        fact(_("About how many people"), f"{breach.people_count:,}".replace(",", ".")),
        fact(_("What was done about it"), breach.measures),
        fact(_("Notified at"), breach.notified_at),
        fact(_("Who else was informed"), breach.informed),
        Spacer(1, 6 * mm),
    ]
    for paragraph in (breach.notification_text or "").split("\n"):
        story.append(Paragraph(escape(paragraph) or "&nbsp;", body))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=_("Notification of a personal-data breach"),
    ).build(story)
    return buffer.getvalue()
