"""What editors see of H5P results: statistics, the statement store, exports."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.users.models import UserProfile

from courses.services import enrollment_create
from h5p.models import H5PResult, XAPIStatement
from h5p.selectors import h5p_activity_get, h5p_activity_stats
from h5p.services import xapi_statement_record
from tests.factories import UserFactory
from tests.quizzes.helpers import statistics_reached

from .activities import activity_create, place_activity, statement
from .packages import SCS_CHILDREN, single_choice_set

pytestmark = pytest.mark.django_db


def editor(*codenames: str):
    user = UserFactory()
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        ),
        *Permission.objects.filter(
            content_type__app_label="h5p", codename__in=codenames
        ),
    )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def play(activity, lesson, user, picks: list[str]) -> None:
    """One learner answers the three choices of the set, then the set completes."""
    for child, picked in zip(SCS_CHILDREN, picks, strict=True):
        body = statement(activity, child=child, response=picked, raw=1, maximum=1)
        xapi_statement_record(
            user=user,
            lesson_id=lesson.pk,
            activity=activity,
            body=json.dumps(body).encode(),
        )
    done = statement(activity, verb="completed", raw=3, maximum=3)
    xapi_statement_record(
        user=user,
        lesson_id=lesson.pk,
        activity=activity,
        body=json.dumps(done).encode(),
    )


@pytest.fixture
def scs(lessons, course):
    activity = activity_create(single_choice_set(), title="VNeID nhanh", pass_mark=60)
    lesson = place_activity(lessons[0], activity)
    return activity, lesson


def learners(course, count: int):
    users = [UserFactory() for _ in range(count)]
    for user in users:
        enrollment_create(user=user, course=course)
    return users


def test_statistics_count_attempts_and_list_the_questions_missed_most(scs, course):
    activity, lesson = scs
    first, second, third = learners(course, 3)
    play(activity, lesson, first, ["0", "0", "0"])
    play(activity, lesson, second, ["0", "1", "2"])
    play(activity, lesson, third, ["0", "1", "0"])

    stats = h5p_activity_stats(activity=h5p_activity_get(pk=activity.pk))

    assert (stats.attempts, stats.learners, stats.learners_passed) == (3, 3, 2)
    assert round(stats.average_percent, 2) == round((100 + 33.33 + 66.67) / 3, 2)
    assert [(m.key, m.wrong, m.answered) for m in stats.missed] == [
        (SCS_CHILDREN[1], 2, 3),
        (SCS_CHILDREN[2], 1, 3),
    ]
    assert stats.missed[0].text == "Mức định danh cần để dùng dịch vụ công?"
    assert stats.missed[0].wrong_percent == 67


def test_statistics_take_the_same_queries_for_many_learners(scs, course):
    activity, lesson = scs

    def queries() -> int:
        fresh = h5p_activity_get(pk=activity.pk)
        with CaptureQueriesContext(connection) as captured:
            h5p_activity_stats(activity=fresh)
        return len(captured)

    for user in learners(course, 2):
        play(activity, lesson, user, ["1", "1", "0"])
    few = queries()
    for user in learners(course, 8):
        play(activity, lesson, user, ["0", "2", "1"])

    assert queries() == few <= 3


def test_the_statistics_page_shows_the_figures_to_editors(client, scs, course):
    activity, lesson = scs
    (learner,) = learners(course, 1)
    play(activity, lesson, learner, ["0", "1", "0"])
    client.force_login(editor("view_h5pactivity"))

    page = client.get(reverse("h5p_activities:stats", args=[activity.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-stat="attempts">1<' in html
    # The decimal separator follows the admin's locale.
    assert re.search(r'data-stat="average-score">66[.,]7%<', html)
    assert "Mức định danh cần để dùng dịch vụ công?" in html
    assert reverse("h5p_activities:statements", args=[activity.pk]) not in html


def test_editors_with_the_statements_permission_download_them_as_xapi(
    client, scs, course
):
    activity, lesson = scs
    (learner,) = learners(course, 1)
    play(activity, lesson, learner, ["0", "0", "0"])
    client.force_login(editor("view_h5pactivity", "view_xapistatement"))
    url = reverse("h5p_activities:statements", args=[activity.pk])

    assert (
        url
        in client.get(
            reverse("h5p_activities:stats", args=[activity.pk])
        ).content.decode()
    )
    response = client.get(url)

    statements = json.loads(b"".join(response.streaming_content))
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(statements) == 4
    assert {s["actor"]["account"]["name"] for s in statements} == {str(learner.pk)}
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in statements] == [
        "answered",
        "answered",
        "answered",
        "completed",
    ]


def test_downloading_statements_needs_their_permission(client, scs):
    activity, _lesson = scs
    client.force_login(editor("view_h5pactivity"))

    response = client.get(
        reverse("h5p_activities:statements", args=[activity.pk]),
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 403


def test_the_statement_store_lists_and_shows_statements_read_only(client, scs, course):
    activity, lesson = scs
    (learner,) = learners(course, 1)
    play(activity, lesson, learner, ["0", "0", "0"])
    client.force_login(editor("view_xapistatement"))

    listing = client.get(reverse("xapi_statements:index"), {"q": learner.full_name})
    assert listing.status_code == 200
    assert learner.full_name in listing.content.decode()
    assert reverse("xapi_statements:index") + "new/" not in listing.content.decode()

    stored = XAPIStatement.objects.filter(verb="completed").get()
    shown = client.get(reverse("xapi_statements:inspect", args=[stored.pk]))
    assert shown.status_code == 200
    assert str(stored.statement_id) in shown.content.decode()


def test_export_command_writes_the_statements_of_an_activity(scs, course):
    activity, lesson = scs
    first, second = learners(course, 2)
    play(activity, lesson, first, ["0", "0", "0"])
    play(activity, lesson, second, ["1", "0", "0"])
    out = io.StringIO()

    call_command("export_xapi", activity=activity.pk, user=second.pk, stdout=out)

    statements = json.loads(out.getvalue())
    assert len(statements) == 4
    assert {s["actor"]["account"]["name"] for s in statements} == {str(second.pk)}
    assert all(s["object"]["id"].startswith(activity.iri) for s in statements)


def test_export_command_explains_a_wrong_activity(db):
    with pytest.raises(CommandError, match="There is no H5P activity with id 999"):
        call_command("export_xapi", activity=999, stdout=io.StringIO())


def test_changing_the_pass_mark_in_the_admin_grades_again(client, scs, course):
    activity, lesson = scs
    (learner,) = learners(course, 1)
    play(activity, lesson, learner, ["0", "1", "2"])
    assert not H5PResult.objects.get(user=learner).passed
    client.force_login(editor("change_h5pactivity", "view_h5pactivity"))

    response = client.post(
        reverse("h5p_activities:edit", args=[activity.pk]),
        {
            "title": activity.title,
            "package": activity.package_id,
            "grading_method": "best",
            "pass_mark": "30",
        },
    )

    assert response.status_code == 302
    assert H5PResult.objects.get(user=learner).passed


def test_editors_manage_activities_but_do_not_read_learners_statements(db):
    granted = set(
        Group.objects.get(name="Editors")
        .permissions.filter(content_type__app_label="h5p")
        .values_list("codename", flat=True)
    )

    assert {"add_h5pactivity", "change_h5pactivity", "upload_h5ppackage"} <= granted
    assert "view_xapistatement" not in granted


def test_activity_statistics_are_reached_from_the_listing_and_the_edit_page(
    client, scs
):
    activity, _lesson = scs
    client.force_login(editor("view_h5pactivity", "change_h5pactivity"))

    page = statistics_reached(
        client,
        listing_url=reverse("h5p_activities:list"),
        edit_url=reverse("h5p_activities:edit", args=[activity.pk]),
        stats_url=reverse("h5p_activities:stats", args=[activity.pk]),
    )

    assert "Nobody has finished this activity yet." in page
    missing = reverse("h5p_activities:stats", args=[activity.pk + 1000])
    assert client.get(missing).status_code == 404


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_statistics_list_each_learner_the_viewer_may_see(client, scs, course):
    from lms.services import role_grant
    from tests.factories import CommuneFactory

    activity, lesson = scs
    here, elsewhere = CommuneFactory(), CommuneFactory()
    local = UserFactory(full_name="Lê Thị Ở Đây", commune=here)
    away = UserFactory(full_name="Phạm Văn Nơi Khác", commune=elsewhere)
    for user, picks in ((local, ["0", "0", "0"]), (away, ["0", "1", "0"])):
        enrollment_create(user=user, course=course)
        play(activity, lesson, user, picks)
    official = editor("view_h5pactivity")
    role_grant(user=official, role="commune_official", commune=here, by=None)
    url = reverse("h5p_activities:stats", args=[activity.pk])

    client.force_login(UserFactory(is_superuser=True))
    everyone = page_text(client.get(url))
    client.force_login(official)
    theirs = page_text(client.get(url))

    assert "Lê Thị Ở Đây 1 100% Yes" in everyone
    assert re.search(r"Phạm Văn Nơi Khác 1 66[.,]7% Yes", everyone)
    assert "Lê Thị Ở Đây 1 100% Yes" in theirs
    assert "Phạm Văn Nơi Khác" not in theirs


def test_the_learner_list_comes_a_page_at_a_time(client, scs, course, monkeypatch):
    from h5p.viewsets import H5PActivityStatsView

    monkeypatch.setattr(H5PActivityStatsView, "learners_per_page", 2)
    activity, lesson = scs
    for user in learners(course, 3):
        play(activity, lesson, user, ["0", "0", "0"])
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("h5p_activities:stats", args=[activity.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"p": 2}).content.decode()
    beyond = client.get(url, {"p": 99}).content.decode()

    assert first.count("<tr><td>") == 2 and "Page 1 of 2" in first
    assert second.count("<tr><td>") == 1 and "Page 2 of 2" in second
    assert "Page 2 of 2" in beyond


@pytest.mark.parametrize("count", [1, 12])
def test_the_statistics_page_takes_the_same_queries_for_many_learners(
    client, scs, course, count, django_assert_max_num_queries
):
    activity, lesson = scs
    for user in learners(course, count):
        play(activity, lesson, user, ["0", "1", "0"])
    client.force_login(UserFactory(is_superuser=True))
    url = reverse("h5p_activities:stats", args=[activity.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
