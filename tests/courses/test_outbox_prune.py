"""``manage.py outbox_prune``: old answers to offline writes are forgotten, recent
ones are still given again."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import LessonProgress, OutboxReceipt


def _receipts(user, *ages_in_days):
    now = timezone.now()
    for days in ages_in_days:
        OutboxReceipt.objects.create(
            user=user,
            key=uuid.uuid4(),
            kind="lesson-complete",
            fingerprint="f" * 64,
            received_at=now - timedelta(days=days, minutes=1),
        )


def test_answers_older_than_the_setting_are_forgotten(db, user, settings):
    settings.LMS_OUTBOX_RECEIPT_DAYS = 90
    _receipts(user, 400, 91, 90, 89, 0)
    out = StringIO()

    call_command("outbox_prune", stdout=out)

    assert out.getvalue().strip() == "3 answers older than 90 days forgotten."
    ages = sorted(
        (timezone.now() - received).days
        for received in OutboxReceipt.objects.values_list("received_at", flat=True)
    )
    assert ages == [0, 89]


def test_it_works_in_batches_and_a_second_run_finds_nothing(db, user, monkeypatch):
    monkeypatch.setattr("courses.services.PRUNE_BATCH", 2)
    _receipts(user, 100, 120, 140, 160, 180)
    call_command("outbox_prune", "--days", "30", stdout=StringIO())
    assert not OutboxReceipt.objects.exists()
    out = StringIO()
    call_command("outbox_prune", "--days", "30", stdout=out)
    assert out.getvalue().startswith("0 answers")


@pytest.mark.parametrize("days", ["0", "-5", "100000"])
def test_an_absurd_number_of_days_is_refused_and_nothing_is_forgotten(db, user, days):
    _receipts(user, 400)
    with pytest.raises(CommandError, match="between 1 and 3650"):
        call_command("outbox_prune", "--days", days, stdout=StringIO())
    assert OutboxReceipt.objects.count() == 1


def test_a_recent_write_sent_again_still_gets_its_first_answer(learner, lessons):
    key = str(uuid.uuid4())
    url = reverse("lesson_complete", args=[lessons[0].pk])
    headers = {"x-outbox-id": key, "accept": "application/json"}
    first = learner.post(url, headers=headers).json()

    call_command("outbox_prune", stdout=StringIO())

    assert learner.post(url, headers=headers).json() == first
    assert OutboxReceipt.objects.count() == 1
    assert LessonProgress.objects.get().status == LessonProgress.Status.COMPLETED
