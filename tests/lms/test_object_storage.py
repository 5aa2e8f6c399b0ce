"""Media and certificates in an S3 bucket (``LMS_S3_BUCKET``), against a local
S3-compatible server (moto's): what learners download is still checked by the
site, and pictures come from the bucket by signed addresses."""

import hashlib
import io
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from django.core.files.images import ImageFile
from django.urls import reverse
from PIL import Image
from wagtail.images import get_image_model

from certificates.models import Certificate
from lms.csp import site_directives
from lms.settings.base import object_storage
from tests.certificates.helpers import complete, issue
from tests.factories import UserFactory
from tests.h5p.activities import activity_create, file_url, place_activity
from tests.h5p.packages import true_false

pytestmark = pytest.mark.django_db

BUCKET = "lms-media"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1"]
        + ["-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("the local S3 server did not start")
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


ENVIRON = {
    "LMS_S3_BUCKET": BUCKET,
    "LMS_S3_REGION": "ap-southeast-1",
    "LMS_S3_ACCESS_KEY_ID": "lms-test",
    "LMS_S3_SECRET_ACCESS_KEY": "lms-test-secret",
}


@pytest.fixture
def bucket(s3_server, settings):
    entry, origin = object_storage({**ENVIRON, "LMS_S3_ENDPOINT_URL": s3_server})
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="ap-southeast-1",
        aws_access_key_id="lms-test",
        aws_secret_access_key="lms-test-secret",
    )
    client.create_bucket(
        Bucket=BUCKET,
        CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"},
    )
    settings.STORAGES = {**settings.STORAGES, "default": entry}
    settings.LMS_CSP_MEDIA_SOURCES = [origin]
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listed.get("Contents", [])]


def test_without_a_bucket_the_media_stay_on_disk():
    assert object_storage({}) is None


def test_a_bucket_of_an_s3_compatible_service_is_addressed_by_path():
    entry, origin = object_storage(
        {**ENVIRON, "LMS_S3_ENDPOINT_URL": "https://s3.example.vn/"}
    )

    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    assert entry["OPTIONS"]["endpoint_url"] == "https://s3.example.vn"
    assert entry["OPTIONS"]["addressing_style"] == "path"
    assert entry["OPTIONS"]["default_acl"] is None
    assert entry["OPTIONS"]["querystring_auth"] is True
    assert entry["OPTIONS"]["file_overwrite"] is False
    assert origin == "https://s3.example.vn"


def test_a_bucket_on_amazon_s3_is_addressed_by_its_own_host():
    _entry, origin = object_storage(ENVIRON)

    assert origin == "https://lms-media.s3.ap-southeast-1.amazonaws.com"


def test_a_certificate_is_kept_in_the_bucket_and_sent_to_its_holder_only(
    bucket, learner_client, user, course
):
    complete(user, course)
    certificate = issue(user, course)

    response = learner_client.get(reverse("certificates:mine", args=[course.pk]))
    other = UserFactory()
    learner_client.force_login(other)
    refused = learner_client.get(
        reverse("certificates:download", args=[certificate.code])
    )

    assert any(key.endswith(".pdf") for key in _keys(bucket))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == certificate.pdf_sha256
    assert "X-Accel-Redirect" not in response
    assert refused.status_code == 404
    assert Certificate.objects.get().pdf.name in _keys(bucket)


def test_an_h5p_package_plays_from_the_bucket(bucket, learner, user, lessons):
    activity = activity_create(true_false())
    lesson = place_activity(lessons[0], activity)

    content = learner.get(file_url(user, lesson, activity, "content/content.json"))
    library = learner.get(file_url(user, lesson, activity, "H5P.TrueFalse-1.6/main.js"))

    assert any(key.startswith("h5p/") for key in _keys(bucket))
    assert content.status_code == 200
    assert json.loads(b"".join(content.streaming_content))["correct"] == "false"
    assert library.status_code == 200
    assert b"H5P.TrueFalse=" in b"".join(library.streaming_content)


def test_a_picture_is_read_from_the_bucket_by_a_signed_address_the_pages_allow(
    bucket, s3_server
):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#b3121d").save(buffer, "PNG")
    image = get_image_model().objects.create(
        title="Cổng dịch vụ công", file=ImageFile(buffer, name="cong-dich-vu.png")
    )

    address = image.file.url
    with urllib.request.urlopen(address, timeout=10) as answer:
        stored = answer.read()
    unsigned = address.split("?", 1)[0]

    assert address.startswith(f"{s3_server}/{BUCKET}/")
    assert "Signature=" in address or "X-Amz-Signature=" in address
    assert stored == buffer.getvalue()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)
    assert refused.value.code == 403
    assert s3_server in site_directives()["img-src"]
    assert s3_server in site_directives()["media-src"]
