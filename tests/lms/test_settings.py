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


def test_production_settings_pass_the_deployment_checks(tmp_path):
    env = {
        **_clean_environment(),
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "LMS_SMS_SENDER": "lms.accounts.sms.OutboxSmsSender",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "hoc.example.vn",
        "WAGTAILADMIN_BASE_URL": "https://hoc.example.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
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
