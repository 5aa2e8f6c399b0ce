"""The coverage summary tables always equal a recount from the raw rows."""

import datetime
import io

import pytest
from django.utils import timezone

from coverage import figures
from coverage.models import (
    AgencyFigures,
    AgencyMonthFigures,
    CommuneFigures,
    CommuneMonthFigures,
    ExternalCompletion,
    StaffCategory,
)
from coverage.receivers import people_trained_elsewhere
from tests.coverage.world import assign, coverage_world, finish, member

pytestmark = pytest.mark.django_db


def stored():
    def rows(model, *fields):
        return sorted(model.objects.values_list(*fields))

    return (
        rows(
            AgencyFigures,
            "agency",
            "year",
            "path",
            "staff",
            "assigned",
            "finished",
            "overdue",
        ),
        rows(AgencyMonthFigures, "agency", "month", "path", "finished_courses"),
        rows(
            CommuneFigures,
            "commune",
            "learners_finished",
            "courses_finished",
            "certificates",
        ),
        rows(
            CommuneMonthFigures, "commune", "month", "courses_finished", "certificates"
        ),
    )


def recounted():
    from coverage.models import Agency
    from lms.models import Commune

    agencies, months = figures.agency_figures_count(
        Agency.objects.values_list("pk", flat=True)
    )
    communes, commune_months = figures.commune_figures_count(
        Commune.objects.values_list("pk", flat=True)
    )
    return (
        sorted(
            (r.agency_id, r.year, r.path, r.staff, r.assigned, r.finished, r.overdue)
            for r in agencies
        ),
        sorted((r.agency_id, r.month, r.path, r.finished_courses) for r in months),
        sorted(
            (r.commune_id, r.learners_finished, r.courses_finished, r.certificates)
            for r in communes
        ),
        sorted(
            (r.commune_id, r.month, r.courses_finished, r.certificates)
            for r in commune_months
        ),
    )


def agency_row(agency, year=None):
    return AgencyFigures.objects.get(
        agency=agency, year=year or timezone.localdate().year
    )


def assert_fresh():
    assert stored() == recounted()


@pytest.fixture
def world():
    return coverage_world()


def test_a_course_assigned_to_a_department_reaches_its_sub_units(
    world,
):
    lan = member(world.department, "Nguyễn Thị Lan")
    minh = member(world.office, "Trần Văn Minh")
    member(world.committee, "Lê Văn Hùng")
    assert agency_row(world.office).staff == 1

    assign(world, agency=world.department)

    assert (
        agency_row(world.department).assigned,
        agency_row(world.office).assigned,
    ) == (1, 1)
    assert agency_row(world.committee).assigned == 0

    finish(minh.user, world.course)

    assert agency_row(world.office).finished == 1
    assert agency_row(world.department).finished == 0
    assert lan.user_id
    assert_fresh()


def test_a_category_assignment_reaches_only_that_category(world):
    member(world.committee, "Cán bộ Một", category=StaffCategory.CB)
    member(world.committee, "Viên chức Hai", category=StaffCategory.VC)

    assign(world, category=StaffCategory.CB)

    row = agency_row(world.committee)
    assert (row.staff, row.assigned) == (2, 1)
    assert_fresh()


def test_a_person_past_the_deadline_is_overdue_until_they_finish(world):
    hung = member(world.committee, "Lê Văn Hùng")
    year = assign(world, agency=world.committee, days=-3).year
    assert agency_row(world.committee, year).overdue == 1

    finish(hung.user, world.course)

    row = agency_row(world.committee, year)
    assert (row.overdue, row.finished) == (0, 1)
    month = timezone.localdate().replace(day=1)
    assert AgencyMonthFigures.objects.get(agency=world.committee).month == month
    assert_fresh()


def test_every_assigned_course_must_be_finished(world):
    hung = member(world.committee, "Lê Văn Hùng")
    assign(world, agency=world.committee)
    assign(world, agency=world.committee, course=world.other_course)

    finish(hung.user, world.course)
    assert agency_row(world.committee).finished == 0

    finish(hung.user, world.other_course)
    assert agency_row(world.committee).finished == 1
    assert_fresh()


def test_training_finished_on_another_platform_counts(world):
    hung = member(world.committee, "Lê Văn Hùng")
    year = assign(world, agency=world.committee, days=-1).year
    ExternalCompletion.objects.create(
        user=hung.user,
        course=world.course,
        completed_on=timezone.localdate() - datetime.timedelta(days=40),
        source=ExternalCompletion.Source.ONETOUCH,
    )
    people_trained_elsewhere(sender=None, user_ids=[hung.user_id])

    row = agency_row(world.committee, year)
    assert (row.finished, row.overdue) == (1, 0)
    assert_fresh()


def test_moving_an_agency_moves_its_staff_figures_with_it(world):
    member(world.office, "Trần Văn Minh")
    assign(world, agency=world.department)
    assert agency_row(world.office).assigned == 1

    world.office.parent = world.committee.parent  # a top agency of its own
    world.office.save()

    row = agency_row(world.office)
    assert row.path == world.office.path and row.assigned == 0
    assert_fresh()


def test_a_person_who_leaves_or_moves_leaves_the_figures_of_their_agency(world):
    minh = member(world.office, "Trần Văn Minh")
    assign(world, agency=world.office)

    minh.agency = world.committee
    minh.save()
    assert not AgencyFigures.objects.filter(agency=world.office, staff__gt=0)
    assert agency_row(world.committee).staff == 1

    minh.active = False
    minh.save()
    assert not AgencyFigures.objects.filter(agency=world.committee, staff__gt=0)
    assert_fresh()


def test_withdrawing_an_assignment_takes_it_out_of_the_figures(world):
    member(world.committee, "Lê Văn Hùng")
    assignment = assign(world, agency=world.committee, days=-2)
    assert agency_row(world.committee, assignment.year).overdue == 1

    assignment.delete()

    assert not AgencyFigures.objects.filter(
        agency=world.committee, year=assignment.year, assigned__gt=0
    ).exists()
    assert_fresh()


def test_residents_who_finish_online_count_in_their_commune(world):
    from tests.factories import UserFactory

    resident = UserFactory(commune=world.people.ben_thanh)
    finish(resident, world.course)
    finish(resident, world.other_course)

    row = CommuneFigures.objects.get(commune=world.people.ben_thanh)
    assert (row.learners_finished, row.courses_finished) == (1, 2)
    month = CommuneMonthFigures.objects.get(commune=world.people.ben_thanh)
    assert month.courses_finished == 2
    assert_fresh()


def test_the_rebuild_gives_what_the_changes_kept(world):
    member(world.committee, "Lê Văn Hùng")
    assign(world, agency=world.committee)
    before = stored()
    AgencyFigures.objects.all().delete()

    figures.figures_rebuild()

    assert stored() == before


def test_a_refresh_queued_in_a_transaction_that_fails_leaves_nothing(world):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        member(world.committee, "Lê Văn Hùng")
        raise RuntimeError

    assert not AgencyFigures.objects.filter(staff__gt=0).exists()


def test_figures_for_a_year_with_assignments_count_the_whole_staff(world):
    member(world.committee, "Lê Văn Hùng")
    member(world.committee, "Phạm Thị Hoa")
    next_year = timezone.localdate().year + 1
    assign(world, agency=world.committee, deadline=datetime.date(next_year, 6, 30))

    assert agency_row(world.committee, next_year).staff == 2
    assert agency_row(world.committee).staff == 2
    assert_fresh()


def test_a_revoked_certificate_leaves_the_communes_figures(world):
    from certificates.models import Certificate
    from certificates.services import certificate_revoke
    from tests.factories import UserFactory

    resident = UserFactory(commune=world.people.ben_thanh)
    finish(resident, world.course)
    certificate = Certificate.objects.get(user=resident)
    assert CommuneFigures.objects.get(commune=world.people.ben_thanh).certificates == 1

    certificate_revoke(certificate=certificate, revoked_by=None, reason="Sai họ tên")

    assert CommuneFigures.objects.get(commune=world.people.ben_thanh).certificates == 0
    assert_fresh()


def test_an_account_deleted_with_its_certificates_revoked_is_recounted(world):
    from privacy.services import account_delete
    from tests.factories import UserFactory

    resident = UserFactory(commune=world.people.ben_thanh)
    finish(resident, world.course)

    account_delete(user=resident, certificates="revoke")

    row = CommuneFigures.objects.get(commune=world.people.ben_thanh)
    # The learning stays counted (anonymously); the certificate does not.
    assert (row.learners_finished, row.certificates) == (1, 0)
    assert_fresh()


def test_the_release_counts_the_figures_once_when_none_are_stored(world):
    from django.core.management import call_command

    member(world.committee, "Lê Văn Hùng")
    AgencyFigures.objects.all().delete()

    call_command("coverage_figures_rebuild", "--if-empty", stdout=io.StringIO())
    assert agency_row(world.committee).staff == 1

    AgencyFigures.objects.update(staff=7)
    call_command("coverage_figures_rebuild", "--if-empty", stdout=io.StringIO())
    assert agency_row(world.committee).staff == 7
