import pytest
from django.core.management import call_command
from django.urls import reverse

from lms.models import Commune, CommuneKind, Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_admin_units", stdout=open("/dev/null", "w"))


def test_loads_34_provinces_and_3321_communes(loaded):
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321


def test_loading_again_changes_nothing(loaded, capsys):
    call_command("load_admin_units")
    out = capsys.readouterr().out
    assert "communes created: 0, updated: 0" in out
    assert Commune.objects.count() == 3321
    assert CommuneKind.objects.count() == 3321


def test_search_without_accents_finds_the_ward(loaded):
    found = list(Commune.objects.search("phuong ben thanh"))
    assert [c.full_name for c in found] == ["Phường Bến Thành"]
    assert found[0].province.full_name == "Thành phố Hồ Chí Minh"


def test_commune_search_endpoint(client, loaded):
    response = client.get(reverse("commune_search"), {"q": "ben thanh"})
    names = [row["name"] for row in response.json()["results"]]
    assert "Phường Bến Thành, Thành phố Hồ Chí Minh" in names
