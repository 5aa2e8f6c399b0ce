"""The installable web app: manifest, icons, service worker, offline page."""

import json

from django.contrib.staticfiles import finders
from PIL import Image


def test_service_worker_is_served_at_the_root_with_its_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert b'addEventListener("fetch"' in response.content


def test_manifest_names_the_app_in_vietnamese_with_png_icons(client):
    response = client.get("/manifest.webmanifest", headers={"accept-language": "vi"})
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Kỹ năng số"
    assert manifest["theme_color"] == "#b3121d"
    assert manifest["start_url"] == "/"
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG"
            sizes.add(f"{image.width}x{image.height}")
        assert icon["sizes"] in sizes
    assert sizes == {"192x192", "512x512"}


def test_every_page_links_the_manifest_and_the_offline_script(client, site_tree):
    html = client.get("/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in html
    assert "lms/offline.js" in html
    assert "<script>" not in html


def test_offline_page_is_in_vietnamese(client, db):
    response = client.get("/offline/", headers={"accept-language": "vi"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có mạng" in html
    assert 'id="offline-list"' in html
