"""The staff's queue of personal-data requests: 2 working days, their place only."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from lms.models import AuditEvent
from privacy.calendar import is_working_day, working_days_add, working_days_between
from privacy.models import DataRequest
from tests.staff import staff_world

REQUESTS = "/privacy/requests/"


def browser(user) -> Client:
    client = Client(headers={"accept-language": "vi"})
    client.force_login(user)
    return client


@pytest.fixture
def world(db):
    return staff_world()


def entered(world, *, commune=None, due_in=2, answered=False, name="Lò Thị Mai"):
    today = timezone.localdate()
    return DataRequest.objects.create(
        kind=DataRequest.Kind.ACCESS,
        commune=commune or world.ben_thanh,
        person_name=name,
        identity_check=DataRequest.IdentityCheck.VNEID,
        received_on=today,
        due_on=today + datetime.timedelta(days=due_in),
        received_by=world.commune_official,
        answered_on=today if answered else None,
        answer="Đã gửi bản sao." if answered else "",
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-02-27", "2026-03-03"),  # a Friday: Monday and Tuesday
        ("2026-02-13", "2026-02-24"),  # before Tết (16-20 February 2026)
        ("2026-04-29", "2026-05-05"),  # before 30 April and 1 May
        ("2026-08-31", "2026-09-04"),  # before National Day (1-2 September)
    ],
)
def test_the_deadline_counts_vietnams_working_days(received, due):
    start = datetime.date.fromisoformat(received)

    assert working_days_add(start, 2) == datetime.date.fromisoformat(due)
    assert working_days_between(start, datetime.date.fromisoformat(due)) == 2


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-12-30", "2027-01-04"),  # across New Year's Day
        ("2025-06-15", "2027-03-01"),  # overdue for years, Tết twice
        ("2026-02-16", "2026-02-20"),  # inside Tết: no working day
        ("2026-05-05", "2026-05-05"),
    ],
)
def test_the_clock_counts_every_working_day_across_years(start, end):
    start, end = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    day_by_day = sum(
        is_working_day(start + datetime.timedelta(days=offset))
        for offset in range(1, (end - start).days + 1)
    )

    assert working_days_between(start, end) == day_by_day
    assert working_days_between(end, start) == -day_by_day


def test_a_commune_official_enters_a_request_due_in_two_working_days(world):
    client = browser(world.commune_official)

    response = client.post(
        REQUESTS,
        {
            "kind": "deletion",
            "commune": world.ben_thanh.pk,
            "person_name": "Lò Thị Mai",
            "contact": "0912 345 678",
            "identity_check": "id_card_seen",
            "details": "Xin xoá tên khỏi danh sách hộ.",
        },
    )

    assert response.status_code == 302
    request = DataRequest.objects.get()
    assert request.received_by == world.commune_official
    assert request.due_on == working_days_add(timezone.localdate(), 2)
    assert request.get_identity_check_display() == (
        "Đã xem căn cước (chỉ xem, không sao chụp)"
    )
    assert AuditEvent.objects.filter(
        subject="data request", action=AuditEvent.Action.CREATE
    ).exists()


def test_nobody_enters_a_request_for_another_commune(world):
    client = browser(world.commune_official)

    response = client.post(
        REQUESTS,
        {
            "kind": "access",
            "commune": world.sai_gon.pk,
            "person_name": "Lò Thị Mai",
            "identity_check": "vneid",
        },
    )

    assert response.status_code == 200
    assert "Hãy chọn một xã/phường của bạn." in response.content.decode()
    assert not DataRequest.objects.exists()


def test_bad_input_is_a_clear_error_never_a_500(world):
    client = browser(world.commune_official)

    response = client.post(REQUESTS, {"kind": "gossip", "commune": "abc"})

    assert response.status_code == 200
    assert not DataRequest.objects.exists()
    assert client.get(REQUESTS + "?page=xyz").status_code == 200


def test_open_requests_come_first_the_most_overdue_at_the_top(world):
    entered(world, due_in=3, name="Còn hạn")
    entered(world, due_in=-7, name="Quá hạn lâu")
    entered(world, due_in=-1, answered=True, name="Đã trả lời")
    entered(world, due_in=0, name="Hạn hôm nay")

    html = browser(world.commune_official).get(REQUESTS).content.decode()

    order = [html.index(name) for name in ("Quá hạn lâu", "Hạn hôm nay", "Còn hạn")]
    assert order == sorted(order)
    assert html.index("Còn hạn") < html.index("Đã trả lời")
    assert "Quá hạn" in html
    assert "Hết hạn hôm nay" in html


def test_each_official_sees_the_requests_of_their_place_only(world):
    here = entered(world, name="Người Bến Thành")
    entered(world, commune=world.sai_gon, name="Người Sài Gòn")

    assert (
        "Người Sài Gòn"
        not in browser(world.commune_official).get(REQUESTS).content.decode()
    )
    province = browser(world.province_official).get(REQUESTS).content.decode()
    assert "Người Bến Thành" in province and "Người Sài Gòn" in province
    for who in ("other_commune_official", "other_province_official"):
        client = browser(getattr(world, who))
        assert "Người Bến Thành" not in client.get(REQUESTS).content.decode()
        assert client.get(f"{REQUESTS}{here.pk}/").status_code == 404
        answer = client.post(f"{REQUESTS}{here.pk}/", {"answer": "Xong."})
        assert answer.status_code == 404
    for who in ("team_member", "team_leader", "resident", "civil_servant", "editor"):
        client = browser(getattr(world, who))
        assert client.get(REQUESTS).status_code == 403
        assert client.get(f"{REQUESTS}{here.pk}/").status_code == 404
    assert Client().get(REQUESTS).status_code == 302
    here.refresh_from_db()
    assert here.answered_on is None


def test_the_answer_is_recorded_once(world):
    request = entered(world)
    client = browser(world.commune_official)

    empty = client.post(f"{REQUESTS}{request.pk}/", {"answer": "  "})
    assert "Hãy ghi câu trả lời đã gửi cho người yêu cầu." in empty.content.decode()
    done = client.post(
        f"{REQUESTS}{request.pk}/", {"answer": "Đã gửi bản sao dữ liệu."}
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.answer == "Đã gửi bản sao dữ liệu."
    assert request.answered_by == world.commune_official
    page = client.get(f"{REQUESTS}{request.pk}/").content.decode()
    assert "Đã gửi bản sao dữ liệu." in page
    assert 'name="answer"' not in page


@pytest.mark.parametrize("count", [3, 60])
def test_the_queue_costs_the_same_queries_however_many_requests(
    world, count, django_assert_max_num_queries
):
    for number in range(count):
        entered(world, due_in=number - 10, name=f"Người {number}")
    client = browser(world.province_official)

    with django_assert_max_num_queries(14):
        response = client.get(REQUESTS)

    assert response.content.decode().count('href="/privacy/requests/') == min(count, 50)


def test_officials_find_the_queue_from_their_own_pages(world):
    page = browser(world.commune_official).get("/learning/").content.decode()
    assert 'href="/privacy/requests/"' in page
    page = browser(world.resident).get("/learning/").content.decode()
    assert 'href="/privacy/requests/"' not in page
