"""Rules of the quiz model: valid pools, pass marks and when a retry may start."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from courses.assessments import assessment_kinds, required_targets
from quizzes.models import QuestionKind, Quiz, choice_problems
from quizzes.rules import allowance

pytestmark = pytest.mark.usefixtures("english")

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(
    ("kind", "flags", "problems"),
    [
        (QuestionKind.SINGLE, [True, False, False], []),
        (QuestionKind.SINGLE, [True, True, False], ["Mark exactly one choice"]),
        (QuestionKind.SINGLE, [False, False], ["Mark exactly one choice"]),
        (QuestionKind.SINGLE, [True], ["at least two choices"]),
        (QuestionKind.MULTIPLE, [True, True, False], []),
        (QuestionKind.MULTIPLE, [True, False], []),
        (QuestionKind.MULTIPLE, [False, False], ["Mark at least one choice"]),
        (QuestionKind.TRUE_FALSE, [False, True], []),
        (QuestionKind.TRUE_FALSE, [True, True], ["Mark exactly one choice"]),
        (QuestionKind.TRUE_FALSE, [True, False, False], ["exactly two choices"]),
    ],
)
def test_choice_rules_per_kind_of_question(kind, flags, problems):
    found = choice_problems(kind, flags)
    assert len(found) == len(problems)
    for message, expected in zip(found, problems, strict=True):
        assert expected in message


@pytest.mark.parametrize(("pass_mark", "valid"), [(0, True), (100, True), (101, False)])
def test_pass_mark_is_a_percentage(db, pass_mark, valid):
    quiz = Quiz(title="Kiểm tra", pass_mark=pass_mark)
    if valid:
        quiz.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            quiz.full_clean()
        assert "pass_mark" in error.value.message_dict


def test_draw_size_and_attempt_limit_start_at_one(db):
    quiz = Quiz(title="Kiểm tra", questions_per_attempt=0, max_attempts=0)
    with pytest.raises(ValidationError) as error:
        quiz.full_clean()
    assert {"questions_per_attempt", "max_attempts"} <= set(error.value.message_dict)


def test_unlimited_attempts_never_run_out():
    rule = allowance(
        max_attempts=None, retry_wait_minutes=0, used=500, last_submitted_at=None
    )
    assert rule.may_start and rule.attempts_left is None


def test_no_attempt_left_is_said_before_any_wait():
    now = datetime(2026, 7, 1, 9, 0, tzinfo=HANOI)
    rule = allowance(
        max_attempts=1, retry_wait_minutes=60, used=1, last_submitted_at=now, now=now
    )
    assert rule.refusal == "You have used your only attempt at this quiz."
    assert rule.next_try_at is None


def test_wait_names_the_minutes_and_the_clock_time():
    submitted = datetime(2026, 7, 1, 9, 0, tzinfo=HANOI)
    rule = allowance(
        max_attempts=3,
        retry_wait_minutes=15,
        used=1,
        last_submitted_at=submitted,
        now=submitted + timedelta(minutes=4, seconds=10),
    )
    assert rule.attempts_left == 2
    assert rule.refusal == "You can try again in 11 minutes, at 09:15."
    assert rule.next_try_at == submitted + timedelta(minutes=15)


def test_a_wait_into_another_day_names_the_date():
    submitted = datetime(2026, 7, 1, 23, 50, tzinfo=HANOI)
    rule = allowance(
        max_attempts=None,
        retry_wait_minutes=24 * 60,
        used=1,
        last_submitted_at=submitted,
        now=submitted,
    )
    assert rule.refusal == "You can try again at 02/07/2026 23:50."


def test_after_the_wait_a_retry_may_start():
    submitted = datetime(2026, 7, 1, 9, 0, tzinfo=HANOI)
    rule = allowance(
        max_attempts=None,
        retry_wait_minutes=15,
        used=1,
        last_submitted_at=submitted,
        now=submitted + timedelta(minutes=15),
    )
    assert rule.may_start and rule.refusal == ""


def test_only_required_blocks_of_a_kind_count():
    quiz_kind = next(kind for kind in assessment_kinds() if kind.block_type == "quiz")
    body = [
        {"type": "text", "value": "<p>Bài đọc</p>"},
        {"type": "quiz", "value": {"quiz": 4, "required": True}},
        {"type": "quiz", "value": {"quiz": 5, "required": False}},
        {"type": "h5p", "value": {"quiz": 6, "required": True}},
        {"type": "quiz", "value": {"quiz": None, "required": True}},
    ]
    assert required_targets(body, quiz_kind) == {4}
