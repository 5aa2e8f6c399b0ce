"""gunicorn for the web processes: ``gunicorn --config deploy/gunicorn.conf.py``.

Read by lms-web.service, the container and the CI check alike; what differs
between machines comes from the environment (deploy/lms.env.example).
"""

import os

wsgi_app = "lms.wsgi:application"
# nginx connects here; nothing else should (the firewall keeps 8000 closed).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: pages are short database reads; nginx buffers slow clients and
# sends the files, so a worker is never held by a phone on a weak signal.
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
timeout = 30
graceful_timeout = 20
keepalive = 5
# Replace workers now and then so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# nginx (on this machine, or the proxy container) tells the visitor's scheme.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# nginx logs every request; gunicorn logs its own errors to the journal.
accesslog = None
errorlog = "-"
