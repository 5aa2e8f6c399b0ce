"""The server's own reading of correct answers, on our packages and real ones."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from h5p.scoring import (
    ResponseInvalid,
    answer_key,
    answer_key_build,
    plain_text,
    with_defaults,
)
from h5p.services import h5p_package_import

from .builders import SHARED_PACKAGES, needs_shared_packages

ANSWERS = [
    {"text": "A", "correct": True},
    {"text": "B", "correct": False},
    {"text": "C", "correct": True},
]


def multi_choice_key(**behaviour):
    return answer_key_build(
        main_library="H5P.MultiChoice",
        content={"question": "<p>?</p>", "answers": ANSWERS, "behaviour": behaviour},
    ).main


def test_multiple_choice_scores_a_point_per_right_choice_minus_wrong_ones():
    question = multi_choice_key(singlePoint=False)
    assert question.max_score == 2
    assert [question.score(r) for r in ["0[,]2", "0", "0[,]1", "1", ""]] == [
        2,
        1,
        0,
        0,
        0,
    ]


def test_multiple_choice_with_a_single_point_needs_every_right_choice():
    question = multi_choice_key(singlePoint=True, passPercentage=100)
    assert question.max_score == 1
    assert (question.score("0[,]2"), question.score("2")) == (1, 0)


def test_a_single_answer_question_takes_one_answer():
    question = answer_key_build(
        main_library="H5P.MultiChoice",
        content={"answers": [{"correct": True}, {"correct": False}]},
    ).main
    assert question.score("0") == 1
    with pytest.raises(ResponseInvalid):
        question.score("0[,]1")
    with pytest.raises(ResponseInvalid):
        question.score("0[,]0")


def test_true_or_false_accepts_only_true_or_false():
    question = answer_key_build(
        main_library="H5P.TrueFalse", content={"correct": "true"}
    ).main
    assert (question.score("true"), question.score("false")) == (1, 0)
    with pytest.raises(ResponseInvalid):
        question.score("maybe")


def blanks_in(*questions):
    key = answer_key_build(main_library="H5P.Blanks", content={"questions": questions})
    return key.main.max_score


def test_blanks_are_counted_as_the_library_reads_them():
    assert blanks_in("*một* và *hai*", "không có") == 2
    assert blanks_in("** là trống, *ba* thì không") == 1
    assert blanks_in("*chưa đóng") == 0


def test_question_text_is_plain_and_short():
    assert plain_text("<p>Mã&nbsp;<b>OTP</b></p>\n") == "Mã OTP"
    assert len(plain_text("x" * 500)) == 200


def shared(name: str):
    data = (SHARED_PACKAGES / name).read_bytes()
    package = h5p_package_import(file=SimpleUploadedFile(name, data), uploaded_by=None)
    return answer_key(package)


@needs_shared_packages
@pytest.mark.django_db
def test_real_true_false_package():
    key = shared("true-false.h5p")
    assert key.main.max_score == 1
    assert (key.main.score("false"), key.main.score("true")) == (1, 0)


@needs_shared_packages
@pytest.mark.django_db
def test_real_multiple_choice_package():
    key = shared("multi-choice.h5p")
    assert key.main.max_score == 1
    assert [key.main.score(r) for r in ["0", "1", "2"]] == [1, 0, 0]


@needs_shared_packages
@pytest.mark.django_db
def test_real_single_choice_set_package():
    key = shared("single-choice-set.h5p")
    assert key.sums_children
    assert key.main.max_score == 3
    first = key.question("51445ea9-9c98-437a-8981-72d46d6e86c4")
    assert first.text == "Goji berries are also known as ..."
    assert (first.score("0"), first.score("1")) == (1, 0)


@needs_shared_packages
@pytest.mark.django_db
def test_real_fill_in_the_blanks_package():
    key = shared("fill-in-the-blanks.h5p")
    assert key.main.max_score == 3
    assert key.main.score("blue[,]Cloud[,]BLACK") == 3
    assert key.main.score("blue[,]cloud[,]white") == 2
    with pytest.raises(ResponseInvalid):
        key.main.score("garbage")


@needs_shared_packages
@pytest.mark.django_db
def test_real_question_set_package():
    key = shared("question-set.h5p")
    true_false = key.question("e0c46024-cdc0-4687-b02d-40ec1db2ef67")
    blank_choice = key.question("dc24f82e-b506-4924-a3e7-c985f9cf8194")
    assert true_false.score("true") == 1
    # A multiple choice without a right answer counts an empty answer right.
    assert blank_choice.score("") == 1
    # Drag-and-drop questions are not scored by the server, so neither is the total.
    assert key.main.max_score is None
    # Its fill-in texts and its Drag the words leave their text out: the player
    # shows each library's sample, and the server scores that sample.
    blanks = key.question("78c1419b-7b9a-40cf-aa56-ef4abd3e728b")
    assert (blanks.max_score, blanks.score("Norway"), blanks.score("norway")) == (
        1,
        1,
        0,
    )
    drag_text = key.question("f28892fc-75b3-408e-857d-99a664001331")
    assert drag_text.max_score == 5
    assert drag_text.score("nice[,]flexible[,]wonderful[,]exciting[,]fantastic") == 5
    assert key.question("65f1b8d2-0b34-4cc7-8d2e-c05a58a5d190").max_score == 2


def test_settings_left_out_are_read_as_each_library_defaults_them():
    true_false = answer_key_build(main_library="H5P.TrueFalse", content={}).main
    assert (true_false.score("true"), true_false.score("false")) == (1, 0)
    # A list laid over the library's merges item by item: the first answer, given
    # no "correct" of its own, is right as in the library's sample.
    choice = answer_key_build(
        main_library="H5P.MultiChoice",
        content={"answers": [{"text": "A"}, {"text": "B", "correct": False}]},
    ).main
    assert (choice.max_score, choice.score("0"), choice.score("1")) == (1, 1, 0)
    marks = answer_key_build(main_library="H5P.MarkTheWords", content={}).main
    # This is a *nice*, *flexible* content type.
    assert (marks.max_score, marks.score("3[,]4"), marks.score("0")) == (2, 2, 0)
    # An empty list keeps the sample, as in the library; an empty text is kept.
    for questions, blanks in (([], 1), ([""], 0)):
        key = answer_key_build(
            main_library="H5P.Blanks", content={"questions": questions}
        )
        assert key.main.max_score == blanks


def test_defaults_are_laid_under_the_content_as_jquery_extend_lays_them():
    defaults = {"a": {"b": 1, "c": [1, 2]}, "d": "x"}
    merged = with_defaults(defaults, {"a": {"c": [9]}, "d": None, "e": 0})
    assert merged == {"a": {"b": 1, "c": [9, 2]}, "d": None, "e": 0}
    assert defaults == {"a": {"b": 1, "c": [1, 2]}, "d": "x"}
    assert with_defaults({"a": 1}, "text") == "text"
    assert with_defaults("text", {"a": 1}) == {"a": 1}


def blanks_key(behaviour=None):
    return answer_key_build(
        main_library="H5P.Blanks",
        content={
            "questions": ["<p>*Hà Nội/Ha Noi:thủ đô* và *Đà Nẵng*</p>"],
            "behaviour": behaviour or {},
        },
    ).main


def test_blanks_follow_case_and_typo_settings():
    assert blanks_key({"caseSensitive": False}).score("hà nội[,]Đà Nẵng") == 2
    assert blanks_key({"caseSensitive": True}).score("hà nội[,]Đà Nẵng") == 1
    # Left out, case counts: the library's own default.
    assert blanks_key().score("hà nội[,]Đà Nẵng") == 1
    assert blanks_key().score("Ha Noi[,]Đà Nẵg") == 1
    assert blanks_key({"acceptSpellingErrors": True}).score("Ha Noi[,]Đà Nẵg") == 2


def test_drag_text_counts_words_in_their_zones():
    key = answer_key_build(
        main_library="H5P.DragText",
        content={
            "textField": "Gọi *113* khi có cháy là sai, gọi *114:cứu hỏa*.",
            "distractors": "*115*",
        },
    ).main
    assert key.max_score == 2
    assert key.score("114[,]113") == 0
    assert key.score("113[,]114") == 2
    assert key.score("115[,]") == 0
    with pytest.raises(ResponseInvalid):
        key.score("113[,]113")


def test_mark_the_words_scores_right_minus_wrong_marks():
    key = answer_key_build(
        main_library="H5P.MarkTheWords",
        content={"textField": "<p>Chọn *động* từ: tôi *đi* (học).</p>"},
    ).main
    # Words: Chọn, động, từ, tôi, đi, học
    assert key.max_score == 2
    assert key.score("1[,]4") == 2
    assert key.score("1[,]0") == 0
    assert key.score("") == 0
    with pytest.raises(ResponseInvalid):
        key.score("9")
