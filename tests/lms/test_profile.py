"""Completing the profile: name, birth year and commune of residence."""

import pytest
from django.urls import reverse

from lms.models import Commune, Province
from tests.factories import CommuneFactory, ProvinceFactory, UserFactory

PROFILE = "/learning/profile/"


@pytest.fixture
def communes(db):
    """Two communes called Tân Phú in different provinces, and one Bến Thành."""
    dong_nai = ProvinceFactory(code="75", name="Đồng Nai", kind=Province.Kind.PROVINCE)
    hcm = ProvinceFactory(code="79", name="Hồ Chí Minh", kind=Province.Kind.CITY)
    return {
        "tan_phu_dn": CommuneFactory(
            code="26001", province=dong_nai, name="Tân Phú", kind=Commune.Kind.COMMUNE
        ),
        "tan_phu_hcm": CommuneFactory(
            code="26002", province=hcm, name="Tân Phú", kind=Commune.Kind.WARD
        ),
        "ben_thanh": CommuneFactory(
            code="26003", province=hcm, name="Bến Thành", kind=Commune.Kind.WARD
        ),
    }


def save(client, **data):
    return client.post(
        PROFILE, {"full_name": "Nguyễn Thị Lan", "birth_year": "1975", **data}
    )


def test_profile_needs_a_login(client, db):
    response = client.get(PROFILE)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={PROFILE}"


def test_new_profile_asks_to_be_completed(learner_client):
    html = learner_client.get(PROFILE).content.decode()

    assert "Please complete your profile." in html
    assert '<datalist id="commune-options"' in html
    assert 'list="commune-options"' in html
    assert 'name="commune_code"' in html and 'type="hidden"' in html


def test_commune_chosen_from_the_suggestions(learner_client, user, communes):
    response = save(
        learner_client,
        commune_name="Phường Tân Phú, Thành phố Hồ Chí Minh",
        commune_code="26002",
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.birth_year, user.commune) == (
        "Nguyễn Thị Lan",
        1975,
        communes["tan_phu_hcm"],
    )
    page = learner_client.get(PROFILE).content.decode()
    assert "Please complete your profile." not in page
    assert 'value="Phường Tân Phú, Thành phố Hồ Chí Minh"' in page


def test_commune_typed_without_accents_and_without_javascript(
    learner_client, user, communes
):
    save(learner_client, commune_name="phuong ben thanh")

    user.refresh_from_db()
    assert user.commune == communes["ben_thanh"]


def test_suggestion_text_alone_is_enough(learner_client, user, communes):
    save(learner_client, commune_name="Xã Tân Phú, Tỉnh Đồng Nai")

    user.refresh_from_db()
    assert user.commune == communes["tan_phu_dn"]


def test_several_matches_are_listed_to_choose_from(learner_client, user, communes):
    response = save(learner_client, commune_name="tan phu")

    assert response.status_code == 200
    assert response.context["form"].errors["commune_name"] == [
        "Several communes have this name. Choose yours from the list."
    ]
    html = response.content.decode()
    assert 'type="radio" name="commune_code" value="26001"' in html
    assert 'type="radio" name="commune_code" value="26002"' in html
    assert "Xã Tân Phú, Tỉnh Đồng Nai" in html

    save(learner_client, commune_name="tan phu", commune_code="26001")

    user.refresh_from_db()
    assert user.commune == communes["tan_phu_dn"]


def test_unknown_commune_is_refused(learner_client, user, communes):
    response = save(learner_client, commune_name="xa khong co")

    assert response.context["form"].errors["commune_name"] == [
        "No commune or ward has this name. Check the spelling, or type only part "
        "of the name."
    ]
    user.refresh_from_db()
    assert user.commune is None


def test_a_code_left_from_an_earlier_choice_does_not_override_new_text(
    learner_client, user, communes
):
    user.commune = communes["ben_thanh"]
    user.save()

    save(learner_client, commune_name="tan phu, dong nai", commune_code="26003")

    user.refresh_from_db()
    assert user.commune == communes["tan_phu_dn"]


def test_clearing_the_commune(learner_client, user, communes):
    user.commune = communes["ben_thanh"]
    user.save()

    save(learner_client, commune_name="", commune_code="26003")

    user.refresh_from_db()
    assert user.commune is None


def test_birth_year_must_be_plausible(learner_client, user):
    response = save(learner_client, birth_year="1850")

    assert "birth_year" in response.context["form"].errors
    user.refresh_from_db()
    assert user.birth_year is None


def test_full_name_is_stored_in_nfc(learner_client, user):
    save(learner_client, full_name="Nguye\u0302\u0303n Thi\u0323 Lan")

    user.refresh_from_db()
    assert user.full_name == "Nguyễn Thị Lan"


def test_sign_in_methods_are_shown(client, db):
    user = UserFactory(email="", phone="+84912345678")
    user.set_unusable_password()
    user.save()
    client.force_login(user)

    html = client.get(PROFILE).content.decode()

    assert "0912 345 678" in html
    assert 'href="/accounts/phone/change/"' in html
    assert 'href="/accounts/password/set/"' in html


def test_profile_page_reads_little(
    learner_client, user, communes, django_assert_max_num_queries
):
    user.commune = communes["ben_thanh"]
    user.save()

    with django_assert_max_num_queries(6):
        assert learner_client.get(PROFILE).status_code == 200


def test_saving_sends_a_new_resident_on_to_the_catalogue(
    learner_client, communes, catalogue
):
    response = learner_client.post(
        PROFILE,
        {
            "full_name": "Nguyễn Thị Lan",
            "birth_year": "1975",
            "commune_name": "phuong ben thanh",
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == catalogue.url
    assert response.status_code == 200


def test_saving_goes_back_to_the_page_the_person_came_from(
    learner_client, communes, site_tree
):
    learning = reverse("my_learning")
    page = learner_client.get(f"{PROFILE}?next={learning}").content.decode()
    assert f'name="next" value="{learning}"' in page

    response = save(learner_client, commune_name="phuong ben thanh", next=learning)

    assert response["Location"] == learning


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_saving_never_sends_anyone_to_another_site(
    learner_client, communes, site_tree, target
):
    response = save(learner_client, commune_name="phuong ben thanh", next=target)

    assert response.status_code == 302
    assert "evil" not in response["Location"]
