from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from certificates import permissions, services
from certificates.models import BulkIssue, BulkIssueItem, Certificate
from certificates.selectors import bulk_issue_progress
from lms.models import User
from tests.certificates.helpers import design, issue, pdf_text, seal_image
from tests.factories import UserFactory


@pytest.fixture
def issuer(official):
    return official("ben_thanh")


@pytest.fixture
def people(person_in):
    return [person_in("ben_thanh", full_name=f"Trần Thị Hoa {n}") for n in range(7)]


def prepare(issuer, course, people, **kwargs) -> BulkIssue:
    return services.bulk_issue_create(
        created_by=issuer,
        course=course,
        people=User.objects.filter(pk__in=[p.pk for p in people]),
        **kwargs,
    )


def running(bulk_issue: BulkIssue) -> BulkIssue:
    """Mark a prepared issue as started without running any task."""
    BulkIssue.objects.filter(pk=bulk_issue.pk).update(
        status=BulkIssue.Status.RUNNING, heartbeat_at=timezone.now()
    )
    bulk_issue.refresh_from_db()
    return bulk_issue


def test_prepared_issue_waits_for_confirmation(issuer, course, people):
    bulk_issue = prepare(issuer, course, people, reason="Tập huấn ngày 12/08")

    assert bulk_issue.status == BulkIssue.Status.DRAFT
    assert bulk_issue.items.count() == 7
    assert not Certificate.objects.exists()


def test_starting_issues_everyone_once_in_the_background(issuer, course, people):
    bulk_issue = prepare(issuer, course, people, reason="Tập huấn ngày 12/08")

    services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)

    progress = bulk_issue_progress(bulk_issue=bulk_issue)
    assert progress.status == BulkIssue.Status.DONE
    assert (progress.total, progress.issued, progress.pending) == (7, 7, 0)
    certificates = Certificate.objects.filter(course=course)
    assert certificates.count() == 7
    assert {c.issued_by_id for c in certificates} == {issuer.pk}
    assert {c.reason for c in certificates} == {"Tập huấn ngày 12/08"}
    assert {c.source for c in certificates} == {Certificate.Source.BULK}


def test_people_who_already_hold_it_keep_their_certificate(issuer, course, people):
    earlier = issue(people[0], course)
    bulk_issue = prepare(issuer, course, people)

    services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)

    item = bulk_issue.items.get(user=people[0])
    assert item.status == BulkIssueItem.Status.EXISTING
    assert item.certificate_id == earlier.pk
    assert Certificate.objects.filter(user=people[0]).count() == 1


def test_one_failure_does_not_stop_the_others(issuer, course, people, person_in):
    nameless = person_in("ben_thanh", full_name="")
    bulk_issue = prepare(issuer, course, [*people, nameless])

    services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)

    progress = bulk_issue_progress(bulk_issue=bulk_issue)
    assert (progress.issued, progress.failed, progress.status) == (7, 1, "done")
    failed = bulk_issue.items.get(status=BulkIssueItem.Status.FAILED)
    assert failed.user_id == nameless.pk
    assert "no full name" in failed.error


def test_a_started_issue_cannot_start_again(issuer, course, people):
    bulk_issue = prepare(issuer, course, people)
    services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)

    with pytest.raises(ValidationError, match="already being issued"):
        services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)
    assert Certificate.objects.count() == 7


def test_only_its_author_starts_a_prepared_issue(issuer, official, course, people):
    bulk_issue = prepare(issuer, course, people)

    with pytest.raises(ValidationError, match="Only the person who prepared"):
        services.bulk_issue_start(bulk_issue=bulk_issue, user=official("ben_thanh"))
    assert not Certificate.objects.exists()


def test_batches_move_progress_until_done(issuer, course, people):
    bulk_issue = running(prepare(issuer, course, people))

    more = services.bulk_issue_process(bulk_issue_id=bulk_issue.pk, batch_size=3)

    progress = bulk_issue_progress(bulk_issue=bulk_issue)
    assert more is True
    assert (progress.processed, progress.percent, progress.status) == (3, 42, "running")
    while services.bulk_issue_process(bulk_issue_id=bulk_issue.pk, batch_size=3):
        pass
    progress = bulk_issue_progress(bulk_issue=bulk_issue)
    assert (progress.issued, progress.status) == (7, "done")
    bulk_issue.refresh_from_db()
    assert bulk_issue.finished_at is not None


def test_a_batch_cut_short_by_a_crash_is_redone_without_duplicates(
    issuer, course, people
):
    bulk_issue = running(prepare(issuer, course, people))
    services.bulk_issue_process(bulk_issue_id=bulk_issue.pk, batch_size=2)

    # A worker dies mid-batch: its transaction, certificates included, rolls back.
    with pytest.raises(KeyboardInterrupt), transaction.atomic():
        services.bulk_issue_process(bulk_issue_id=bulk_issue.pk, batch_size=3)
        raise KeyboardInterrupt
    assert Certificate.objects.count() == 2
    # Another way a restart can interleave: a certificate committed, its item not.
    leftover = bulk_issue.items.filter(status=BulkIssueItem.Status.PENDING).first()
    issue(leftover.user, course)

    services.bulk_issue_resume(bulk_issue=bulk_issue)

    progress = bulk_issue_progress(bulk_issue=bulk_issue)
    assert (progress.pending, progress.issued, progress.existing) == (0, 6, 1)
    assert progress.status == "done"
    assert Certificate.objects.filter(course=course).count() == 7
    assert set(Certificate.objects.values_list("user_id", flat=True)) == {
        person.pk for person in people
    }


def test_an_issue_that_stopped_moving_is_stalled(issuer, course, people):
    bulk_issue = running(prepare(issuer, course, people))
    assert not services.bulk_issue_is_stalled(bulk_issue)

    bulk_issue.heartbeat_at = timezone.now() - timedelta(minutes=10)

    assert services.bulk_issue_is_stalled(bulk_issue)


def test_people_outside_the_issuers_area_are_left_out(
    issuer, course, people, person_in
):
    elsewhere = person_in("hoan_kiem", full_name="Lê Văn Hà Nội")

    bulk_issue = prepare(issuer, course, [*people, elsewhere])

    assert bulk_issue.items.count() == 7
    assert not bulk_issue.items.filter(user=elsewhere).exists()


def test_nobody_in_the_area_is_refused(issuer, course, person_in):
    elsewhere = person_in("hoan_kiem")

    with pytest.raises(ValidationError, match="at least one person"):
        prepare(issuer, course, [elsewhere])
    assert not BulkIssue.objects.exists()


def test_residents_cannot_prepare_bulk_issues(resident, course, people):
    with pytest.raises(ValidationError, match="may not issue"):
        prepare(resident, course, people)


def test_too_many_people_are_refused(issuer, course, people, monkeypatch):
    monkeypatch.setattr(services, "MAX_PEOPLE_PER_BULK_ISSUE", 5)

    with pytest.raises(ValidationError, match="At most 5 people"):
        prepare(issuer, course, people)


def test_a_superuser_may_certify_anyone(course, people):
    admin = UserFactory(is_superuser=True, is_staff=True)

    bulk_issue = prepare(admin, course, people)

    assert bulk_issue.items.count() == 7


def test_an_unreadable_design_image_fails_items_with_a_reason(issuer, course, people):
    logo = seal_image()
    design(course, logo_image=logo)
    logo.file.storage.delete(logo.file.name)
    bulk_issue = prepare(issuer, course, people)

    services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)

    progress = bulk_issue_progress(bulk_issue=bulk_issue)
    assert (progress.failed, progress.status) == (7, "done")
    assert "ask an editor" in bulk_issue.items.first().error
    assert not Certificate.objects.exists()


def test_team_leader_issues_to_the_residents_their_team_trained(
    team_leader, course, people, person_in, monkeypatch
):
    trained = people[:2]
    monkeypatch.setattr(permissions, "_people_scopes", [])
    permissions.register_people_scope(
        lambda issuer: Q(pk__in=[person.pk for person in trained])
    )

    bulk_issue = prepare(team_leader, course, people)
    services.bulk_issue_start(bulk_issue=bulk_issue, user=team_leader)

    assert set(Certificate.objects.values_list("user_id", flat=True)) == {
        person.pk for person in trained
    }
    assert {c.issued_by_id for c in Certificate.objects.all()} == {team_leader.pk}


def test_a_code_already_taken_is_drawn_again(issuer, course, people, person_in):
    taken = issue(person_in("hoan_kiem"), course).code
    # Once in billions a fresh code is already taken: here, for the whole batch.
    repeats = iter([taken] * 3)
    real = services.code_generate

    def code_generate():
        return next(repeats, None) or real()

    bulk_issue = prepare(issuer, course, people[:3])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "code_generate", code_generate)
        services.bulk_issue_start(bulk_issue=bulk_issue, user=issuer)

    issued = Certificate.objects.filter(user__in=people[:3])
    assert bulk_issue_progress(bulk_issue=bulk_issue).issued == 3
    assert len({certificate.code for certificate in issued}) == 3
    assert taken not in {certificate.code for certificate in issued}
    for certificate in issued:
        assert certificate.code in pdf_text(certificate.pdf.open("rb").read())
