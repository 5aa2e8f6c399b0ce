import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _clean_environment() -> dict[str, str]:
    """A fresh production process's environment, without the test's own settings."""
    skip = {"DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    return {key: value for key, value in os.environ.items() if key not in skip}


def _production(tmp_path, **extra) -> dict[str, str]:
    return {
        **_clean_environment(),
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "LMS_SMS_SENDER": "lms.accounts.sms.OutboxSmsSender",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "hoc.example.vn",
        "WAGTAILADMIN_BASE_URL": "https://hoc.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    }


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = _production(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bucket_in_the_environment_moves_the_media_to_it(tmp_path):
    env = _production(
        tmp_path,
        LMS_S3_BUCKET="lms-media",
        LMS_S3_ENDPOINT_URL="https://s3.example.vn",
        LMS_S3_ACCESS_KEY_ID="key",
        LMS_S3_SECRET_ACCESS_KEY="secret",
    )
    shown = (
        "from django.core.files.storage import storages; "
        "from lms.csp import site_policy; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.url('h5p/x.png').split('?')[0]); "
        "print(site_policy())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", shown],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    storage, policy = result.stdout.strip().splitlines()[-2:]
    assert storage == "S3Storage lms-media https://s3.example.vn/lms-media/h5p/x.png"
    assert "img-src 'self' data: blob: https://s3.example.vn;" in policy


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = _clean_environment()
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
