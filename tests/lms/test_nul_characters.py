"""A NUL character in an address, a query string or a form: 404 or 400, never 500.

PostgreSQL cannot compare text holding one, so any lookup made with it fails;
run these with ``DATABASE_URL`` pointing at PostgreSQL too.
"""

import pytest
from django.test import Client
from django.urls import reverse

from lms.models.users import Role
from lms.services import role_grant
from tests.factories import CommuneFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE_VI = "Không đọc được yêu cầu"


@pytest.fixture
def vietnamese(site_tree):
    return Client(raise_request_exception=False, headers={"accept-language": "vi"})


@pytest.fixture
def province_official(vietnamese):
    commune = CommuneFactory()
    official = UserFactory()
    role_grant(
        user=official, role=Role.PROVINCE_OFFICIAL, province=commune.province, by=None
    )
    vietnamese.force_login(official)
    return vietnamese


@pytest.mark.parametrize(
    "address",
    [
        "/khoa-hoc/%00/",
        "/khoa-hoc/dich-vu%00/",
        "/certificates/verify/%00/",
        "/learning/%00",
        "/%00",
    ],
)
def test_an_address_with_a_nul_answers_404(vietnamese, address):
    response = vietnamese.get(address)

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("commune_search", {"q": "ben\x00thanh"}),
        ("catalogue", {"q": "\x00"}),
        ("certificates:verify_form", {"code": "\x00"}),
        ("account_login", {"next": "/\x00"}),
        ("commune_search", {"q\x00": "ben"}),
    ],
)
def test_a_query_string_with_a_nul_answers_400_with_a_message(vietnamese, name, params):
    response = vietnamese.get(reverse(name), params)

    assert response.status_code == 400
    assert MESSAGE_VI in response.content.decode()


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("hamlet_chooser:choose", {"commune": "\x00"}),
        ("hamlet_chooser:choose_results", {"commune": "a\x00"}),
        ("commune_chooser:chosen_multiple", {"id": ["\x00", "26734"]}),
        ("roles:index", {"q": "\x00"}),
    ],
)
def test_the_staff_screens_answer_400_to_a_nul(province_official, name, params):
    response = province_official.get(reverse(name), params)

    assert response.status_code == 400


@pytest.mark.parametrize("name", ["roles:add", "hamlets:add"])
def test_a_staff_form_sent_with_a_nul_answers_400(province_official, name):
    response = province_official.post(
        reverse(name), {"commune": "\x00", "name": "Ấp\x00", "role": "x"}
    )

    assert response.status_code == 400
    assert MESSAGE_VI in response.content.decode()


def test_a_profile_sent_with_a_nul_answers_400_and_saves_nothing(vietnamese):
    person = UserFactory(full_name="Nguyễn Văn An")
    vietnamese.force_login(person)

    response = vietnamese.post(
        reverse("profile"), {"full_name": "Nguyễn\x00", "commune_name": ""}
    )

    assert response.status_code == 400
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn An"


def test_text_without_a_nul_is_served_as_before(vietnamese):
    response = vietnamese.get(reverse("commune_search"), {"q": "ben thanh"})

    assert response.status_code == 200
    assert response.json() == {"results": []}
