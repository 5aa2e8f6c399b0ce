"""The national roll-up: provinces export their counts, the nation adds them up.

Two provinces' sites are played by two databases of their own (the test
settings' ``province_a`` and ``province_b``): while a province "answers", every
query goes to its database and the site knows only its own token. The national
site is the default database. The command fetches each export through the
export's real address, in this process.
"""

import datetime
import io
import json
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from community_teams.figures import hamlet_figures_refresh
from community_teams.models import HamletFigures, Household, Resident
from coverage import rollup
from coverage.models import (
    Agency,
    AgencyFigures,
    CommuneFigures,
    ProvinceRollup,
    StaffCategory,
    StaffMember,
)
from lms.models import Commune, Hamlet, Province, User
from tests.coverage.world import assign, coverage_world, finish, member
from tests.factories import UserFactory

YEAR = timezone.localdate().year
EXPORT = "/coverage/rollup/export.json"
TOKENS = {
    "province_a": "phu-tho-token-" + "a" * 32,
    "province_b": "dak-lak-" + "b" * 32,
}
SITES = {"hoc.phutho.example.vn": "province_a", "hoc.daklak.example.vn": "province_b"}
SOURCES = [
    "--source",
    "PHUTHO=https://hoc.phutho.example.vn",
    "--source",
    "DAKLAK=https://hoc.daklak.example.vn/",
]
# People in the provinces' databases whose names and numbers must never travel.
PEOPLE = [
    ("Nguyễn Thị Lan", "+84912000001"),
    ("Trần Văn Minh", "+84912000002"),
    ("Lê Thị Hoa", "+84912000003"),
]
PROVINCES = [
    ("province_a", "25", "Phú Thọ", ["04792", "04795"]),
    ("province_b", "66", "Đắk Lắk", ["24100", "24133"]),
]


class Pinned:
    """Every query of a province's site goes to its own database."""

    def __init__(self, alias):
        self.alias = alias

    def db_for_read(self, model, **hints):
        return self.alias

    def db_for_write(self, model, **hints):
        return self.alias

    def allow_relation(self, *objects, **hints):
        return True


@contextmanager
def site_of(alias: str, *, tokens=None):
    """Act as the province's own site: its database, its roll-up tokens."""
    with override_settings(
        DATABASE_ROUTERS=[Pinned(alias)],
        LMS_ROLLUP_TOKENS=[TOKENS[alias]] if tokens is None else tokens,
    ):
        yield


def province_fill(alias: str, code: str, name: str, communes: list[str], base: int):
    """A province's site after a year: two communes, a department with an office,
    a committee in each commune, their staff, and the summary tables' rows."""
    with site_of(alias):
        province = Province.objects.create(code=code, name=name, kind="tinh")
        places = [
            Commune.objects.create(
                code=commune, province=province, name=f"Xã {n}", kind="xa"
            )
            for n, commune in enumerate(communes, start=1)
        ]
        department = Agency.objects.create(
            name="Sở Nội vụ", kind=Agency.Kind.DEPARTMENT, province=province
        )
        office = Agency.objects.create(
            name="Phòng Tổ chức",
            kind=Agency.Kind.SUB_UNIT,
            province=province,
            parent=department,
        )
        committees = [
            Agency.objects.create(
                name=f"Ủy ban nhân dân {place.full_name}",
                kind=Agency.Kind.COMMUNE_COMMITTEE,
                province=province,
                commune=place,
            )
            for place in places
        ]
        for (full_name, phone), agency in zip(
            PEOPLE, [department, office, *committees], strict=False
        ):
            user = User.objects.create(
                username=f"{alias}-{phone}", full_name=full_name, phone=phone
            )
            StaffMember.objects.create(
                agency=agency,
                user=user,
                full_name=full_name,
                phone=phone,
                category=StaffCategory.CC,
            )
        rows = []
        for number, agency in enumerate([department, office, *committees]):
            agency.refresh_from_db()
            rows.append(
                AgencyFigures(
                    agency=agency,
                    year=YEAR,
                    path=agency.path,
                    province=province,
                    commune=agency.commune,
                    staff=base + 10 * number,
                    assigned=base + 5 * number,
                    finished=base + number,
                    overdue=number,
                )
            )
        # Last year's figures are not this year's.
        rows.append(
            AgencyFigures(
                agency=department,
                year=YEAR - 1,
                path=department.path,
                province=province,
                staff=999,
                assigned=999,
                finished=999,
            )
        )
        # What the staff's saving counted gives way to a year of figures.
        AgencyFigures.objects.all().delete()
        AgencyFigures.objects.bulk_create(rows)
        CommuneFigures.objects.bulk_create(
            CommuneFigures(
                commune=place,
                province=province,
                learners_finished=base * (n + 2),
                courses_finished=base * (n + 3),
                certificates=base * (n + 1),
            )
            for n, place in enumerate(places)
        )
        for n, place in enumerate(places):
            for number in (1, 2):
                hamlet = Hamlet.objects.create(
                    commune=place, name=f"Thôn {number}", kind=Hamlet.Kind.THON
                )
                HamletFigures.objects.update_or_create(
                    hamlet=hamlet,
                    defaults={
                        "commune": place,
                        "province": province,
                        "households": base * 4,
                        "households_reached": base * 3,
                        "residents": base * 12,
                        "residents_guided": base * (n + 5),
                        "visits": base * 9,
                    },
                )
    return {
        "staff": sum(r.staff for r in rows if r.year == YEAR),
        "assigned": sum(r.assigned for r in rows if r.year == YEAR),
        "finished": sum(r.finished for r in rows if r.year == YEAR),
        "overdue": sum(r.overdue for r in rows if r.year == YEAR),
        "learners_finished_online": base * 5,
        "certificates": base * 3,
        "households": base * 16,
        "households_reached": base * 12,
        "residents": base * 48,
        "residents_guided": base * 22,
        "department": rows[0].staff + rows[1].staff,
    }


def national_provinces():
    for _alias, code, name, _communes in PROVINCES:
        Province.objects.create(code=code, name=name, kind="tinh")


class Sites:
    """Fetches exports from the provinces' sites in this process, through the
    export's address, and keeps what each answered."""

    def __init__(self):
        self.bodies = []

    def __call__(self, url: str, token: str) -> bytes:
        parts = urlsplit(url)
        with site_of(SITES[parts.hostname]):
            response = Client().get(
                f"{parts.path}?{parts.query}", HTTP_AUTHORIZATION=f"Bearer {token}"
            )
        self.bodies.append(response.content)
        return rollup.answer_read(response.status_code, response.content)


def run(*arguments, fetch=None):
    out, err = io.StringIO(), io.StringIO()
    call_command("coverage_rollup", *arguments, fetch=fetch, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def tokens(monkeypatch):
    monkeypatch.setenv("LMS_ROLLUP_TOKEN_PHUTHO", TOKENS["province_a"])
    monkeypatch.setenv("LMS_ROLLUP_TOKEN_DAKLAK", TOKENS["province_b"])


both_provinces = pytest.mark.django_db(
    databases=["default", "province_a", "province_b"]
)


# The export, on a province's site -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer wrong-token",
        "Bearer ",
        f"Basic {TOKENS['province_a']}",
        f"Bearer {TOKENS['province_a']}x",
    ],
)
def test_the_export_needs_one_of_the_sites_tokens(client, settings, header):
    settings.LMS_ROLLUP_TOKENS = [TOKENS["province_a"]]
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.get(EXPORT, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.json()["error"]


@pytest.mark.django_db
def test_without_tokens_nobody_may_read_the_export(client, settings):
    settings.LMS_ROLLUP_TOKENS = []

    response = client.get(EXPORT, HTTP_AUTHORIZATION="Bearer ")

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_second_token_works_while_the_token_changes(client, settings):
    settings.LMS_ROLLUP_TOKENS = ["old-" + "o" * 32, "new-" + "n" * 32]

    for token in settings.LMS_ROLLUP_TOKENS:
        response = client.get(EXPORT, HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 200
        assert response.json()["schema"] == rollup.SCHEMA


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["twenty", "1999", "20266", "2101", "-2026"])
def test_a_year_that_is_not_one_is_refused(client, settings, year):
    settings.LMS_ROLLUP_TOKENS = [TOKENS["province_a"]]

    response = client.get(
        EXPORT, {"year": year}, HTTP_AUTHORIZATION=f"Bearer {TOKENS['province_a']}"
    )

    assert response.status_code == 400
    assert "year" in response.json()["error"]


@pytest.mark.django_db
def test_the_export_is_only_read(client, settings):
    settings.LMS_ROLLUP_TOKENS = [TOKENS["province_a"]]

    response = client.post(EXPORT, HTTP_AUTHORIZATION=f"Bearer {TOKENS['province_a']}")

    assert response.status_code == 405


@pytest.mark.django_db
def test_the_export_counts_communes_and_top_agencies_and_names_nobody(
    client, settings, django_assert_max_num_queries
):
    world = coverage_world()
    lan = member(world.department, "Nguyễn Thị Lan", phone="+84912345001")
    member(world.office, "Trần Văn Minh", phone="+84912345002")
    member(world.committee, "Lê Văn Hùng", phone="+84912345003")
    assign(world)
    finish(lan.user, world.course)
    home = Household.objects.create(
        hamlet=world.people.kp1, head_name="Võ Thị Mai", phone="+84912345009"
    )
    Resident.objects.create(
        household=home, full_name="Võ Thị Mai", phone="+84912345009"
    )
    Resident.objects.create(household=home, full_name="Đinh Văn Tú")
    hamlet_figures_refresh([world.people.kp1.pk])
    settings.LMS_ROLLUP_TOKENS = [TOKENS["province_a"]]

    with django_assert_max_num_queries(10):
        response = client.get(
            EXPORT,
            {"year": YEAR},
            HTTP_AUTHORIZATION=f"Bearer {TOKENS['province_a']}",
        )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert (data["schema"], data["year"]) == (rollup.SCHEMA, YEAR)
    [province] = data["provinces"]
    assert (province["code"], province["name"]) == ("79", "Thành phố Hồ Chí Minh")
    totals = province["totals"]
    assert {k: totals[k] for k in rollup.STAFF_COUNTS} == {
        "staff": 3,
        "assigned": 3,
        "finished": 1,
        "overdue": 0,
    }
    # Every agency is under a top agency; every household in a commune.
    for name in rollup.STAFF_COUNTS:
        assert totals[name] == sum(a[name] for a in province["agencies"])
    for name in rollup.REACH_COUNTS + rollup.ONLINE_COUNTS:
        assert totals[name] == sum(c[name] for c in province["communes"])
    assert (totals["households"], totals["residents"]) == (1, 2)
    by_code = {c["code"]: c for c in province["communes"]}
    assert set(by_code) == {"26734", "26740"}
    assert by_code["26734"]["name"] == "Phường Bến Thành"
    assert (by_code["26734"]["staff"], by_code["26740"]["staff"]) == (1, 0)
    agencies = {a["name"]: a for a in province["agencies"]}
    assert set(agencies) == {"Sở Khoa học và Công nghệ", "UBND phường Bến Thành"}
    science = agencies["Sở Khoa học và Công nghệ"]
    assert (science["staff"], science["finished"]) == (2, 1)
    text = response.content.decode()
    for leak in (
        "Nguyễn Thị Lan",
        "Trần Văn Minh",
        "Lê Văn Hùng",
        "912345",
        "Phòng Chuyển đổi số",
    ):
        assert leak not in text


# The command, on the national site ---------------------------------------------


@both_provinces
def test_the_national_totals_are_the_sum_of_the_provinces(tokens, client):
    national_provinces()
    expected = {
        alias: province_fill(alias, code, name, communes, base=100 * n)
        for n, (alias, code, name, communes) in enumerate(PROVINCES, start=1)
    }
    sites = Sites()

    out, err = run(*SOURCES, "--year", str(YEAR), fetch=sites)

    assert err == ""
    assert "PHUTHO: Tỉnh Phú Thọ kept" in out
    assert "DAKLAK: Tỉnh Đắk Lắk kept" in out
    stored = {r.province_id: r for r in ProvinceRollup.objects.filter(year=YEAR)}
    assert set(stored) == {"25", "66"}
    assert stored["25"].source == "PHUTHO"
    assert stored["66"].source_url == (
        f"https://hoc.daklak.example.vn{EXPORT}?year={YEAR}"
    )
    national = rollup.national_summary(year=YEAR)
    for name in rollup.COUNTS:
        assert national.totals[name] == sum(e[name] for e in expected.values())
        for alias, code, _name, _communes in PROVINCES:
            assert stored[code].figures["totals"][name] == expected[alias][name]
    phu_tho = stored["25"].figures
    assert [c["code"] for c in phu_tho["communes"]] == ["04792", "04795"]
    [department] = [a for a in phu_tho["agencies"] if a["name"] == "Sở Nội vụ"]
    assert department["staff"] == expected["province_a"]["department"]
    # Nothing about a person left a province, nor was kept.
    assert len(sites.bodies) == 2
    kept = json.dumps([r.figures for r in stored.values()], ensure_ascii=False)
    for body in [b.decode() for b in sites.bodies] + [kept]:
        for full_name, phone in PEOPLE:
            assert full_name not in body
            assert phone not in body and phone[3:] not in body
        assert "Phòng Tổ chức" not in body

    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    page = client.get("/coverage/national/", {"year": YEAR})
    assert page.status_code == 200
    text = page.content.decode()
    assert "Tỉnh Phú Thọ" in text and "Tỉnh Đắk Lắk" in text
    total_staff = sum(e["staff"] for e in expected.values())
    assert f"{total_staff:,}" in text
    assert "2 provinces sent their figures" in text


@both_provinces
def test_fetching_again_replaces_the_provinces_figures(tokens):
    national_provinces()
    for alias, code, name, communes in PROVINCES:
        province_fill(alias, code, name, communes, base=10)
    run(*SOURCES, fetch=Sites())
    with site_of("province_a"):
        AgencyFigures.objects.filter(year=YEAR).update(staff=1)

    run(*SOURCES, fetch=Sites())

    assert ProvinceRollup.objects.count() == 2
    phu_tho = ProvinceRollup.objects.get(province="25")
    assert phu_tho.figures["totals"]["staff"] == 4


@both_provinces
def test_a_province_that_refuses_the_token_is_reported_and_the_other_kept(
    tokens, monkeypatch
):
    national_provinces()
    for alias, code, name, communes in PROVINCES:
        province_fill(alias, code, name, communes, base=10)
    monkeypatch.setenv("LMS_ROLLUP_TOKEN_DAKLAK", TOKENS["province_a"])

    with pytest.raises(CommandError, match="1 of 2 sources could not be kept"):
        run(*SOURCES, fetch=Sites())

    assert list(ProvinceRollup.objects.values_list("province", flat=True)) == ["25"]


@both_provinces
def test_a_province_the_nation_does_not_know_is_not_kept(tokens):
    Province.objects.create(code="25", name="Phú Thọ", kind="tinh")
    for alias, code, name, communes in PROVINCES:
        province_fill(alias, code, name, communes, base=10)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("coverage_rollup", *SOURCES, fetch=Sites(), stderr=err)

    assert "This site has no province 66" in err.getvalue()
    assert ProvinceRollup.objects.filter(province="25").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("PHUTHO", "write a source as NAME=ADDRESS"),
        ("=https://hoc.phutho.example.vn", "write a source as NAME=ADDRESS"),
        ("PHU THO=https://hoc.phutho.example.vn", "write a source as NAME=ADDRESS"),
    ],
)
def test_a_source_written_wrong_is_refused_before_anything_is_fetched(source, message):
    def fetch(url, token):
        raise AssertionError("nothing may be fetched")

    with pytest.raises(CommandError, match=message) as refused:
        run("--source", source, fetch=fetch)

    assert refused.value.returncode == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://hoc.phutho.example.vn", "is not HTTPS"),
        ("ftp://hoc.phutho.example.vn", "is not a site's address"),
        ("hoc.phutho.example.vn", "is not a site's address"),
    ],
)
def test_an_address_that_would_expose_the_token_is_refused(
    monkeypatch, address, message
):
    monkeypatch.setenv("LMS_ROLLUP_TOKEN_PHUTHO", TOKENS["province_a"])
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "coverage_rollup",
            "--source",
            f"PHUTHO={address}",
            fetch=lambda url, token: b"",
            stderr=err,
        )

    assert message in err.getvalue()


@pytest.mark.django_db
def test_a_source_without_its_token_is_reported(monkeypatch):
    monkeypatch.delenv("LMS_ROLLUP_TOKEN_PHUTHO", raising=False)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "coverage_rollup",
            "--source",
            "phutho=https://hoc.phutho.example.vn",
            fetch=lambda url, token: b"",
            stderr=err,
        )

    assert "set LMS_ROLLUP_TOKEN_PHUTHO" in err.getvalue()


def _export(**changes) -> bytes:
    data = {
        "schema": rollup.SCHEMA,
        "year": YEAR,
        "generated_at": "2026-11-30T23:00:00+07:00",
        "provinces": [
            {
                "code": "25",
                "name": "Tỉnh Phú Thọ",
                "totals": dict.fromkeys(rollup.COUNTS, 1),
                "communes": [
                    {
                        "code": "04792",
                        "name": "Phường Tân Hòa",
                        **dict.fromkeys(rollup.COUNTS, 1),
                    }
                ],
                "agencies": [
                    {
                        "id": 7,
                        "name": "Sở Nội vụ",
                        "kind": "department",
                        **dict.fromkeys(rollup.STAFF_COUNTS, 1),
                    }
                ],
            }
        ],
    }
    data.update(changes)
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>Not found</html>", "not JSON"),
        (b"[1, 2]", "not an export"),
        (_export(schema=2), "version 2; this site reads version 1"),
        (_export(year=YEAR - 1), f"for {YEAR - 1}, not {YEAR}"),
        (_export(generated_at="yesterday"), "when it was counted"),
        (_export(generated_at="2026-11-30T23:00:00"), "no time zone"),
        (_export(provinces={"25": {}}), "lists no provinces"),
        (_export(provinces=[{"code": "Phú Thọ"}]), "not two digits"),
    ],
)
def test_an_answer_that_is_not_an_export_says_why(body, message):
    with pytest.raises(rollup.RollupError, match=message):
        rollup.rollup_read(body, year=YEAR)


@pytest.mark.parametrize("count", [-1, 1.5, "12", True])
def test_a_count_that_is_not_one_is_refused(count):
    data = json.loads(_export())
    data["provinces"][0]["communes"][0]["staff"] = count

    with pytest.raises(rollup.RollupError, match="staff is not a count"):
        rollup.rollup_read(json.dumps(data).encode(), year=YEAR)


def test_only_counts_and_institutions_names_are_kept_of_an_export():
    data = json.loads(_export())
    province = data["provinces"][0]
    province["people"] = [{"name": "Nguyễn Thị Lan", "phone": "+84912000001"}]
    province["totals"]["phone"] = "+84912000001"
    province["communes"][0]["head"] = "Trần Văn Minh"
    province["agencies"][0]["director"] = "Lê Thị Hoa"

    export = rollup.rollup_read(json.dumps(data).encode(), year=YEAR)

    kept = json.dumps(export.provinces[0].figures, ensure_ascii=False)
    for leak in (
        "Nguyễn Thị Lan",
        "+84912000001",
        "Trần Văn Minh",
        "Lê Thị Hoa",
        "people",
    ):
        assert leak not in kept
    assert export.generated_at == datetime.datetime.fromisoformat(
        "2026-11-30T23:00:00+07:00"
    )


@pytest.mark.django_db(transaction=True)
def test_the_command_fetches_over_http_with_the_token(
    live_server, settings, monkeypatch
):
    """Through the network: the site reads itself, as a province and the nation."""
    world = coverage_world()
    member(world.department, "Nguyễn Thị Lan")
    assign(world)
    settings.LMS_ROLLUP_TOKENS = [TOKENS["province_a"]]
    monkeypatch.setenv("LMS_ROLLUP_TOKEN_SELF", TOKENS["province_a"])
    monkeypatch.setenv("LMS_ROLLUP_TOKEN_WRONG", "not-the-token")

    with pytest.raises(CommandError, match="1 of 2"):
        run(
            "--source",
            f"SELF={live_server.url}",
            "--source",
            f"WRONG={live_server.url}",
        )

    rollup_row = ProvinceRollup.objects.get(province="79", year=YEAR)
    assert rollup_row.figures["totals"]["staff"] == 1
    assert rollup_row.source == "SELF"


# The national page ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["province_official", "commune_official", "editor"])
def test_only_superusers_see_the_national_page(client, who):
    world = coverage_world()
    client.force_login(world.people.people[who])

    assert client.get("/coverage/national/").status_code == 403


@pytest.mark.django_db
def test_the_national_page_asks_visitors_to_sign_in(client):
    response = client.get("/coverage/national/")

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_national_page_says_when_no_province_sent_its_figures(client):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get("/coverage/national/", {"year": "abc"})

    assert response.status_code == 200
    assert f"No province has sent its figures for {YEAR} yet" in response.text
    assert "manage.py coverage_rollup" in response.text


@pytest.mark.django_db
def test_a_province_fetched_long_ago_is_marked(client):
    province = Province.objects.create(code="25", name="Phú Thọ", kind="tinh")
    export = rollup.rollup_read(_export(), year=YEAR)
    rollup.province_rollup_store(
        source="PHUTHO",
        url="https://hoc.phutho.example.vn",
        export=export,
        fetched_at=timezone.now() - datetime.timedelta(days=3),
    )
    client.force_login(UserFactory(is_superuser=True))

    response = client.get("/coverage/national/")

    assert province.full_name in response.text
    assert "more than two days ago" in response.text
    assert "1 province sent its figures" in response.text
