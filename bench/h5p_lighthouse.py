"""Lighthouse on the H5P lesson, opened as a phone on slow 4G opens it.

Builds the lesson of ``bench/h5p_lesson_weight.py`` (the sample True/False
activity alone; ``--three`` for three activities), serves it the same way (Django
in this process, compressing and caching as nginx does; the frames on a host of
their own, ``localhost`` beside the site's ``127.0.0.1``, unless
``--no-frame-host``), signs a learner in, and then:

1. runs Lighthouse (pinned in ``bench/lighthouse/package.json``; installed there
   with ``npm ci`` on first use) on the lesson with its mobile settings:
   Debian's Chromium, a 412 px phone screen, simulated slow 4G (150 ms, 1.6
   Mbit/s) and a 4x slower CPU, ``--lighthouse-runs`` times. It prints the
   report of median performance (``--report`` keeps it whole): the scores, the
   metrics, and every audit that did not pass;
2. opens the lesson in Chromium with a 4x slower CPU on a 360 px screen, a
   fresh profile each time, ``--runs`` times with the network throttled by
   DevTools (562.5 ms added to each request, 1.47 Mbit/s down, 0.675 up:
   Lighthouse's figures for applied throttling), then ``--runs`` times through
   ``bench/slow_link.py`` (a 150 ms round trip on every connection, 1.6 Mbit/s
   down and 750 kbit/s up shared by all), and measures the time from the start
   of the navigation until the activity's first answer can be tapped (the
   player says it is ready and the answer is visible in its frame).

With ``--nginx`` the browser reaches Django through Debian's nginx over HTTPS
(TLS 1.3, a certificate the browser trusts) and HTTP/2, as a phone reaches a
province's server (deploy/nginx/lms.conf): the frame's files then share one
connection instead of waiting six at a time.

Targets: performance >= 0.95, accessibility 1.00, the activity answerable within
3 s. Prints the figures, then one JSON line.

    .venv/bin/python bench/h5p_lighthouse.py [--port 8311] [--runs 5] [--nginx]
"""

import argparse
import base64
import hashlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

import h5p_lesson_weight as weight
from django.conf import settings
from playwright.sync_api import sync_playwright
from slow_link import MOBILE_SLOW_4G, SlowLink

TOOL = Path(__file__).resolve().parent / "lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / "lighthouse" / "cli" / "index.js"
TARGET_PERFORMANCE = 0.95
TARGET_ACCESSIBILITY = 1.0
TARGET_ANSWERABLE_S = 3.0
# An answer of whichever sample the lesson holds.
ANSWER = ".h5p-true-false-answer, .h5p-answer, .h5p-sc-alternative"
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
    "interactive",
)


# In front of this process's Django: HTTPS with a certificate of its own for both
# hosts (the site's and the frames'), HTTP/2, the answers passed on as they are.
NGINX_CONF = """\
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/tmp;
    proxy_temp_path {folder}/tmp;
    fastcgi_temp_path {folder}/tmp;
    uwsgi_temp_path {folder}/tmp;
    scgi_temp_path {folder}/tmp;
    upstream django {{ server 127.0.0.1:{app_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {folder}/tls.pem;
        ssl_certificate_key {folder}/tls.key;
        # As deploy/nginx/lms.conf: TLS 1.3 (one round trip to connect, not two;
        # nginx 1.22 offers only up to 1.2 unless told).
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:bench_tls:1m;
        location / {{
            proxy_pass http://django;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def spki_fingerprint(certificate: Path) -> str:
    """What Chromium's ``--ignore-certificate-errors-spki-list`` takes: the
    base64 SHA-256 of the certificate's public key."""
    public = subprocess.run(
        ["openssl", "x509", "-in", str(certificate), "-pubkey", "-noout"],
        check=True,
        capture_output=True,
    ).stdout
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-outform", "der"],
        input=public,
        check=True,
        capture_output=True,
    ).stdout
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


@contextmanager
def nginx_in_front(port: int, app_port: int):
    """nginx on ``port`` over HTTPS and HTTP/2, passing to Django on ``app_port``;
    yields the Chromium flag that trusts its certificate.

    Trusted as a phone trusts a province's certificate: told instead to ignore
    certificate errors, Chromium opens each connection twice.
    """
    folder = Path(tempfile.mkdtemp(prefix="h5p-lighthouse-"))
    (folder / "tmp").mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        + ["-keyout", str(folder / "tls.key"), "-out", str(folder / "tls.pem")],
        check=True,
        capture_output=True,
    )
    (folder / "nginx.conf").write_text(
        NGINX_CONF.format(folder=folder, port=port, app_port=app_port)
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen(
        [nginx, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        + ["-e", str(folder / "error.log"), "-g", "daemon off;"]
    )
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"nginx did not start:\n{(folder / 'error.log').read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield "--ignore-certificate-errors-spki-list=" + spki_fingerprint(
            folder / "tls.pem"
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def lighthouse_install() -> None:
    if LIGHTHOUSE.is_file():
        return
    subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
        cwd=TOOL,
        check=True,
    )


def lighthouse_run(url: str, session: str, trust: str, attempts: int = 3) -> dict:
    """Lighthouse's report on ``url``; a run that fails to record its trace
    (Lighthouse's NO_NAVSTART, now and then on a loaded machine) is run again."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
    for _attempt in range(attempts):
        completed = subprocess.run(
            [
                "node",
                str(LIGHTHOUSE),
                url,
                "--output=json",
                "--quiet",
                "--only-categories=performance,accessibility",
                f"--extra-headers={json.dumps({'Cookie': cookie})}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu "
                f"--disable-background-networking {trust}",
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "CHROME_PATH": weight.CHROMIUM},
            timeout=300,
        )
        if completed.returncode == 0:
            return json.loads(completed.stdout)
    sys.exit(f"Lighthouse failed:\n{completed.stderr[-2000:]}")


def not_passed(report: dict, category: str) -> list[str]:
    audits = report["audits"]
    failing = []
    for reference in report["categories"][category]["auditRefs"]:
        audit = audits[reference["id"]]
        if audit.get("scoreDisplayMode") in ("notApplicable", "manual", "informative"):
            continue
        if audit.get("score") is not None and audit["score"] < 1:
            failing.append(f"{audit['id']} ({audit['score']}): {audit['title']}")
    return failing


def answerable_seconds(
    browser, url: str, base: str, session: str, *, request_throttling: bool
) -> float:
    """Seconds from navigation until the first answer can be tapped, with the
    CPU 4x slower, and the network throttled by DevTools (``request_throttling``)
    or left to the slow link in front of the server."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base}]
    )
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if request_throttling:
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 562.5,
                "downloadThroughput": 1474.56 * 1024 / 8,
                "uploadThroughput": 675 * 1024 / 8,
            },
        )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    started = time.monotonic()
    page.goto(url, wait_until="commit")
    # The page's policy forbids evaluating a string, which wait_for_function does.
    while not page.evaluate(weight.READY):
        if time.monotonic() - started > 60:
            sys.exit("The activity did not start within a minute.")
        page.wait_for_timeout(20)
    frame = page.frame_locator("iframe").first
    frame.locator(ANSWER).first.wait_for(state="visible", timeout=60_000)
    seconds = time.monotonic() - started
    context.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8311)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        default=3,
        help="Lighthouse runs; the report of median performance is shown",
    )
    parser.add_argument("--three", action="store_true", help="three activities")
    parser.add_argument(
        "--no-frame-host",
        action="store_true",
        help="frames on the site's address, with no origin",
    )
    parser.add_argument(
        "--nginx",
        action="store_true",
        help="through nginx over HTTPS and HTTP/2, as in production",
    )
    parser.add_argument(
        "--report", type=Path, help="also write Lighthouse's whole report (JSON) here"
    )
    args = parser.parse_args()
    if args.runs < 1 or args.lighthouse_runs < 1:
        parser.error("--runs and --lighthouse-runs must be at least 1")
    lighthouse_install()

    weight.served_as_nginx_serves()
    lesson, learner, source = weight.lesson_build(False, not args.three)
    session = weight.session_of(learner)
    scheme = "https" if args.nginx else "http"
    base = f"{scheme}://127.0.0.1:{args.port}"
    settings.LMS_PUBLIC_BASE_URL = base
    if args.nginx:
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if not args.no_frame_host:
        settings.H5P_FRAME_ORIGIN = f"{scheme}://localhost:{args.port}"
    # The browser -> the slow link (args.port) -> nginx (+2) -> Django (+1).
    server = weight.server_start(args.port + 1)
    upstream = args.port + 2 if args.nginx else args.port + 1
    front = nginx_in_front(upstream, args.port + 1) if args.nginx else nullcontext("")
    link = SlowLink(args.port, upstream)
    try:
        with front as trust, link:
            reports = [
                lighthouse_run(base + lesson.url, session, trust)
                for _run in range(args.lighthouse_runs)
            ]
            reports.sort(
                key=lambda report: report["categories"]["performance"]["score"]
            )
            report = reports[len(reports) // 2]
            if args.report:
                args.report.write_text(json.dumps(report), encoding="utf-8")
            with sync_playwright() as playwright:
                browser = weight.browser_launch(playwright, (trust,) if trust else ())

                def timed(request_throttling: bool) -> list[float]:
                    return [
                        answerable_seconds(
                            browser,
                            base + lesson.url,
                            base,
                            session,
                            request_throttling=request_throttling,
                        )
                        for _run in range(args.runs)
                    ]

                times = timed(request_throttling=True)
                link.use(MOBILE_SLOW_4G)
                linked = timed(request_throttling=False)
                browser.close()
    finally:
        server.terminate()

    performance = report["categories"]["performance"]["score"]
    accessibility = report["categories"]["accessibility"]["score"]
    count = "three H5P activities" if args.three else "one H5P activity"
    frames = "with no origin" if args.no_frame_host else "on a host of their own"
    served = "nginx, HTTPS, HTTP/2" if args.nginx else "Django, HTTP/1.1"
    print(f"Lesson with {count} ({source}), frames {frames}, served by {served}:")
    scores = [r["categories"]["performance"]["score"] for r in reports]
    print(
        f"  Lighthouse {report['lighthouseVersion']}, mobile, simulated slow 4G, "
        f"the median of {len(reports)} runs (performance {min(scores):.2f} to "
        f"{max(scores):.2f}):"
    )
    print(f"    performance   {performance:.2f} (target >= {TARGET_PERFORMANCE})")
    print(f"    accessibility {accessibility:.2f} (target {TARGET_ACCESSIBILITY:.2f})")
    metrics = {}
    for name in METRICS:
        audit = report["audits"].get(name)
        if audit and audit.get("numericValue") is not None:
            metrics[name] = round(audit["numericValue"], 3)
            print(f"    {name:26} {audit.get('displayValue', '')}")
    for category in ("performance", "accessibility"):
        for line in not_passed(report, category):
            print(f"    not passed, {category}: {line}")
    median = statistics.median(times)
    print(
        f"  answerable, DevTools' slow 4G (562.5 ms added to each request) and 4x "
        f"CPU, {args.runs} runs: median {median:.2f} s, worst {max(times):.2f} s"
    )
    linked_median = statistics.median(linked)
    print(
        f"  answerable, a slow 4G link ({MOBILE_SLOW_4G.round_trip_ms:.0f} ms round "
        f"trip, {MOBILE_SLOW_4G.down_kbit / 1024:.1f} Mbit/s down, "
        f"{MOBILE_SLOW_4G.up_kbit:.0f} kbit/s up) and 4x CPU, {args.runs} runs: "
        f"median {linked_median:.2f} s, worst {max(linked):.2f} s "
        f"(target <= {TARGET_ANSWERABLE_S} s)"
    )
    print(
        json.dumps(
            {
                "bench": "h5p_lighthouse",
                "activities": 3 if args.three else 1,
                "frame_host": not args.no_frame_host,
                "nginx_http2": args.nginx,
                "performance": performance,
                "performance_runs": scores,
                "accessibility": accessibility,
                "metrics_ms": metrics,
                "answerable_request_throttling_median_s": round(median, 2),
                "answerable_request_throttling_max_s": round(max(times), 2),
                "answerable_median_s": round(linked_median, 2),
                "answerable_max_s": round(max(linked), 2),
                "performance_ok": performance >= TARGET_PERFORMANCE,
                "accessibility_ok": accessibility >= TARGET_ACCESSIBILITY,
                "answerable_ok": linked_median <= TARGET_ANSWERABLE_S,
            }
        )
    )


if __name__ == "__main__":
    main()
