"""Whatever a browser sends, the grade stored is the one the server works out.

Answers are generated together with the score they deserve (known by how they
were built), and sent with a forged reported score through the real endpoint.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from h5p.models import H5PAttempt

from .activities import activity_create, place_activity, send, statement
from .packages import (
    QS_BLANKS,
    QS_MULTI_CHOICE,
    QS_TRUE_FALSE,
    blanks,
    package_files,
    question_set,
    true_false,
    zip_bytes,
)

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# Wrong answers: letters that match none of the right ones, in any case.
WRONG = st.text(alphabet="qwxzj", min_size=0, max_size=6)


def _flip_case(text: str, flips: list[bool]) -> str:
    flips = (flips + [False] * len(text))[: len(text)]
    return "".join(
        c.swapcase() if flip else c for c, flip in zip(text, flips, strict=True)
    )


def _last_attempt_score(response) -> float:
    assert response.status_code == 200, response.content
    return H5PAttempt.objects.latest("pk").raw_score


def _forged(maximum: int):
    return st.integers(min_value=0, max_value=maximum)


def test_true_false_grade_is_the_servers(learner, lessons):
    activity = activity_create(true_false())
    lesson = place_activity(lessons[0], activity)

    @EXAMPLES
    @given(answer=st.sampled_from(["true", "false"]), raw=_forged(1))
    def check(answer, raw):
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, response=answer, raw=raw, maximum=1),
        )
        assert _last_attempt_score(reply) == (1 if answer == "false" else 0)

    check()


BLANK_SOLUTIONS = [["VNeID"], ["OTP"], ["tổng đài", "hotline"]]


@st.composite
def blank_answers(draw):
    parts, right = [], 0
    for solutions in BLANK_SOLUTIONS:
        if draw(st.booleans()):
            word = draw(st.sampled_from(solutions))
            flips = draw(st.lists(st.booleans(), max_size=len(word)))
            parts.append(_flip_case(word, flips))
            right += 1
        else:
            parts.append(draw(WRONG))
    return "[,]".join(parts), right


def test_fill_in_the_blanks_grade_is_the_servers(learner, lessons):
    activity = activity_create(blanks())
    lesson = place_activity(lessons[0], activity)

    @EXAMPLES
    @given(answer=blank_answers(), raw=_forged(3))
    def check(answer, raw):
        response, right = answer
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, response=response, raw=raw, maximum=3),
        )
        assert _last_attempt_score(reply) == right

    check()


DROP_ZONES = ["VNeID", "OTP", "113"]


def drag_text() -> bytes:
    return zip_bytes(
        package_files(
            machine_name="H5P.DragText",
            version=(1, 8),
            title="Kéo thả từ",
            content={
                "textField": "Ứng dụng *VNeID*, mã *OTP:bí mật*, gọi *113*.",
                "distractors": "*114*",
            },
        )
    )


def test_drag_the_words_grade_is_the_servers(learner, lessons):
    activity = activity_create(drag_text())
    lesson = place_activity(lessons[0], activity)
    words = [*DROP_ZONES, "114"]

    @EXAMPLES
    @given(
        order=st.permutations(words),
        empty=st.lists(st.booleans(), min_size=3, max_size=3),
        raw=_forged(3),
    )
    def check(order, empty, raw):
        dropped = ["" if gap else word for word, gap in zip(order, empty, strict=False)]
        right = sum(w == zone for w, zone in zip(dropped, DROP_ZONES, strict=True))
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, response="[,]".join(dropped), raw=raw, maximum=3),
        )
        assert _last_attempt_score(reply) == right

    check()


# Words in order: Chọn, các, từ, đúng, VNeID, và, OTP, không, phải, mật.
MARK_ANSWERS = {4, 6}


def mark_the_words() -> bytes:
    return zip_bytes(
        package_files(
            machine_name="H5P.MarkTheWords",
            version=(1, 9),
            title="Đánh dấu từ",
            content={
                "textField": "<p>Chọn các từ đúng: *VNeID* và *OTP*,</p>"
                "<p>không phải “mật”.</p>"
            },
        )
    )


def test_mark_the_words_grade_is_the_servers(learner, lessons):
    activity = activity_create(mark_the_words())
    lesson = place_activity(lessons[0], activity)

    @EXAMPLES
    @given(marked=st.sets(st.integers(0, 9)), raw=_forged(2))
    def check(marked, raw):
        right = len(marked & MARK_ANSWERS)
        expected = max(right - (len(marked) - right), 0)
        response = "[,]".join(str(i) for i in sorted(marked))
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, response=response, raw=raw, maximum=2),
        )
        assert _last_attempt_score(reply) == expected

    check()


def test_question_set_grade_is_the_sum_the_server_works_out(learner, lessons):
    activity = activity_create(question_set())
    lesson = place_activity(lessons[0], activity)

    @EXAMPLES
    @given(
        true_false=st.sampled_from(["true", "false"]),
        choice=st.sampled_from(["0", "1", ""]),
        blank=st.sampled_from(["VNeID", "vneid", "", "VNID"]),
        claimed=st.lists(_forged(1), min_size=3, max_size=3),
        raw=_forged(3),
    )
    def check(true_false, choice, blank, claimed, raw):
        answers = [
            (QS_TRUE_FALSE, true_false, true_false == "true"),
            (QS_MULTI_CHOICE, choice, choice == "0"),
            (QS_BLANKS, blank, blank.lower() == "vneid"),
        ]
        for (child, response, _right), forged in zip(answers, claimed, strict=True):
            reply = send(
                learner,
                lesson,
                activity,
                statement(
                    activity, child=child, response=response, raw=forged, maximum=1
                ),
            )
            assert reply.status_code == 200, reply.content
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, verb="completed", raw=raw, maximum=3),
        )
        assert _last_attempt_score(reply) == sum(right for *_, right in answers)

    check()
