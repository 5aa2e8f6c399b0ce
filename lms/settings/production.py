"""Production: whatever differs between deployments comes from the environment."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import env_bool, env_list, object_storage

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
# One-time codes must reach real phones: the development sender only prints them.
LMS_SMS_SENDER = os.environ["LMS_SMS_SENDER"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", conn_max_age=600, conn_health_checks=True
    )
}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.config(
        env="DATABASE_REPLICA_URL", conn_max_age=600, conn_health_checks=True
    )

# allauth's rate limits must be shared by every web process.
CACHES = {
    "default": {
        "BACKEND": "lms.cache.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", True)

MEDIA_ROOT = os.environ.get("DJANGO_MEDIA_ROOT", "/var/lib/lms/media")
STORAGES["private"]["OPTIONS"]["location"] = os.environ.get(  # noqa: F405
    "DJANGO_PRIVATE_ROOT", "/var/lib/lms/private"
)
# nginx serves /static/ from here (collectstatic writes hashed, compressed files).
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT", "/var/lib/lms/static")
# Protected files: once the view has checked the permission it answers with
# X-Accel-Redirect to the file's own URL under MEDIA_URL, which nginx serves only to
# such internal redirects (deploy/nginx/lms-locations.conf), byte ranges included.
SENDFILE_BACKEND = "django_sendfile.backends.nginx"
SENDFILE_ROOT = MEDIA_ROOT
SENDFILE_URL = MEDIA_URL  # noqa: F405
# Media and certificates in an S3 bucket (docs/deployment.md, "Object storage").
_bucket = object_storage(os.environ)
if _bucket is not None:
    STORAGES["default"], _media_origin = _bucket  # noqa: F405
    LMS_CSP_MEDIA_SOURCES = [_media_origin]
elif os.environ.get("DJANGO_STORAGE_BACKEND"):
    STORAGES["default"] = {"BACKEND": os.environ["DJANGO_STORAGE_BACKEND"]}  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
WAGTAILADMIN_BASE_URL = os.environ["WAGTAILADMIN_BASE_URL"]
LMS_PUBLIC_BASE_URL = os.environ.get("LMS_PUBLIC_BASE_URL", WAGTAILADMIN_BASE_URL)
