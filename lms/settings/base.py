"""Settings shared by every environment.

Each value that differs between machines is read from the environment; the defaults
here are safe for development and overridden in ``production.py``.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def object_storage(environ) -> tuple[dict, str] | None:
    """The default storage in an S3 bucket, and the origin its files are read
    from, when ``LMS_S3_BUCKET`` is set; None otherwise.

    The bucket stays private: objects get no ACL, and every address the site
    gives out is signed and expires (an hour). Protected files (certificates,
    H5P packages, lesson videos) are still checked and sent by the site; only
    images are read from the bucket by the browser. Two uploads of one name keep
    both, as on a disk. With ``LMS_S3_ENDPOINT_URL`` (an S3-compatible service)
    the bucket is addressed by path on that host; on Amazon S3, by its own host.
    """
    bucket = environ.get("LMS_S3_BUCKET", "").strip()
    if not bucket:
        return None
    endpoint = environ.get("LMS_S3_ENDPOINT_URL", "").strip().rstrip("/")
    region = environ.get("LMS_S3_REGION", "").strip() or "us-east-1"
    options = {
        "bucket_name": bucket,
        "region_name": region,
        "access_key": environ.get("LMS_S3_ACCESS_KEY_ID", ""),
        "secret_key": environ.get("LMS_S3_SECRET_ACCESS_KEY", ""),
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 3600,
        "file_overwrite": False,
    }
    if endpoint:
        options |= {"endpoint_url": endpoint, "addressing_style": "path"}
        origin = "/".join(endpoint.split("/")[:3])
    else:
        options["addressing_style"] = "virtual"
        origin = f"https://{bucket}.s3.{region}.amazonaws.com"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}, origin


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "lms",
    "courses",
    "quizzes",
    "h5p",
    "certificates",
    "community_teams",
    "privacy",
    "coverage",
    "demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "h5p.middleware.GrantFileMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "h5p.middleware.FrameHostMiddleware",
    "lms.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lms.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lms.middleware.NulCharacterMiddleware",
    "lms.middleware.RateLimitedMiddleware",
    "lms.middleware.PublicAddressMiddleware",
    "privacy.middleware.ConsentRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.routing.PageRouteMiddleware",
]

ROOT_URLCONF = "lms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "courses.context_processors.catalogue",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60
    )
}
# The web server and the task worker write to one SQLite file in development:
# - WAL lets readers go on while one connection writes (and is safe with
#   synchronous=NORMAL);
# - IMMEDIATE takes the write lock when a transaction begins: a transaction that
#   read first and writes later would otherwise fail at once when another
#   connection wrote in between, whatever the timeout;
# - the timeout (seconds) lets a writer wait its turn, longer than a batch of
#   certificates holds the lock on a busy machine, instead of failing after
#   Python's default of 5 s.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# A PostgreSQL streaming replica of the primary, if the deployment has one
# (docs/deployment.md, "When one machine is not enough"): the dashboards' summary
# tables are read from it, everything else from the primary (lms/db_router.py).
LMS_READ_REPLICA = ""
DATABASE_ROUTERS = []
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=60
    )
    LMS_READ_REPLICA = "replica"
    DATABASE_ROUTERS = ["lms.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "lms.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Internationalisation: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
# Our own catalogue first; then Vietnamese for the Wagtail and Django strings their
# own catalogues leave untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-wagtail"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["lms.formats"]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    ("h5p-player", BASE_DIR / "node_modules" / "h5p-standalone" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploads kept only while they are processed (household rosters): outside
# MEDIA_ROOT, so no web server ever sends them.
PRIVATE_ROOT = Path(os.environ.get("DJANGO_PRIVATE_ROOT", BASE_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Files only some people may have (H5P package files, certificate PDFs, documents)
# are checked by a view and then sent by django-sendfile2's backend. In development
# Django sends them itself, with the backend Wagtail uses when none is set;
# production hands them to nginx (see production.py).
SENDFILE_BACKEND = "wagtail.utils.sendfile_streaming_backend"
SENDFILE_ROOT = str(MEDIA_ROOT)
# Documents (lesson videos among them) always go through Wagtail's serve view, which
# applies collection privacy before the file is sent.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions are read from the cache on every request and written through to the DB.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "lms",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "lms.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# How many routes from an address to its page (lms/routing.py), and how many
# course outlines (courses/selectors.py), each process remembers until content
# changes; 0 remembers none.
LMS_CONTENT_MEMO_SIZE = int(os.environ.get("LMS_CONTENT_MEMO_SIZE", "500"))

# Anonymous visitors' pages are kept whole this long at most (lms/pagecache.py);
# publishing retires them at once. 0 turns the page cache off.
LMS_PAGE_CACHE_SECONDS = int(os.environ.get("LMS_PAGE_CACHE_SECONDS", "600"))

# How long the answer to a write a phone queued offline is kept, to be given again
# if the phone sends the write again (courses.services.outbox_receive). A phone
# resends only what it has not heard back about, each time a page opens with
# signal; `manage.py outbox_prune` (daily, deploy/systemd) forgets older answers.
LMS_OUTBOX_RECEIPT_DAYS = int(os.environ.get("LMS_OUTBOX_RECEIPT_DAYS", "90"))
# Visits older than this many years no longer name the people present nor keep
# their notes (community_teams.retention; `manage.py visits_retention`, daily).
LMS_VISIT_RETENTION_YEARS = int(os.environ.get("LMS_VISIT_RETENTION_YEARS", "5"))

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.backend.DatabaseBackend",
        "QUEUES": ["default", "certificates", "community_teams", "coverage"],
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@localhost")

# Accounts (django-allauth): sign up and log in by phone (one-time code) or email.
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_learning"
# Editors log in to the Wagtail admin through the same pages (email + password).
WAGTAILADMIN_LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "lms.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "signup": "privacy.forms.ConsentSignupForm",
    "login": "lms.accounts.forms.LoginForm",
    "request_login_code": "lms.accounts.forms.RequestLoginCodeForm",
    "confirm_login_code": "lms.accounts.forms.ConfirmLoginCodeForm",
    "confirm_email_verification_code": (
        "lms.accounts.forms.ConfirmEmailVerificationCodeForm"
    ),
    "verify_phone": "lms.accounts.forms.VerifyPhoneForm",
    "change_phone": "lms.accounts.forms.ChangePhoneForm",
    "add_email": "lms.accounts.forms.AddEmailForm",
    "reset_password": "lms.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "lms.accounts.forms.ResetPasswordKeyForm",
    "set_password": "lms.accounts.forms.SetPasswordForm",
    "change_password": "lms.accounts.forms.ChangePasswordForm",
    "reauthenticate": "lms.accounts.forms.ReauthenticateForm",
}
ACCOUNT_LOGIN_METHODS = {"phone", "email"}
# People sign up with a mobile number OR an email address; SignupForm decides which
# fields a submission needs. The list below is what allauth's system checks and its
# login form read: mandatory email verification needs "email*" here, yet only people
# who gave an address are asked to confirm it (lms.accounts.stages); a mobile number
# is confirmed by SMS instead. The password is needed only with an email address.
ACCOUNT_SIGNUP_FIELDS = ["email*", "phone", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_REDIRECT_URL = "profile"
ACCOUNT_SESSION_REMEMBER = True
# Show the login page even to someone logged in: the Wagtail admin sends logged-in
# people without admin rights there, and allauth would send them straight back.
ACCOUNT_AUTHENTICATED_LOGIN_REDIRECTS = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
# SMS can take minutes to reach a phone in the countryside.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 15 * 60
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
# No "use a different number/address" on the code pages: allauth offers it only for
# real accounts, so its presence would tell whether a number or an address is
# already registered. Someone who mistyped starts again from the sign-up page.
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = False
ACCOUNT_EMAIL_VERIFICATION_SUPPORTS_CHANGE = False
ACCOUNT_RATE_LIMITS = {
    # allauth allows 3 phone sign-ups a minute per IP address; a community team
    # signing up a room of residents on one Wi-Fi (or one carrier NAT) needs more.
    # One code per number every 30 seconds stays.
    "verify_phone": "1/30s/key,10/m/ip",
}
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
# Behind a reverse proxy every request comes from the proxy's address, and the
# per-IP rate limits would then count all visitors together: set this to the number
# of proxies that append to X-Forwarded-For (1 behind a single nginx).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False

# The national roll-up (coverage.rollup): tokens, comma-separated, any of which
# lets the national site read this province's counts at
# /coverage/rollup/export.json. Empty: nobody may. Two during a change of token.
LMS_ROLLUP_TOKENS = env_list("LMS_ROLLUP_TOKENS")

# Where one-time codes go. A real gateway implements lms.accounts.sms.SmsSender.
LMS_SMS_SENDER = os.environ.get("LMS_SMS_SENDER", "lms.accounts.sms.OutboxSmsSender")

WAGTAIL_SITE_NAME = _("Digital skills for everyone")
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# No editor's avatar from Gravatar: it would send a hash of their email address
# to another company, and the site's policy loads images from the site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the dashboard ask wagtail.org for new releases: the admin's policy
# lets it talk to the site only, and deployers follow releases themselves.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"bmp": "jpeg", "png": "webp", "jpeg": "webp"}
# Content-Security-Policy (lms/csp.py): addresses whose pages may run inline
# scripts, because Wagtail's admin writes some.
LMS_CSP_ADMIN_PREFIXES = ["/admin/"]
# Where else pages may show pictures and media from (the object storage's origin,
# set in production.py when the media are in a bucket).
LMS_CSP_MEDIA_SOURCES = []
# H5P packages run in a sandboxed frame with no origin of its own. A deployment
# may instead serve that frame and the package files from a host of their own
# that no cookie of the site reaches (e.g. "https://h5p.example.org", an alias of
# this site, in ALLOWED_HOSTS and not under SESSION_COOKIE_DOMAIN; h5p/checks.py):
# the frames then keep that origin, and the browser keeps the player's files from
# one activity and one visit to the next. Empty: the site's own address.
H5P_FRAME_ORIGIN = os.environ.get("H5P_FRAME_ORIGIN", "").rstrip("/")
# How long the signed addresses of a learner's H5P frame stay valid: the address
# of a day is the same all day (so the browser keeps the files) and works until
# the end of the next one.
H5P_FRAME_TOKEN_DAYS = 2
# Blocks other apps add to lesson bodies: (name in the stream, block class).
LMS_LESSON_ASSESSMENT_BLOCKS = [
    ("quiz", "quizzes.blocks.QuizBlock"),
    ("h5p", "h5p.blocks.H5PActivityBlock"),
]
# Documents are handouts (PDF, office files) and lesson videos. A video is checked
# by its content on upload (courses.videos) and watched in its lesson, which
# decides who may (courses.permissions).
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "csv", "txt", "mp4", "webm"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "courses.forms.DocumentForm"
LMS_VIDEO_MAX_BYTES = int(os.environ.get("LMS_VIDEO_MAX_BYTES", 200 * 1024 * 1024))
# No document is larger than the largest video; the admin's uploader checks this in
# the browser before sending. Django streams uploads over
# FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, so nginx's client_max_body_size
# is what stops a larger body early (docs/lesson-videos.md).
WAGTAILDOCS_MAX_UPLOAD_SIZE = LMS_VIDEO_MAX_BYTES
WAGTAIL_I18N_ENABLED = False

# The public address printed in certificates' QR codes.
# Empty in development: the address comes from the request being served
# (lms.middleware.PublicAddressMiddleware), so it matches whatever port runs.
# The privacy notice residents agree to; each consent records its version.
LMS_PRIVACY_NOTICE_VERSION = "2026-01"

LMS_PUBLIC_BASE_URL = os.environ.get("LMS_PUBLIC_BASE_URL", "")
# Printed on certificates of courses without their own design: the issuing body
# (e.g. "Sở Khoa học và Công nghệ tỉnh Đắk Lắk") and the place in the date line.
LMS_CERTIFICATE_ISSUER = os.environ.get("LMS_CERTIFICATE_ISSUER", "")
LMS_CERTIFICATE_PLACE = os.environ.get("LMS_CERTIFICATE_PLACE", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
