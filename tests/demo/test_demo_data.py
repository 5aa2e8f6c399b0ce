import datetime
import io
import re

from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from community_teams.models import (
    Consent,
    Guidance,
    HamletFigures,
    HamletMonthFigures,
    HamletSkillFigures,
    Household,
    Resident,
    Team,
    Visit,
    VisitAttendee,
)
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    HomePage,
    LessonPage,
    LessonProgress,
)
from coverage.models import (
    Agency,
    AgencyFigures,
    AgencyMonthFigures,
    CommuneFigures,
    CommuneMonthFigures,
    CourseAssignment,
    StaffMember,
    Target,
)
from demo.data import demo_content_read
from lms.content_version import content_version_bump
from lms.models import Commune, Hamlet, RoleAssignment, User
from lms.models.users import Role
from lms.privacy_notice import notice_version_current
from privacy.models import PrivacyNoticePage
from quizzes.models import Attempt, Quiz

# The demo as its data files describe it.
CONTENT = demo_content_read()
PEOPLE = CONTENT.people
COURSES = CONTENT.courses
PUBLIC_SERVICES_COURSE = CONTENT.course("dich-vu-cong")
CASHLESS_COURSE = CONTENT.course("thanh-toan")
DATA_PROTECTION_COURSE = CONTENT.course("du-lieu-ca-nhan")
DEMO_PASSWORD = CONTENT.password
# Civil servants who are not people of people.yaml have accounts of their own.
STAFF_ACCOUNTS = sum(1 for s in CONTENT.agencies.every_staff() if not s.account)

COUNTED = [
    Page,
    get_image_model(),
    User,
    EmailAddress,
    RoleAssignment,
    Team,
    Commune,
    Hamlet,
    Enrollment,
    LessonProgress,
    Quiz,
    Attempt,
    Household,
    Resident,
    Visit,
    VisitAttendee,
    Guidance,
    Consent,
    Agency,
    StaffMember,
    CourseAssignment,
    Target,
]
# Summary tables: recounted on every load, so compared by what they hold.
FIGURES = [
    HamletFigures,
    HamletSkillFigures,
    HamletMonthFigures,
    AgencyFigures,
    AgencyMonthFigures,
    CommuneFigures,
    CommuneMonthFigures,
]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def figures() -> dict[str, list]:
    return {
        model.__name__: sorted(
            tuple(sorted((k, v) for k, v in row.items() if k != "id"))
            for row in model.objects.values()
        )
        for model in FIGURES
    }


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


def test_loading_twice_creates_nothing_new(db, media):
    first = load("--with-passwords")
    after_first, figures_first = row_counts(), figures()
    second = load("--with-passwords")

    assert row_counts() == after_first
    assert figures() == figures_first
    assert "nothing new" in second
    assert "nothing new" not in first
    assert after_first["User"] == len(PEOPLE) + STAFF_ACCOUNTS
    assert all(figures_first.values())

    # Loaded again on a later day, when the dates counted back from today come out
    # different: what the first load stored is left as it is.
    Visit.objects.update(visited_on=F("visited_on") - datetime.timedelta(days=1))
    CourseAssignment.objects.update(deadline=F("deadline") - datetime.timedelta(1))
    days_later = load("--with-passwords")

    assert "nothing new" in days_later
    assert row_counts() == after_first


def test_summary_says_how_each_demo_person_logs_in(db, media):
    output = load("--with-passwords")

    assert "0912 345 678" in output
    assert "server console" in output
    assert "bientap@example.org" in output
    assert DEMO_PASSWORD in output
    for spec in PEOPLE:
        assert spec.full_name in output
    # Under each person, the pages they open: the officials' are the dashboards.
    official = output.split("Hoàng Quốc Việt", 1)[1].split("Bùi Ngọc Anh", 1)[0]
    assert re.search(r"\n +/coverage/ +the city's agencies and communes", official)
    ward = output.split("Đặng Thu Hà", 1)[1].split("Hoàng Quốc Việt", 1)[0]
    assert re.search(r"\n +/coverage/ +the ward's agencies and hamlets", ward)
    assert f"The agencies' {STAFF_ACCOUNTS + 1} civil servants sign in" in output


def test_without_debug_or_flag_demo_accounts_get_no_password(db, media):
    output = load()

    assert DEMO_PASSWORD not in output
    assert "--with-passwords" in output
    users = User.objects.filter(username__in=[p.username for p in PEOPLE])
    assert users.count() == len(PEOPLE)
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_demo_publishes_the_privacy_notice_as_version_1(loaded, db):
    # The demo was published before this test's fresh cache (a module fixture).
    content_version_bump()
    response = Client(headers={"accept-language": "vi"}).get("/privacy/")

    page = response.content.decode()
    assert "Thông báo về xử lý dữ liệu cá nhân" in page
    assert "Phiên bản 1" in page
    assert "<b>không</b> thu thập số căn cước" in page
    assert notice_version_current() == "1"


def test_home_page_replaces_wagtails_welcome_page(loaded, db):
    site = Site.objects.get(is_default_site=True)

    assert isinstance(site.root_page.specific, HomePage)
    others = Page.objects.filter(depth=2).exclude(pk=site.root_page_id)
    assert not others.not_type(PrivacyNoticePage).exists()
    catalogue = CourseIndexPage.objects.get()
    assert catalogue.slug == "khoa-hoc"
    assert catalogue.url == "/khoa-hoc/"


def test_three_live_courses_each_with_substantive_lessons(loaded, db):
    courses = CoursePage.objects.live().order_by("path")

    assert [c.title for c in courses] == [spec.title for spec in COURSES]
    for course in courses:
        assert course.cover_image.width == 1280
        lessons = LessonPage.objects.live().child_of(course)
        assert lessons.count() >= 3
        kinds = set()
        for lesson in lessons:
            blocks = [block.block_type for block in lesson.body]
            words = strip_tags(lesson.body.render_as_block()).split()
            assert len(words) >= 150, lesson.title
            assert "text" in blocks and "steps" in blocks, lesson.title
            kinds |= {
                block.value["kind"]
                for block in lesson.body
                if block.block_type == "callout"
            }
        assert kinds == {"tip", "warning"}, course.title


def test_demo_lessons_pass_the_editors_validation(loaded, db):
    for lesson in LessonPage.objects.all():
        stream_block = lesson.body.stream_block
        stream_block.clean(lesson.body)


def test_every_role_has_a_demo_person_in_the_right_scope(loaded, db):
    roles = {a.role: a for a in RoleAssignment.objects.select_related("team")}

    assert set(roles) == set(Role.values)
    team = roles[Role.TEAM_LEADER].team
    assert roles[Role.TEAM_MEMBER].team == team
    assert team.commune.full_name == "Phường Bến Thành"
    assert team.commune.province.full_name == "Thành phố Hồ Chí Minh"
    assert roles[Role.COMMUNE_OFFICIAL].commune == team.commune
    assert roles[Role.PROVINCE_OFFICIAL].province == team.commune.province
    editor = roles[Role.CONTENT_EDITOR].user
    assert editor.groups.filter(name="Editors").exists()


def test_demo_resident_has_a_verified_phone_number(loaded, db):
    resident = User.objects.get(phone="+84912345678")

    assert resident.phone_verified
    assert resident.roles.filter(role=Role.RESIDENT).exists()


def test_home_page_and_catalogue_list_the_three_courses(loaded, db, client):
    home = client.get("/")
    catalogue = client.get("/khoa-hoc/")

    assert home.status_code == catalogue.status_code == 200
    for spec in COURSES:
        assert spec.title in home.content.decode()
        assert spec.title in catalogue.content.decode()


def test_catalogue_filters_the_demo_courses_by_topic(loaded, db, client):
    page = client.get("/khoa-hoc/", {"topic": CASHLESS_COURSE.topic})

    assert page.status_code == 200
    assert CASHLESS_COURSE.title in page.content.decode()
    assert PUBLIC_SERVICES_COURSE.title not in page.content.decode()


def test_resident_is_half_way_through_the_first_course(client_as):
    page = client_as("demo-nguoi-dan").get(reverse("my_learning")).content.decode()

    first = re.search(
        re.escape(PUBLIC_SERVICES_COURSE.title) + r".*?<progress[^>]*value=\"(\d+)\"",
        page,
        re.S,
    )
    assert first and first.group(1) == "50"
    assert CASHLESS_COURSE.title in page


def test_resident_resumes_at_the_third_lesson(client_as):
    course = CoursePage.objects.get(slug=PUBLIC_SERVICES_COURSE.slug)
    third = LessonPage.objects.child_of(course).order_by("path")[2]

    page = client_as("demo-nguoi-dan").get(course.url).content.decode()

    assert "Continue where you left off" in page
    assert f'href="{third.url}"' in page


def test_another_learner_completed_the_data_protection_course(client_as):
    enrollment = Enrollment.objects.get(
        user__username="demo-nguoi-dan-2",
        course__slug=DATA_PROTECTION_COURSE.slug,
    )

    assert enrollment.completed_at is not None
    page = client_as("demo-nguoi-dan-2").get(reverse("my_learning")).content.decode()
    assert 'value="100"' in page


def test_editor_logs_in_with_the_printed_password_and_reaches_the_admin(loaded, db):
    assert authenticate(email="bientap@example.org", password=DEMO_PASSWORD)
    client = Client()
    assert client.login(email="bientap@example.org", password=DEMO_PASSWORD)

    assert client.get("/admin/").status_code == 200


def test_every_course_ends_with_a_required_quiz_showing_its_rules(client_as):
    for spec in COURSES:
        course = CoursePage.objects.get(slug=spec.slug)
        last = LessonPage.objects.live().child_of(course).order_by("path").last()
        quizzes = [block for block in last.body if block.block_type == "quiz"]
        assert len(quizzes) == 1, spec.title
        assert quizzes[0].value["required"]
        quiz = quizzes[0].value["quiz"]
        assert quiz.questions.count() >= 5
        for question in quiz.questions.all():
            assert question.choices.filter(is_correct=True).exists(), question.text

    course = CoursePage.objects.get(slug=PUBLIC_SERVICES_COURSE.slug)
    last = LessonPage.objects.live().child_of(course).order_by("path").last()
    page = client_as("demo-to-truong").get(last.url).content.decode()

    assert "Kiểm tra: Dịch vụ công trực tuyến và VNeID" in page
    assert "6 questions" in page
    assert "Pass mark: 80%" in page
    assert "Unlimited attempts" in page
    assert "Wait 1 minute before trying again" in page
    assert "Required to complete the lesson" in page
    assert "You have passed this quiz." in page


def test_quiz_rules_come_from_the_data_files(loaded, db):
    quiz = Quiz.objects.get(title__startswith="Kiểm tra: Bảo vệ dữ liệu")

    assert (quiz.pass_mark, quiz.max_attempts, quiz.retry_wait_minutes) == (80, 3, 2)
    assert quiz.review_policy == "after_pass"
    cashless = Quiz.objects.get(title__startswith="Kiểm tra: Thanh toán")
    assert (cashless.questions_per_attempt, cashless.questions.count()) == (4, 6)
    assert cashless.max_attempts == 5


def test_learners_who_finished_a_course_passed_its_quiz(loaded, db):
    for username, spec in [
        ("demo-nguoi-dan-2", DATA_PROTECTION_COURSE),
        ("demo-to-truong", PUBLIC_SERVICES_COURSE),
    ]:
        attempts = Attempt.objects.filter(
            user__username=username, enrollment__course__slug=spec.slug
        )
        assert [(a.number, a.passed) for a in attempts] == [(1, True)], username
        enrollment = Enrollment.objects.get(
            user__username=username, course__slug=spec.slug
        )
        assert enrollment.completed_at is not None
    assert not Attempt.objects.filter(user__username="demo-nguoi-dan").exists()


def test_a_demo_loaded_before_the_quizzes_gets_them_on_the_next_load(db, media):
    load()
    # What a demo loaded before quizzes were part of it looks like.
    Attempt.objects.all().delete()
    for lesson in LessonPage.objects.all():
        blocks = [b for b in lesson.body.raw_data if b["type"] != "quiz"]
        if len(blocks) != len(lesson.body.raw_data):
            lesson.body = blocks
            lesson.save_revision().publish()
    Quiz.objects.all().delete()

    output = load()

    assert "3 quizzes" in output and "3 lessons given a quiz" in output
    for spec in COURSES:
        last = LessonPage.objects.filter(slug=spec.lessons[-1].slug).get()
        assert [b.block_type for b in last.body][-1] == "quiz"
    assert "nothing new" in load()
