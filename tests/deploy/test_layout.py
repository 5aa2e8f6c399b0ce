"""The files a deployer copies agree with the code and with each other."""

import re
import subprocess

import pytest
import yaml
from django.core.management import get_commands

from .conftest import PORT, ROOT, nginx_path

DEPLOY = ROOT / "deploy"
# How the settings and gunicorn's configuration read the environment.
READS = re.compile(
    r"""(?:os\.environ(?:\.get)?[\[(]\s*|env_(?:bool|list)\(\s*|env=)"([A-Z][A-Z0-9_]+)\""""
)


def template_names() -> set[str]:
    text = (DEPLOY / "lms.env.example").read_text()
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_the_env_template_lists_every_variable_production_reads():
    sources = [*sorted((ROOT / "lms" / "settings").glob("*.py"))]
    sources.append(DEPLOY / "gunicorn.conf.py")
    read = set()
    for source in sources:
        if source.name not in ("dev.py", "test.py"):
            read |= set(READS.findall(source.read_text()))

    assert {"DJANGO_SECRET_KEY", "REDIS_URL", "GUNICORN_WORKERS"} <= read
    assert read - template_names() == set()
    assert (
        "DJANGO_SETTINGS_MODULE=lms.settings.production"
        in (DEPLOY / "lms.env.example").read_text()
    )


def test_the_services_run_the_web_server_and_the_worker_on_every_queue():
    web = (DEPLOY / "systemd" / "lms-web.service").read_text()
    worker = (DEPLOY / "systemd" / "lms-worker.service").read_text()
    install = (DEPLOY / "install.sh").read_text()

    assert (
        "ExecStart=/srv/lms/.venv/bin/gunicorn --config deploy/gunicorn.conf.py" in web
    )
    assert 'manage.py db_worker --queue-name "*"' in worker
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/lms/lms.env" in unit
        assert "User=lms" in unit
    assert "ENV_FILE=/etc/lms/lms.env" in install


@pytest.mark.parametrize("timer", sorted((DEPLOY / "systemd").glob("*.timer")))
def test_each_daily_job_is_installed_and_runs_a_command_of_the_site(timer):
    service = timer.with_suffix(".service").read_text()
    install = (DEPLOY / "install.sh").read_text()

    assert "OnCalendar=" in timer.read_text()
    assert timer.name in install
    assert timer.with_suffix(".service").name in install
    commands = re.findall(r"^ExecStart=\S+ manage\.py (\S+)", service, re.M)
    assert commands
    assert set(commands) <= set(get_commands())
    assert "EnvironmentFile=/etc/lms/lms.env" in service
    assert "User=lms" in service


@pytest.mark.parametrize("script", ["install.sh", "release.sh"])
def test_the_scripts_are_valid_shell(script):
    result = subprocess.run(
        ["sh", "-n", str(DEPLOY / script)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_the_debian_site_is_accepted_by_nginx(tmp_path):
    """`nginx -t` on the site file as install.sh installs it, on this check's ports."""
    site = (DEPLOY / "nginx" / "lms.conf").read_text()
    site = re.sub(r"^\s*listen \[::\]:.*$", "", site, flags=re.MULTILINE)
    site = site.replace("listen 80 ", f"listen 127.0.0.1:{PORT + 2} ")
    site = site.replace("listen 443 ", f"listen 127.0.0.1:{PORT + 3} ")
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "lms-locations.conf").write_text(
        (DEPLOY / "nginx" / "lms-locations.conf").read_text()
    )
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=localhost", "-keyout", str(tmp_path / "tls.key")]
        + ["-out", str(tmp_path / "tls.pem")],
        check=True,
        capture_output=True,
    )
    (snippets / "lms-tls.conf").write_text(
        f"ssl_certificate {tmp_path}/tls.pem;\n"
        f"ssl_certificate_key {tmp_path}/tls.key;\n"
    )
    (tmp_path / "lms.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        "http {\n    include /etc/nginx/mime.types;\n    include lms.conf;\n}\n"
    )

    result = subprocess.run(
        [nginx_path(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
        + ["-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


def test_compose_runs_the_same_pieces_as_a_server():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert set(services) == {"release", "web", "worker", "nginx", "db", "redis"}
    assert services["release"]["command"] == ["deploy/release.sh"]
    assert services["worker"]["command"][-3:] == ["db_worker", "--queue-name", "*"]
    assert "deploy/gunicorn.conf.py" in dockerfile
    assert "deploy/nginx/lms.conf /etc/nginx/sites-available/lms" in dockerfile
    for name in ("web", "worker", "release"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["volumes"] == [
            "media:/var/lib/lms/media",
            "private:/var/lib/lms/private",
        ]
    # Uploads kept while they are processed (rosters) never reach nginx.
    assert services["nginx"]["volumes"] == ["media:/var/lib/lms/media:ro"]
