"""The demo's data files: what a content person writes, and what they are told
when something in it is wrong."""

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from community_teams.models import Household
from demo.data import CONTENT_DIR, DemoContentError, demo_content_read
from demo.rich_text import RichTextError, markdown_to_rich_text
from lms.models import User
from quizzes.models import Quiz

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the demo content to break."""
    return Path(shutil.copytree(CONTENT_DIR, tmp_path / "content"))


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` (once) in the file; return the line where ``new`` starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    before = text[: text.index(old)]
    path.write_text(text.replace(old, new), encoding="utf-8")
    return before.count("\n") + 1


def line_of(path: Path, text: str) -> int:
    """The line where ``text`` first starts in the file."""
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def problems(directory: Path) -> list[str]:
    with pytest.raises(DemoContentError) as error:
        demo_content_read(directory)
    return error.value.problems


def test_the_shipped_content_reads_without_problems():
    content = demo_content_read()

    assert [course.key for course in content.courses] == [
        "dich-vu-cong",
        "thanh-toan",
        "du-lieu-ca-nhan",
    ]
    for course in content.courses:
        assert [quiz.required for quiz in course.lessons[-1].quizzes] == [True]


def test_lesson_text_is_markdown_stored_as_the_editors_html():
    html = markdown_to_rich_text(
        "Mở **CH Play** và gõ *VNeID*,\nrồi bấm [Cài đặt](https://play.google.com/).",
        features=["bold", "italic", "link"],
    )

    assert html == (
        "<p>Mở <b>CH Play</b> và gõ <i>VNeID</i>, rồi bấm "
        '<a href="https://play.google.com/">Cài đặt</a>.</p>'
    )


def test_text_using_what_its_field_does_not_offer_is_refused():
    with pytest.raises(RichTextError) as error:
        markdown_to_rich_text(
            "## Bước một\n\n> trích dẫn", features=["bold", "italic", "link"]
        )

    message = str(error.value)
    assert "a heading (## …)" in message
    assert "a quotation (> …)" in message
    assert "it offers: bold, italic, link" in message


def test_each_problem_names_its_file_line_and_field(content):
    course = content / "courses" / "thanh-toan.yaml"
    topic = edit(course, "topic: cashless", "topic: cashles")
    typo = edit(
        course,
        "  - title: Trả tiền bằng mã QR\n    minutes: 8",
        "  - title: Trả tiền bằng mã QR\n    minuets: 8",
    )
    edit(
        course,
        "              Bấm xác nhận, rồi xác thực",
        "              ## Bước cuối\n\n              Bấm xác nhận, rồi xác thực",
    )
    people = content / "people.yaml"
    phone = edit(people, "phone: 0987 654 321", "phone: 0123 456")
    course_name = edit(
        people,
        "      - course: du-lieu-ca-nhan\n        lessons_completed: all",
        "      - course: bao-mat\n        lessons_completed: all",
    )

    found = problems(content)

    assert (
        f"content/courses/thanh-toan.yaml, line {topic}: topic: “cashles” is not "
        "one of: public-services, cashless, data-protection, ecommerce, other"
    ) in found
    assert any(
        line.startswith(f"content/courses/thanh-toan.yaml, line {typo + 1}: ")
        and "lessons[2].minuets: unknown field “minuets”" in line
        for line in found
    ), found
    assert any(
        "lessons[2]: the field “minutes” is missing" in line for line in found
    ), found
    assert any(
        "lessons[2].body[2].steps.items[5]" in line and "a heading (## …)" in line
        for line in found
    ), found
    assert any(
        line.startswith(f"content/people.yaml, line {phone}: people[2].phone: ")
        and "valid Vietnamese mobile number" in line
        for line in found
    ), found
    assert any(
        line.startswith(f"content/people.yaml, line {course_name}: ")
        and "no course file “bao-mat”" in line
        for line in found
    ), found
    assert len(found) == 6, found


def test_a_quiz_question_needs_its_right_answers_marked(content):
    course = content / "courses" / "dich-vu-cong.yaml"
    edit(
        course,
        "                - text: dichvucong-gov.com\n",
        "                - text: dichvucong-gov.com\n                  correct: true\n",
    )
    edit(course, "          pass_mark: 80", "          pass_mark: 180")

    found = problems(content)

    assert any(
        "lessons[4].body[6].quiz.questions[3].choices: "
        "Mark exactly one choice as correct." in line
        for line in found
    ), found
    assert any("quiz.pass_mark: must be at most 100, not 180" in line for line in found)


def test_broken_yaml_says_where(content):
    line = edit(
        content / "courses" / "du-lieu-ca-nhan.yaml",
        "minutes: 45",
        "minutes: [45",
    )

    found = problems(content)

    assert len(found) == 1
    assert found[0] == (
        f"content/courses/du-lieu-ca-nhan.yaml, line {line + 1}: not valid YAML "
        "(column 6): expected ',' or ']', but got ':', while parsing a flow "
        f"sequence that starts on line {line}"
    )


def test_a_field_given_twice_is_refused_not_silently_dropped(content):
    line = edit(
        content / "site.yaml", "title: Kỹ năng số", "title: A\ntitle: Kỹ năng số"
    )

    found = problems(content)

    assert found[0].startswith(f"content/site.yaml, line {line + 1}")
    assert "the field “title” is given twice" in found[0]


def test_course_files_and_the_catalogue_list_agree(content):
    edit(content / "site.yaml", "  - thanh-toan\n", "  - thanh-toan-qr\n")

    found = problems(content)

    assert any(
        "courses[2]: there is no file content/courses/thanh-toan-qr.yaml" in line
        for line in found
    ), found
    assert any(
        line.startswith("content/courses/thanh-toan.yaml: not listed under “courses”")
        for line in found
    ), found


def test_the_command_stores_nothing_from_broken_content(db, content):
    edit(content / "people.yaml", "role: team_leader", "role: to_truong")
    pages = Page.objects.count()

    with pytest.raises(CommandError) as error:
        call_command("load_demo_data", "--content", str(content), stdout=io.StringIO())

    message = str(error.value)
    assert message.startswith("The demo content has 1 problem; nothing was loaded:")
    assert "people[4].role: “to_truong” is not one of: resident," in message
    assert Page.objects.count() == pages
    assert not User.objects.exists()
    assert not Quiz.objects.exists()


def test_a_person_running_the_command_sees_the_problem_not_a_traceback(content):
    edit(content / "courses" / "thanh-toan.yaml", "minutes: 35", "minutes: lâu")

    done = subprocess.run(
        [sys.executable, "manage.py", "load_demo_data", "--content", str(content)],
        cwd=REPOSITORY,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "content/courses/thanh-toan.yaml, line 7: minutes: expected a whole " in (
        done.stderr
    )
    assert "found text" in done.stderr


def test_households_visits_and_rosters_are_checked_with_the_people(content):
    outreach = content / "outreach.yaml"
    household = edit(outreach, "  - household: kp3-03\n", "  - household: kp3-33\n")
    resident = edit(
        outreach,
        "    days_ago: 41\n",
        "    days_ago: 41\n    approved_by: demo-nguoi-dan\n",
    )
    skill = edit(
        outreach,
        "[vneid, dich-vu-cong]\n        did_it_themselves: [vneid]\n",
        "[vneid, dich-vu-cong]\n        did_it_themselves: [thanh-toan]\n",
    )
    agencies = content / "agencies.yaml"
    account = edit(
        agencies,
        "        email: nh.long@example.org\n",
        "        email: congchuc@example.org\n",
    )
    assigned = edit(agencies, "    agency: Sở Nội vụ\n", "    agency: Sở Tư pháp\n")
    commune = edit(agencies, "    commune: Phường Sài Gòn\n", "    commune: Sài Gòn\n")

    found = problems(content)

    assert f"content/outreach.yaml, line {household}: visits[3].household: no " in (
        "\n".join(found)
    )
    assert (
        f"content/outreach.yaml, line {resident + 1}: visits[7].approved_by: "
        "“demo-nguoi-dan” is a resident in people.yaml; this needs team_leader"
    ) in found
    assert (
        f"content/outreach.yaml, line {skill + 1}: visits[5].attendees[1]"
        ".did_it_themselves: “thanh-toan” is not among the skills “guided”"
    ) in found
    assert any(
        line.startswith(f"content/agencies.yaml, line {account - 3}: ")
        and "Nguyễn Hoàng Long signs in as “demo-cong-chuc” of people.yaml: "
        "write “account: demo-cong-chuc” instead"
        in line
        for line in found
    ), found
    assert (
        f"content/agencies.yaml, line {assigned}: assignments[1].agency: no agency "
        "named “Sở Tư pháp” under “agencies”"
    ) in found
    assert any(
        line.startswith(f"content/agencies.yaml, line {commune}: agencies[4].commune")
        and "“Sài Gòn” does not start with “Xã”, “Phường”, “Đặc khu”" in line
        for line in found
    ), found
    assert len(found) == 6, found


def test_a_visit_the_teams_services_refuse_stops_the_load_naming_it(db, content):
    outreach = content / "outreach.yaml"
    edit(outreach, "        guardian: Lê Quang Vinh\n", "")
    edit(
        outreach,
        "      - resident: Phạm Văn Đức\n        guided: [thanh-toan]\n",
        "      - resident: Phạm Văn Đức\n        guided: [thanh-toan-qr]\n",
    )

    with pytest.raises(CommandError) as error:
        call_command("load_demo_data", "--content", str(content), stdout=io.StringIO())

    message = str(error.value)
    assert message.startswith("The demo content has 2 problems; nothing was loaded:")
    second = line_of(outreach, "  - household: kp3-02\n")
    third = line_of(outreach, "  - household: kp3-03\n")
    assert (
        f"content/outreach.yaml, line {second}: visits[2].attendees[3].guardian: "
        "This person is a minor: write the name of the guardian who agreed."
    ) in message
    assert (
        f"content/outreach.yaml, line {third}: visits[3].attendees[1].guided: "
        "“thanh-toan-qr” is not a skill the teams guide."
    ) in message
    assert not Household.objects.exists()
    assert not User.objects.exists()
