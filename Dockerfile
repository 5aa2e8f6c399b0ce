# The platform in containers, laid out as on a Debian server (docs/deployment.md):
# Debian 12, the code in /srv/lms with its virtualenv in /srv/lms/.venv, the user
# lms, uploads in /var/lib/lms/media, static files in /var/lib/lms/static, the same
# nginx site. compose.yaml runs the targets: `app` (web, worker, release) and
# `nginx`.

FROM debian:bookworm-slim AS app
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      python3 python3-venv nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN adduser --system --group --home /var/lib/lms --no-create-home lms \
 && install -d -o lms -g lms -m 0755 /var/lib/lms /var/lib/lms/media /var/lib/lms/static \
 && install -d -o lms -g lms -m 0700 /var/lib/lms/private
WORKDIR /srv/lms
COPY requirements.txt ./
RUN python3 -m venv .venv && .venv/bin/pip install --no-cache-dir -r requirements.txt
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --omit=dev
COPY . .
ENV DJANGO_SETTINGS_MODULE=lms.settings.production \
    DJANGO_MEDIA_ROOT=/var/lib/lms/media \
    DJANGO_PRIVATE_ROOT=/var/lib/lms/private \
    DJANGO_STATIC_ROOT=/var/lib/lms/static \
    GUNICORN_BIND=0.0.0.0:8000
# The static files go into the image (and into the nginx image below); the
# placeholders only let the settings load: nothing is served or stored here.
RUN DJANGO_SECRET_KEY=collectstatic-only LMS_SMS_SENDER=lms.accounts.sms.SmsSender \
    WAGTAILADMIN_BASE_URL=http://localhost DATABASE_URL=sqlite:////tmp/collectstatic.db \
    .venv/bin/python manage.py collectstatic --noinput --verbosity 0 \
 && chown -R lms:lms /var/lib/lms/static
USER lms
EXPOSE 8000
CMD [".venv/bin/gunicorn", "--config", "deploy/gunicorn.conf.py"]


FROM debian:bookworm-slim AS nginx
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx ssl-cert \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/default
COPY deploy/nginx/lms-locations.conf /etc/nginx/snippets/lms-locations.conf
COPY deploy/nginx/lms.conf /etc/nginx/sites-available/lms
# The same site as on a server, in front of the `web` container. The self-signed
# certificate is a placeholder: mount your own over /etc/nginx/snippets/lms-tls.conf
# and the files it names (docs/deployment.md, "Containers").
RUN sed -i 's/server 127.0.0.1:8000/server web:8000/' /etc/nginx/sites-available/lms \
 && ln -s /etc/nginx/sites-available/lms /etc/nginx/sites-enabled/lms \
 && { [ -e /etc/ssl/certs/ssl-cert-snakeoil.pem ] || make-ssl-cert generate-default-snakeoil; } \
 && printf '%s\n' 'ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;' \
      'ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;' \
      >/etc/nginx/snippets/lms-tls.conf \
 && ln -sf /dev/stdout /var/log/nginx/lms.access.log \
 && ln -sf /dev/stderr /var/log/nginx/lms.error.log
COPY --from=app /var/lib/lms/static /var/lib/lms/static
EXPOSE 80 443
CMD ["nginx", "-g", "daemon off;"]
