"""The demo's community team and officials: households and visits in the ward,
the city's agencies with their civil servants, and the dashboards showing both."""

import datetime
import re

from django.core import mail
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from community_teams.figures import figures_recount, figures_stored
from community_teams.models import (
    Consent,
    Guidance,
    HamletFigures,
    HamletSkillFigures,
    Household,
    Resident,
    Visit,
)
from coverage.figures import agency_figures_count
from coverage.models import (
    Agency,
    AgencyFigures,
    CourseAssignment,
    Indicator,
    StaffMember,
    Target,
)
from coverage.reminders import reminders_send
from coverage.selectors import staff_of_subtree, staff_statuses
from demo.data import demo_content_read
from lms.accounts import sms
from lms.models import Hamlet, User
from lms.models.users import Role
from lms.phone import phone_to_e164

CONTENT = demo_content_read()
OUTREACH = CONTENT.outreach
AGENCIES = CONTENT.agencies
TEAM_HAMLET, OTHER_HAMLET = OUTREACH.hamlets
PROVINCE_OFFICIAL = "demo-can-bo-thanh-pho"
WARD_OFFICIAL = "demo-can-bo-phuong"

# What agencies.yaml assigns, to staff sets that do not overlap: Sở Nội vụ's 4
# (all finished), the city's 5 VC (3 finished, 2 overdue), Bến Thành's 5 CC (2
# finished, 3 overdue, the demo civil servant among them) and Sở Khoa học và Công
# nghệ's 6 CC (3 finished, the others' deadline still ahead).
ASSIGNED, FINISHED, OVERDUE = 20, 12, 5


def today() -> datetime.date:
    return timezone.localdate()


def deadline_year(agency: str) -> int:
    """The year the course assigned to ``agency`` is due, for its dashboard."""
    (assignment,) = [a for a in AGENCIES.assignments if a.agency == agency]
    return (today() + datetime.timedelta(days=assignment.deadline_in_days)).year


def hamlet(spec) -> Hamlet:
    return Hamlet.objects.get(name=spec.name, commune__name="Bến Thành")


def cells(page: str, row_name: str) -> list[str]:
    """The cells of the table row headed ``row_name``."""
    row = re.search(
        r"<tr><th scope=\"row\"><a [^>]*>"
        + re.escape(row_name)
        + r"</a></th>(.*?)</tr>",
        page,
        re.S,
    )
    assert row, row_name
    return [
        re.sub(r"\s+", " ", cell).strip()
        for cell in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    ]


# Households and visits -----------------------------------------------------------


def test_households_and_residents_are_those_of_the_file(loaded, db):
    for spec in OUTREACH.hamlets:
        households = Household.objects.filter(hamlet=hamlet(spec))
        assert households.count() == len(spec.households), spec.name
        for home_spec in spec.households:
            home = households.get(house_number=home_spec.house_number)
            assert home.head_name == home_spec.residents[0].full_name
            assert home.phone == (
                phone_to_e164(home_spec.phone) if home_spec.phone else ""
            )
            assert home.created_by.username == spec.added_by
            assert [
                (r.full_name, r.birth_year, r.sex) for r in home.residents.all()
            ] == [(r.full_name, r.birth_year, r.sex) for r in home_spec.residents]
    assert Resident.objects.count() == sum(
        len(h.residents) for spec in OUTREACH.hamlets for h in spec.households
    )


def test_visits_are_the_members_and_leaders_on_their_days(loaded, db):
    visits = Visit.objects.select_related("member", "household", "team")

    assert visits.count() == len(OUTREACH.visits) >= 10
    for spec in OUTREACH.visits:
        _hamlet, home = OUTREACH.household(spec.household)
        visit = visits.get(
            household__house_number=home.house_number,
            member__username=spec.by,
            visited_on=today() - datetime.timedelta(days=spec.days_ago),
        )
        assert visit.team.name == CONTENT.place.team_name
        assert visit.note == spec.note
        guided = {
            (g.attendee.resident.full_name, g.skill.code, g.by_themselves)
            for g in Guidance.objects.filter(attendee__visit=visit).select_related(
                "attendee__resident", "skill"
            )
        }
        assert guided == {
            (a.resident, code, code in a.themselves)
            for a in spec.attendees
            for code in a.guided
        }
        assert visit.status == (
            Visit.Status.APPROVED if spec.approved_by else Visit.Status.RECEIVED
        )
    assert {v.member.username for v in visits} == {"demo-thanh-vien", "demo-to-truong"}
    days = [spec.days_ago for spec in OUTREACH.visits]
    assert max(days) <= 92 and len(set(days)) == len(days)
    assert Guidance.objects.filter(by_themselves=True).exists()


def test_the_consent_ledger_holds_what_each_person_said(loaded, db):
    outreach = Consent.objects.filter(purpose=Consent.Purpose.OUTREACH)

    # Refused at the first visit, agreed at the second: nothing to withdraw, then
    # given once, at the later visit.
    son = outreach.filter(resident__full_name="Bùi Văn Sơn")
    assert [(c.action, c.visit.member.username) for c in son] == [
        (Consent.Action.GIVEN, "demo-to-truong")
    ]
    # Minors' consent is their guardian's.
    minors = outreach.filter(resident__full_name__in=["Lê Gia Bảo", "Đỗ Khánh Linh"])
    assert sorted(minors.values_list("guardian_name", flat=True)) == [
        "Lê Quang Vinh",
        "Võ Thị Kim Oanh",
    ]
    paper = outreach.filter(method=Consent.Method.PAPER)
    assert set(paper.values_list("resident__full_name", flat=True)) == {
        "Phạm Văn Đức",
        "Hoàng Thị Mai",
    }
    assert outreach.count() == sum(
        1 for v in OUTREACH.visits for a in v.attendees if a.consent
    )
    assert not outreach.filter(action=Consent.Action.WITHDRAWN).exists()


def test_the_hamlets_figures_equal_a_recount_and_the_file(loaded, db):
    ids = [hamlet(spec).pk for spec in OUTREACH.hamlets]

    assert figures_stored(ids) == figures_recount(ids)
    team = HamletFigures.objects.get(hamlet=ids[0])
    visited = {v.household for v in OUTREACH.visits}
    guided = {(v.household, a.resident) for v in OUTREACH.visits for a in v.attendees}
    assert (team.households, team.households_reached) == (
        len(TEAM_HAMLET.households),
        len(visited),
    )
    assert (team.residents_guided, team.visits) == (len(guided), len(OUTREACH.visits))
    other = HamletFigures.objects.get(hamlet=ids[1])
    assert (other.households, other.households_reached) == (
        len(OTHER_HAMLET.households),
        0,
    )
    vneid = HamletSkillFigures.objects.get(hamlet=ids[0], skill__code="vneid")
    themselves = {
        (v.household, a.resident)
        for v in OUTREACH.visits
        for a in v.attendees
        if "vneid" in a.themselves
    }
    assert vneid.residents_self_capable == len(themselves) > 0


def test_the_team_sees_its_hamlet_and_households(client_as):
    team_hamlet = hamlet(TEAM_HAMLET)
    member = client_as("demo-thanh-vien")

    home = member.get(reverse("team_home"))
    page = member.get(reverse("team_hamlet", args=[team_hamlet.pk]))

    assert home.status_code == page.status_code == 200
    assert TEAM_HAMLET.name in home.content.decode()
    assert "Nguyễn Văn Hùng" in page.content.decode()
    # A hamlet the team does not serve stays closed to its member.
    other = member.get(reverse("team_hamlet", args=[hamlet(OTHER_HAMLET).pk]))
    assert other.status_code in (403, 404)


# Agencies and their civil servants ------------------------------------------------


def test_the_agencies_tree_is_the_files(loaded, db):
    agencies = Agency.objects.filter(province=AGENCIES.province_code)

    assert agencies.count() == len(list(AGENCIES.every_agency()))
    for spec in AGENCIES.agencies:
        top = agencies.get(name=spec.name, parent=None)
        assert top.kind == spec.kind
        assert [unit.name for unit in top.children.order_by("pk")] == [
            unit.name for unit in spec.units
        ]
        for unit in spec.tree():
            agency = agencies.get(name=unit.name)
            assert agency.path.startswith(top.path)
            assert agency.staff.count() == len(unit.staff)
    ward = agencies.get(name="UBND phường Bến Thành")
    assert ward.commune.full_name == "Phường Bến Thành"
    assert agencies.get(name="Bộ phận một cửa phường Bến Thành").commune == ward.commune
    assert agencies.get(name="Sở Nội vụ").commune is None


def test_every_civil_servant_has_an_account_and_the_demo_one_is_on_a_roster(loaded, db):
    staff = StaffMember.objects.select_related("user", "agency")

    assert staff.count() == len(list(AGENCIES.every_staff())) >= 20
    assert {s.category for s in staff} == {"CB", "CC", "VC"}
    demo = staff.get(user__username="demo-cong-chuc")
    assert demo.full_name == CONTENT.person("demo-cong-chuc").full_name
    assert demo.agency.name == "Bộ phận một cửa phường Bến Thành"
    assert not staff.filter(user=None).exists()
    assert all(s.user.roles.filter(role=Role.CIVIL_SERVANT).exists() for s in staff)
    by_phone = staff.get(full_name="Đỗ Quốc Bảo")
    assert by_phone.phone == by_phone.user.phone == "+84933107248"


def test_courses_are_assigned_with_deadlines_from_today_and_targets_set(loaded, db):
    assignments = CourseAssignment.objects.select_related("agency", "course")

    assert assignments.count() == len(AGENCIES.assignments)
    for spec in AGENCIES.assignments:
        course = CONTENT.course(spec.course)
        row = assignments.get(
            course__slug=course.slug,
            agency__name=spec.agency or None,
            category=spec.category,
        )
        assert row.deadline == today() + datetime.timedelta(days=spec.deadline_in_days)
        assert row.created_by.username == PROVINCE_OFFICIAL
    deadlines = [row.deadline for row in assignments]
    assert min(deadlines) < today() < max(deadlines) <= today() + datetime.timedelta(7)
    targets = dict(
        ((t.indicator, t.year), t.percent)
        for t in Target.objects.filter(province=AGENCIES.province_code)
    )
    assert targets == {
        (Indicator.CIVIL_SERVANTS_TRAINED, 2025): 80,
        (Indicator.CIVIL_SERVANTS_TRAINED, 2026): 100,
        (Indicator.HOUSEHOLDS_REACHED, 2026): 70,
        (Indicator.RESIDENTS_GUIDED, 2026): 50,
    }


def test_the_coverage_figures_count_who_finished_and_who_is_overdue(loaded, db):
    rows = AgencyFigures.objects.all()
    stored = sorted(
        (r.agency_id, r.year, r.staff, r.assigned, r.finished, r.overdue) for r in rows
    )
    counted, _months = agency_figures_count(Agency.objects.values_list("pk", flat=True))

    assert stored == sorted(
        (r.agency_id, r.year, r.staff, r.assigned, r.finished, r.overdue)
        for r in counted
    )
    totals = rows.aggregate(
        assigned=Sum("assigned"), finished=Sum("finished"), overdue=Sum("overdue")
    )
    assert totals == {"assigned": ASSIGNED, "finished": FINISHED, "overdue": OVERDUE}
    this_year = rows.filter(year=today().year).aggregate(staff=Sum("staff"))
    assert this_year["staff"] == StaffMember.objects.count()
    # The demo civil servant read one lesson of five: past the deadline.
    ward = Agency.objects.get(name="UBND phường Bến Thành")
    statuses = {
        s.staff.full_name: s
        for s in staff_statuses(
            agency=ward,
            members=list(staff_of_subtree(ward)),
            year=deadline_year("UBND phường Bến Thành"),
        )
    }
    assert statuses["Lê Minh Tuấn"].overdue
    assert statuses["Cao Thị Mỹ Dung"].done


def test_the_week_before_a_deadline_those_not_finished_are_reminded(loaded, db):
    assert reminders_send() == 3

    assert [message.phone for message in sms.outbox] == ["+84933107248"]
    assert sorted(email.to[0] for email in mail.outbox) == [
        "nt.phuong@example.org",
        "ttm.chau@example.org",
    ]


def test_the_province_official_sees_the_agencies_with_their_figures(client_as):
    official = client_as(PROVINCE_OFFICIAL)

    page = official.get(reverse("coverage_agencies")).content.decode()

    for spec in AGENCIES.agencies:
        staff = sum(len(unit.staff) for unit in spec.tree())
        assert cells(page, spec.name)[0] == str(staff) != "0", spec.name
    home_affairs = official.get(
        reverse("coverage_agencies"), {"year": deadline_year("Sở Nội vụ")}
    ).content.decode()
    assert cells(home_affairs, "Sở Nội vụ") == ["4", "4", "4 (100.0%)", "0"]


def test_a_wards_overdue_civil_servants_show_per_unit(client_as):
    ward = Agency.objects.get(name="UBND phường Bến Thành")
    year = deadline_year("UBND phường Bến Thành")

    page = (
        client_as(PROVINCE_OFFICIAL)
        .get(reverse("coverage_agency", args=[ward.pk]), {"year": year})
        .content.decode()
    )

    assert cells(page, "Bộ phận một cửa phường Bến Thành") == [
        "3",
        "3",
        "1 (33.3%)",
        "2",
    ]
    assert cells(page, "Văn phòng HĐND và UBND phường Bến Thành") == [
        "2",
        "2",
        "1 (50.0%)",
        "1",
    ]


def test_the_province_official_sees_the_wards_reach_among_the_communes(client_as):
    page = client_as(PROVINCE_OFFICIAL).get(reverse("coverage_places"))

    assert page.status_code == 200
    households = sum(len(spec.households) for spec in OUTREACH.hamlets)
    reached = len({v.household for v in OUTREACH.visits})
    row = cells(page.content.decode(), "Phường Bến Thành")
    assert row[0].startswith(f"{reached}/{households} (") and reached
    assert row[2] == str(len(OUTREACH.visits))
    # Residents who finished a course online: the demo's resident and leader.
    assert row[3] == "2"


def test_the_ward_official_sees_only_the_wards_agencies_and_hamlets(client_as):
    official = client_as(WARD_OFFICIAL)

    agencies = official.get(reverse("coverage_agencies")).content.decode()
    places = official.get(reverse("coverage_places")).content.decode()

    assert cells(agencies, "UBND phường Bến Thành")[0] == "9"
    assert "Sở Nội vụ" not in agencies and "UBND phường Sài Gòn" not in agencies
    assert "Phường Bến Thành" in places and "Phường Sài Gòn" not in places


def test_every_page_printed_for_a_demo_person_opens_for_them(client_as):
    pages = [(p.username, page) for p in CONTENT.people for page, _what in p.sees]

    assert {username for username, _page in pages} == {
        p.username for p in CONTENT.people
    }
    for username, page in pages:
        response = client_as(username).get(page)
        assert response.status_code == 200, (username, page)
    assert ("demo-can-bo-thanh-pho", "/coverage/") in pages
    assert ("demo-can-bo-phuong", "/coverage/") in pages


def test_staff_accounts_sign_in_with_the_demo_password(loaded, db, client):
    email = "nh.long@example.org"

    assert client.login(email=email, password=CONTENT.password)
    assert User.objects.get(email=email).staff_member.agency.name == (
        "Sở Khoa học và Công nghệ"
    )
