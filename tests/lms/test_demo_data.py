import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from community_teams.models import Team
from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage
from lms import demo
from lms.models import Commune, Enrollment, LessonProgress, RoleAssignment, User
from lms.models.users import Role

COUNTED = [
    Page,
    get_image_model(),
    User,
    EmailAddress,
    RoleAssignment,
    Team,
    Commune,
    Enrollment,
    LessonProgress,
]


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the read-only tests below, rolled back afterwards."""
    media_root = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        with transaction.atomic():
            yield demo.demo_data_load(with_passwords=True)
            transaction.set_rollback(True)


@pytest.fixture
def client_as(loaded, db):
    def make(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return make


def test_loading_twice_creates_nothing_new(db, media):
    first = load("--with-passwords")
    after_first = row_counts()
    second = load("--with-passwords")

    assert row_counts() == after_first
    assert "nothing new" in second
    assert "nothing new" not in first
    assert after_first["User"] == len(demo.PEOPLE)


def test_summary_says_how_each_demo_person_logs_in(db, media):
    output = load("--with-passwords")

    assert "0912 345 678" in output
    assert "server console" in output
    assert "bientap@example.org" in output
    assert demo.DEMO_PASSWORD in output
    for spec in demo.PEOPLE:
        assert spec.full_name in output


def test_without_debug_or_flag_demo_accounts_get_no_password(db, media):
    output = load()

    assert demo.DEMO_PASSWORD not in output
    assert "--with-passwords" in output
    users = User.objects.filter(username__in=[p.username for p in demo.PEOPLE])
    assert users.count() == len(demo.PEOPLE)
    assert not any(user.has_usable_password() for user in users)


def test_home_page_replaces_wagtails_welcome_page(loaded, db):
    site = Site.objects.get(is_default_site=True)

    assert isinstance(site.root_page.specific, HomePage)
    assert not Page.objects.filter(depth=2).exclude(pk=site.root_page_id).exists()
    catalogue = CourseIndexPage.objects.get()
    assert catalogue.slug == "khoa-hoc"
    assert catalogue.url == "/khoa-hoc/"


def test_three_live_courses_each_with_substantive_lessons(loaded, db):
    courses = CoursePage.objects.live().order_by("path")

    assert [c.title for c in courses] == [spec.title for spec in demo.COURSES]
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
    for spec in demo.COURSES:
        assert spec.title in home.content.decode()
        assert spec.title in catalogue.content.decode()


def test_catalogue_filters_the_demo_courses_by_topic(loaded, db, client):
    page = client.get("/khoa-hoc/", {"topic": demo.CASHLESS_COURSE.topic})

    assert page.status_code == 200
    assert demo.CASHLESS_COURSE.title in page.content.decode()
    assert demo.PUBLIC_SERVICES_COURSE.title not in page.content.decode()


def test_resident_is_half_way_through_the_first_course(client_as):
    page = client_as("demo-nguoi-dan").get(reverse("my_learning")).content.decode()

    first = re.search(
        re.escape(demo.PUBLIC_SERVICES_COURSE.title)
        + r".*?<progress[^>]*value=\"(\d+)\"",
        page,
        re.S,
    )
    assert first and first.group(1) == "50"
    assert demo.CASHLESS_COURSE.title in page


def test_resident_resumes_at_the_third_lesson(client_as):
    course = CoursePage.objects.get(slug=demo.PUBLIC_SERVICES_COURSE.slug)
    third = LessonPage.objects.child_of(course).order_by("path")[2]

    page = client_as("demo-nguoi-dan").get(course.url).content.decode()

    assert "Continue where you left off" in page
    assert f'href="{third.url}"' in page


def test_another_learner_completed_the_data_protection_course(client_as):
    enrollment = Enrollment.objects.get(
        user__username="demo-nguoi-dan-2",
        course__slug=demo.DATA_PROTECTION_COURSE.slug,
    )

    assert enrollment.completed_at is not None
    page = client_as("demo-nguoi-dan-2").get(reverse("my_learning")).content.decode()
    assert 'value="100"' in page


def test_editor_logs_in_with_the_printed_password_and_reaches_the_admin(loaded, db):
    assert authenticate(email="bientap@example.org", password=demo.DEMO_PASSWORD)
    client = Client()
    assert client.login(email="bientap@example.org", password=demo.DEMO_PASSWORD)

    assert client.get("/admin/").status_code == 200
