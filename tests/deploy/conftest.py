"""The production stack, started on this machine for the tests in this folder.

nginx from Debian (its own prefix and configuration in a temporary folder, HTTPS
with a self-signed certificate on an unprivileged port), gunicorn with
``lms.settings.production`` (2 workers), a task worker, the local PostgreSQL and
Redis; set up with the deployment's own pieces: the settings template
``deploy/lms.env.example``, ``deploy/release.sh``, ``deploy/gunicorn.conf.py`` and
``deploy/nginx/lms-locations.conf``.

Where it runs, from the environment:
``LMS_DEPLOY_TEST_DATABASE_URL``: a PostgreSQL database it creates and drops;
``LMS_DEPLOY_TEST_REDIS_URL``: a Redis database it empties;
``LMS_DEPLOY_TEST_PORT``: nginx's port (gunicorn takes the next one).
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import psycopg
import pytest
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "LMS_DEPLOY_TEST_DATABASE_URL",
    "postgres://postgres@127.0.0.1:5432/lms_deploy_check",
)
REDIS_URL = os.environ.get("LMS_DEPLOY_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
PORT = int(os.environ.get("LMS_DEPLOY_TEST_PORT", "8143"))
# Variables of the test process that must not leak into the production processes.
TEST_ONLY = ("DJANGO_", "LMS_", "DATABASE_URL", "REDIS_URL", "GUNICORN_")

NGINX_CONF = """\
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    log_format check '$status "$request" upstream=$upstream_status';
    access_log {folder}/nginx-access.log check;
    client_body_temp_path {folder}/nginx-tmp/body;
    proxy_temp_path {folder}/nginx-tmp/proxy;
    fastcgi_temp_path {folder}/nginx-tmp/fastcgi;
    uwsgi_temp_path {folder}/nginx-tmp/uwsgi;
    scgi_temp_path {folder}/nginx-tmp/scgi;
    upstream lms_app {{ server 127.0.0.1:{app_port} fail_timeout=0; }}
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {folder}/tls.pem;
        ssl_certificate_key {folder}/tls.key;
        root {folder}/data;
        include {root}/deploy/nginx/lms-locations.conf;
    }}
}}
"""


@dataclass
class Stack:
    url: str
    env: dict[str, str]
    folder: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    # Lines nginx logged while the stack was starting (a 502 until gunicorn
    # listens): they are not the site's answers.
    start_lines: int = 0

    @property
    def access_log(self) -> Path:
        return self.folder / "nginx-access.log"

    def manage(self, *args: str, timeout: int = 180) -> str:
        """Run ``manage.py`` as the deployment would, with its environment."""
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def sms(self) -> list[dict]:
        path = Path(self.env["LMS_TEST_SMS_FILE"])
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]

    def server_errors(self) -> list[str]:
        """Lines of nginx's access log that answered 5xx once the site was up."""
        lines = self.access_log.read_text().splitlines()[self.start_lines :]
        return [line for line in lines if line.startswith("5")]

    def logs(self) -> str:
        """Everything the processes wrote, for a failure's message."""
        parts = []
        for path in sorted(self.folder.glob("*.log")):
            parts.append(f"--- {path.name}\n{path.read_text()[-6000:]}")
        return "\n".join(parts)

    def session(self) -> requests.Session:
        session = requests.Session()
        # Trust this check's own certificate, and nothing from the environment
        # (a CA bundle or a proxy named there would take precedence).
        session.trust_env = False
        session.verify = str(self.folder / "tls.pem")
        return session


def nginx_path() -> str:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        pytest.fail(
            "nginx is not installed: `make system-deps` (or apt-get install -y "
            "nginx) installs it"
        )
    return nginx


def _database_reset(url: str) -> None:
    name = dj_database_url.parse(url)["NAME"]
    admin = re.sub(r"/[^/]*$", "/postgres", url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _database_drop(url: str) -> None:
    name = dj_database_url.parse(url)["NAME"]
    admin = re.sub(r"/[^/]*$", "/postgres", url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(folder: Path, url: str) -> dict[str, str]:
    """The settings template, filled in as a deployer would for this machine."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(TEST_ONLY)
    }
    for line in (ROOT / "deploy" / "lms.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _equals, value = line.partition("=")
            env[key] = value
    env.update(
        {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": url,
            "WAGTAILADMIN_BASE_URL": url,
            "LMS_PUBLIC_BASE_URL": url,
            "LMS_SMS_SENDER": "tests.deploy.sms.FileSmsSender",
            "LMS_TEST_SMS_FILE": str(folder / "sms.jsonl"),
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "DJANGO_MEDIA_ROOT": str(folder / "data" / "media"),
            "DJANGO_STATIC_ROOT": str(folder / "data" / "static"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "GUNICORN_BIND": f"127.0.0.1:{PORT + 1}",
            "GUNICORN_WORKERS": "2",
        }
    )
    return env


def _start(stack: Stack, name: str, command: list[str]) -> None:
    log = (stack.folder / f"{name}.log").open("w")
    stack.processes[name] = subprocess.Popen(
        command,
        cwd=ROOT,
        env=stack.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _wait_until_up(stack: Stack, seconds: float = 60) -> None:
    session = stack.session()
    deadline = time.monotonic() + seconds
    while True:
        for name, process in stack.processes.items():
            if process.poll() is not None:
                pytest.fail(f"{name} stopped at start\n{stack.logs()}")
        try:
            if session.get(stack.url + "/", timeout=30).status_code == 200:
                stack.start_lines = len(stack.access_log.read_text().splitlines())
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"the site did not answer through nginx\n{stack.logs()}")
        time.sleep(0.3)


def _stop(stack: Stack) -> None:
    for process in stack.processes.values():
        if process.poll() is None:
            # nginx stops at once on SIGTERM; gunicorn and the worker finish
            # what they are doing first.
            process.send_signal(signal.SIGTERM)
    for process in stack.processes.values():
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def stack():
    """The site as a province runs it, with the demo courses loaded."""
    nginx = nginx_path()
    folder = Path(tempfile.mkdtemp(prefix="lms-deploy-"))
    # nginx's workers may run as another user than this test: they read the
    # static files and the uploads.
    folder.chmod(0o755)
    for sub in ("data/media", "data/static", "nginx-tmp"):
        (folder / sub).mkdir(parents=True)
    url = f"https://127.0.0.1:{PORT}"
    stack = Stack(url=url, env=_environment(folder, url), folder=folder)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(folder / "tls.key"), "-out", str(folder / "tls.pem")],
        check=True,
        capture_output=True,
    )
    (folder / "nginx.conf").write_text(
        NGINX_CONF.format(folder=folder, root=ROOT, port=PORT, app_port=PORT + 1)
    )
    began = time.monotonic()
    _database_reset(DATABASE_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    release = subprocess.run(
        [str(ROOT / "deploy" / "release.sh")],
        cwd=ROOT,
        env={**stack.env, "PYTHON": str(BIN / "python")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert release.returncode == 0, release.stdout + release.stderr
    released = time.monotonic()
    stack.manage("load_demo_data")
    print(
        f"\nrelease.sh {released - began:.0f} s, "
        f"demo data {time.monotonic() - released:.0f} s",
        end=" ",
    )
    try:
        _start(
            stack,
            "gunicorn",
            [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
        )
        _start(
            stack,
            "worker",
            [str(BIN / "python"), "manage.py", "db_worker", "--queue-name", "*"],
        )
        _start(
            stack,
            "nginx",
            [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
            + ["-e", str(folder / "nginx-error.log"), "-g", "daemon off;"],
        )
        _wait_until_up(stack)
        yield stack
    finally:
        _stop(stack)
        _database_drop(DATABASE_URL)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }
