"""Civil servants are reminded of a deadline 7 days and 1 day before, once each."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from coverage.models import ReminderSent
from coverage.reminders import reminders_send
from lms.accounts import sms
from tests.coverage.world import assign, coverage_world, finish, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = coverage_world()
    world.by_phone = member(world.committee, "Lê Văn Hùng")
    world.by_phone.user.phone = "+84912000111"
    world.by_phone.user.save()
    world.by_email = member(world.committee, "Phạm Thị Hoa")
    world.by_email.user.email = "hoa@example.vn"
    world.by_email.user.save()
    world.assignment = assign(world, agency=world.committee)
    sms.outbox.clear()
    return world


def days_before(world, days: int) -> datetime.date:
    return world.assignment.deadline - datetime.timedelta(days=days)


def test_seven_days_before_each_person_is_reminded_by_sms_or_email(world):
    assert reminders_send(today=days_before(world, 7)) == 2

    [text] = [message.text for message in sms.outbox]
    assert sms.outbox[0].phone == "+84912000111"
    assert "Kỹ năng số cho công chức" in text and "7" in text
    assert "/khoa-hoc/" in text
    [email] = mail.outbox
    assert email.to == ["hoa@example.vn"]
    assert "Kỹ năng số cho công chức" in email.body


def test_a_second_run_the_same_day_sends_nothing_again(world):
    reminders_send(today=days_before(world, 7))

    assert reminders_send(today=days_before(world, 7)) == 0
    assert reminders_send(today=days_before(world, 5)) == 0
    assert len(sms.outbox) == 1 and len(mail.outbox) == 1


def test_the_last_day_brings_the_second_reminder_once(world):
    reminders_send(today=days_before(world, 7))

    assert reminders_send(today=days_before(world, 1)) == 2
    assert reminders_send(today=days_before(world, 1)) == 0
    assert reminders_send(today=days_before(world, 0)) == 0
    assert ReminderSent.objects.filter(days_before=1).count() == 2
    assert len(sms.outbox) == 2


def test_a_missed_day_is_made_up_the_next_day(world):
    assert reminders_send(today=days_before(world, 6)) == 2


def test_nobody_is_reminded_too_early_or_after_the_deadline(world):
    assert reminders_send(today=days_before(world, 8)) == 0
    assert reminders_send(today=days_before(world, -1)) == 0
    assert not sms.outbox and not mail.outbox


def test_who_finished_is_not_reminded(world):
    finish(world.by_phone.user, world.course)

    assert reminders_send(today=days_before(world, 7)) == 1
    assert not sms.outbox


def test_a_gateway_failure_loses_no_reminder(world, settings):
    settings.LMS_SMS_SENDER = "tests.coverage.test_reminders.FailingSender"

    assert reminders_send(today=days_before(world, 7)) == 1
    assert not ReminderSent.objects.filter(staff=world.by_phone).exists()

    settings.LMS_SMS_SENDER = "lms.accounts.sms.OutboxSmsSender"
    assert reminders_send(today=days_before(world, 6)) == 1
    assert len(sms.outbox) == 1


def test_the_daily_command_sends_what_is_due_today(world):
    assign(world, agency=world.committee, course=world.other_course, days=7)
    out = io.StringIO()

    call_command("coverage_reminders", stdout=out)

    assert out.getvalue().strip() == "2 reminder(s) sent."
    assert "An toàn thông tin" in sms.outbox[0].text


class FailingSender(sms.SmsSender):
    def send(self, *, phone: str, text: str) -> None:
        raise sms.SmsError("gateway down")
