"""The coverage dashboards: agencies and places, level by level, and their people.

Every page reads sums of the summary tables through :mod:`coverage.selectors`;
a list of named people opens only inside the viewer's scope and is audited.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from community_teams import permissions as team_permissions
from coverage import charts, permissions, selectors
from coverage.models import Indicator
from lms.audit import audit_record
from lms.models import AuditEvent
from lms.pagination import keyset_page

PEOPLE_PER_PAGE = 50


def _year(request) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    return year if year in selectors.year_choices() else timezone.localdate().year


def _dashboard_user(request):
    if not permissions.sees_coverage(request.user):
        raise PermissionDenied
    return request.user


def _agency(request, agency_id: int):
    agency = selectors.agency_visible(request.user, agency_id)
    if agency is None:
        raise Http404
    return agency


@login_required
@require_safe
def home(request):
    """Where an official starts: the two trees, and this year's headline figures."""
    user = _dashboard_user(request)
    year = _year(request)
    level = selectors.agency_level(user, year=year)
    places = selectors.place_level(user, year=year)
    return render(
        request,
        "coverage/home.html",
        {
            "year": year,
            "years": selectors.year_choices(),
            "staff": level.total,
            "target": level.target,
            "places": places,
            "keeps": permissions.keeps_agencies(user),
            "chart": charts.percent_bars(
                [charts.Bar(_("Civil servants trained"), level.total.percent)],
                title=_("Civil servants trained in %(year)s") % {"year": year},
                target=level.target,
            ),
            "places_chart": charts.percent_bars(
                [
                    charts.Bar(
                        _("Households reached"),
                        places.total.households_reached_percent,
                    ),
                    charts.Bar(
                        _("Residents guided"), places.total.residents_guided_percent
                    ),
                ],
                title=_("The teams' reach in %(year)s") % {"year": year},
            ),
        },
    )


def _commune(request, code: str):
    commune = (
        selectors.commune_visible(request.user, code)
        if code.isascii() and code.isdigit() and len(code) == 5
        else None
    )
    if commune is None:
        raise Http404
    return commune


@login_required
@require_safe
def places(request, commune_code: str | None = None, hamlet_id: int | None = None):
    """The communes (or a commune's hamlets, or one hamlet): the teams' reach per
    skill, and what residents finished online, each row a link one level down."""
    user = _dashboard_user(request)
    year = _year(request)
    commune = _commune(request, commune_code) if commune_code else None
    hamlet = None
    if hamlet_id is not None:
        hamlet = selectors.hamlet_visible(user, commune, hamlet_id)
        if hamlet is None:
            raise Http404
    level = selectors.place_level(user, year=year, commune=commune, hamlet=hamlet)
    reached_target = level.targets.get(Indicator.HOUSEHOLDS_REACHED)
    return render(
        request,
        "coverage/places.html",
        {
            "year": year,
            "years": selectors.year_choices(),
            "level": level,
            "reached_target": reached_target,
            "guided_target": level.targets.get(Indicator.RESIDENTS_GUIDED),
            # The hamlet's households by name, for those the teams' pages let in.
            "hamlet_page": (
                hamlet is not None
                and team_permissions.hamlets_visible_to(user)
                .filter(pk=hamlet.pk)
                .exists()
            ),
            "chart": charts.percent_bars(
                [
                    charts.Bar(row.name, row.reach.households_reached_percent)
                    for row in level.rows
                    if row.reach.households
                ],
                title=_("Households reached by the teams"),
                target=reached_target,
            ),
            "skills_chart": charts.percent_bars(
                [
                    charts.Bar(
                        skill.name,
                        _share(skill.residents_guided, level.total.residents),
                    )
                    for skill in level.total.skills
                ],
                title=_("Residents guided, by skill"),
                target=level.targets.get(Indicator.RESIDENTS_GUIDED),
            ),
            "visits_trend": charts.month_columns(
                [(month.month, month.visits) for month in level.total.months],
                title=_("Visits by month"),
            ),
            "online_trend": charts.month_columns(
                level.online_months, title=_("Courses finished online, by month")
            ),
        },
    )


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@login_required
@require_safe
def agencies(request, agency_id: int | None = None):
    """The agencies under one agency (or the top ones), each a link one level down."""
    user = _dashboard_user(request)
    agency = _agency(request, agency_id) if agency_id is not None else None
    year = _year(request)
    level = selectors.agency_level(user, year=year, agency=agency)
    bars = [
        charts.Bar(row.agency.name, row.figures.percent)
        for row in level.rows
        if row.figures.staff
    ]
    return render(
        request,
        "coverage/agencies.html",
        {
            "year": year,
            "years": selectors.year_choices(),
            "level": level,
            "chart": charts.percent_bars(
                bars,
                title=_("Civil servants trained, by agency"),
                target=level.target,
            ),
            "trend": charts.month_columns(
                level.trend, title=_("Assigned courses finished, by month")
            ),
            "keeps": (
                permissions.may_keep_agency(user, agency)
                if agency is not None
                else permissions.keeps_agencies(user)
            ),
        },
    )


@login_required
@require_safe
def agency_people(request, agency_id: int):
    """The civil servants of an agency and its sub-units, with how far each got.

    Names: only inside the viewer's scope, and every page read is audited.
    """
    _dashboard_user(request)
    agency = _agency(request, agency_id)
    year = _year(request)
    status = request.GET.get("status", "")
    if status not in selectors.Status.choices:
        status = ""
    members = selectors.staff_of_subtree(agency)
    if status:
        members = selectors.staff_filter_by_status(
            members, agency=agency, year=year, status=status
        )
    page = keyset_page(
        members,
        per_page=PEOPLE_PER_PAGE,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    rows = selectors.staff_statuses(agency=agency, year=year, members=list(page))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.LIST,
        subject="civil servants",
        subject_ids=[row.staff.pk for row in rows],
        commune_id=agency.commune_id,
        detail=f"{agency.name} {year} {status}".strip(),
        request=request,
    )
    return render(
        request,
        "coverage/agency_people.html",
        {
            "agency": agency,
            "ancestors": selectors.agency_ancestors(agency),
            "year": year,
            "status": status,
            "statuses": [
                ("", _("Everyone")),
                (selectors.Status.OVERDUE, _("Overdue")),
                (selectors.Status.UNFINISHED, _("Not finished yet")),
                (selectors.Status.FINISHED, _("Finished")),
            ],
            "page": page,
            "rows": rows,
            "today": timezone.localdate(),
            "querystring": urlencode({"year": year, "status": status}),
        },
    )
