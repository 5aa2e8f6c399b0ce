"""An official reads the coverage dashboards on a 360 px phone, in Vietnamese."""

import pytest
from django.urls import reverse

from tests.browser.helpers import (
    horizontal_overflow,
    small_tap_targets,
    unlabelled_fields,
)

SCREENSHOTS = "test-results"


@pytest.fixture
def world(transactional_db):
    from tests.community_teams.outreach import household, skills_ensure
    from tests.coverage.world import assign, coverage_world, finish, member

    skills_ensure()
    world = coverage_world()
    for number in range(6):
        member(world.committee, f"Nguyễn Văn Cán Bộ {number}")
    finished = member(world.office, "Trần Thị Hoàn Thành")
    assign(world)
    finish(finished.user, world.course)
    household(world.people.kp1, head="Nguyễn Văn Đức")
    return world


def test_an_official_reads_every_level_on_a_phone(browser_page, world, log_in):
    page = browser_page
    people = world.people
    log_in(people.province_official)
    urls = [
        reverse("coverage_home"),
        reverse("coverage_agencies"),
        reverse("coverage_agency", args=[world.department.pk]),
        reverse("coverage_agency_people", args=[world.committee.pk]),
        reverse("coverage_places"),
        reverse("coverage_commune", args=[people.ben_thanh.pk]),
        reverse("coverage_hamlet", args=[people.ben_thanh.pk, people.kp1.pk]),
    ]
    problems = {}
    for url in urls:
        response = page.goto(url)
        assert response.ok, url
        assert page.locator("html").get_attribute("lang") == "vi"
        found = {
            "overflow": horizontal_overflow(page),
            "small": small_tap_targets(page),
            "unlabelled": unlabelled_fields(page),
        }
        if any(found.values()):
            problems[url] = found
    assert problems == {}

    page.goto(reverse("coverage_agencies"))
    assert page.get_by_role("link", name="Sở Khoa học và Công nghệ").is_visible()
    page.screenshot(path=f"{SCREENSHOTS}/coverage-agencies.png", full_page=True)
    # Each row leads one level down, to the named people of an agency.
    page.get_by_role("link", name="Sở Khoa học và Công nghệ").click()
    page.get_by_role("link", name="Phòng Chuyển đổi số").click()
    page.wait_for_url(f"**{reverse('coverage_agency', args=[world.office.pk])}**")
    assert page.locator("svg.chart").first.is_visible()
    page.goto(reverse("coverage_places"))
    page.screenshot(path=f"{SCREENSHOTS}/coverage-places.png", full_page=True)
