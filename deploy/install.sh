#!/bin/sh
# Deploy the platform on a Debian 12 server, or update it: run as root from the
# checkout (docs/deployment.md), e.g.
#
#     sudo LMS_DOMAIN=hoc.example.vn deploy/install.sh
#
# Every step checks what is already there, so running it again after `git pull`
# updates the code, the database and the static files, and leaves the settings
# (/etc/lms/lms.env), the database contents and the uploads alone.
set -eu

APP_DIR=$(cd "$(dirname "$0")/.." && pwd)
DATA_DIR=/var/lib/lms
ENV_FILE=/etc/lms/lms.env
SITE_USER=lms
DOMAIN="${LMS_DOMAIN:-$(hostname -f 2>/dev/null || hostname)}"

say() { printf '\n== %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  echo "Run as root: sudo $0" >&2
  exit 1
fi

say "Debian packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  python3 python3-venv nodejs npm nginx ssl-cert postgresql redis-server >/dev/null

say "System user $SITE_USER and folders"
if ! id "$SITE_USER" >/dev/null 2>&1; then
  adduser --system --group --home "$DATA_DIR" --no-create-home "$SITE_USER"
fi
install -d -o "$SITE_USER" -g "$SITE_USER" -m 0755 "$DATA_DIR" "$DATA_DIR/media" "$DATA_DIR/static"
install -d -o "$SITE_USER" -g "$SITE_USER" -m 0700 "$DATA_DIR/private"
install -d -o root -g "$SITE_USER" -m 0750 /etc/lms

say "Settings: $ENV_FILE"
if [ ! -e "$ENV_FILE" ]; then
  secret=$(python3 -c "import secrets; print(secrets.token_urlsafe(50))")
  sed -e "s|^DJANGO_SECRET_KEY=.*|DJANGO_SECRET_KEY=$secret|" \
      -e "s|hoc\.example\.vn|$DOMAIN|g" \
      "$APP_DIR/deploy/lms.env.example" >"$ENV_FILE"
  echo "Written with a new secret key for $DOMAIN."
else
  echo "Kept as it is."
fi
chown root:"$SITE_USER" "$ENV_FILE"
chmod 0640 "$ENV_FILE"

say "PostgreSQL database"
systemctl enable --now postgresql redis-server
if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$SITE_USER'" | grep -q 1; then
  runuser -u postgres -- createuser "$SITE_USER"
fi
if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname = 'lms'" | grep -q 1; then
  runuser -u postgres -- createdb --owner "$SITE_USER" --encoding UTF8 --template template0 lms
fi

say "Python and npm packages"
[ -x "$APP_DIR/.venv/bin/python" ] || python3 -m venv "$APP_DIR/.venv"
"$APP_DIR/.venv/bin/pip" install --quiet --upgrade pip
"$APP_DIR/.venv/bin/pip" install --quiet -r "$APP_DIR/requirements.txt"
(cd "$APP_DIR" && npm ci --ignore-scripts --no-audit --no-fund --omit=dev --silent)

say "Database and static files (deploy/release.sh)"
runuser -u "$SITE_USER" -- sh -c "set -a; . '$ENV_FILE'; set +a; exec '$APP_DIR/deploy/release.sh'"

say "nginx"
install -m 0644 "$APP_DIR/deploy/nginx/lms-locations.conf" /etc/nginx/snippets/lms-locations.conf
install -m 0644 "$APP_DIR/deploy/nginx/lms.conf" /etc/nginx/sites-available/lms
if [ ! -e /etc/nginx/snippets/lms-tls.conf ]; then
  [ -e /etc/ssl/certs/ssl-cert-snakeoil.pem ] || make-ssl-cert generate-default-snakeoil
  cat >/etc/nginx/snippets/lms-tls.conf <<'TLS'
# Replace with the site's real certificate (docs/deployment.md, "HTTPS").
ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;
ssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;
TLS
fi
ln -sf /etc/nginx/sites-available/lms /etc/nginx/sites-enabled/lms
rm -f /etc/nginx/sites-enabled/default
nginx -t -q
systemctl enable nginx
systemctl reload-or-restart nginx

say "Services: lms-web, lms-worker, and the daily lms-reminders and lms-housekeeping timers"
for unit in lms-web.service lms-worker.service lms-reminders.service lms-reminders.timer \
  lms-housekeeping.service lms-housekeeping.timer; do
  sed "s|/srv/lms|$APP_DIR|g" "$APP_DIR/deploy/systemd/$unit" \
    >"/etc/systemd/system/$unit"
done
systemctl daemon-reload
systemctl enable lms-web lms-worker
systemctl enable --now lms-reminders.timer lms-housekeeping.timer
if ! grep -q '^LMS_SMS_SENDER=.' "$ENV_FILE"; then
  echo "Set LMS_SMS_SENDER in $ENV_FILE (the class of your SMS gateway), review the" >&2
  echo "other settings there, and run $0 again to start the site." >&2
  exit 3
fi
# A reload lets running requests finish while new workers start on the new code.
systemctl reload-or-restart lms-web
systemctl restart lms-worker

say "Done: https://$DOMAIN/"
echo "Create the first administrator: cd $APP_DIR && sudo -u $SITE_USER sh -c 'set -a; . $ENV_FILE; exec .venv/bin/python manage.py createsuperuser'"
