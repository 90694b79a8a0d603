"""Settings for the social-work station portal, read from the environment.

The defaults run the portal on a laptop with no servers (SQLite and Celery's file-system broker
under ``var/``). Production and CI set ``DATABASE_URL`` and ``REDIS_URL``.
See https://docs.djangoproject.com/en/5.2/topics/settings/ and the README.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# ------------------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
# The test suite runs with production settings (DEBUG off) but no TLS in front of it.
TESTING = "pytest" in sys.modules
# A risk signal of the inspection draw that raises fails loudly in development and tests,
# and is logged and shown on the plan in production (portal.risk).
PORTAL_SIGNALS_STRICT = env_bool("PORTAL_SIGNALS_STRICT", DEBUG or TESTING)
# A process run "as of" a date: PORTAL_TODAY=YYYY-MM-DD starts the clock at 10:00 that day
# in Asia/Shanghai and lets it run on (time-machine). The tests set it for the servers and
# workers they start, so that these agree with the test's pinned date; `manage.py demo` can be
# loaded as of a date the same way. Refused in production: there the clock is the real one.
if os.environ.get("PORTAL_TODAY"):
    if not (DEBUG or TESTING or env_bool("PORTAL_DEV")):
        raise RuntimeError("PORTAL_TODAY is for development and tests only.")
    if not TESTING:  # pytest pins its own clock (tests/conftest.py)
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        import time_machine

        _pinned = datetime.combine(
            datetime.fromisoformat(os.environ["PORTAL_TODAY"]).date(),
            time(10),
            tzinfo=ZoneInfo("Asia/Shanghai"),
        )
        time_machine.travel(_pinned, tick=True).start()

# A development key is allowed only with DEBUG, the demo or the tests; production must set it.
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-only-insecure-key-do-not-use-in-production"
    if DEBUG or TESTING or env_bool("PORTAL_DEV")
    else ""
)
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see README).")
# Personal data at rest (citizen ID numbers): Fernet keys, comma-separated; the first encrypts,
# every one decrypts (cryptography's MultiFernet), so a key is rotated by putting the new one
# first and running `manage.py rotate_field_keys` (README). PORTAL_HASH_KEY keys the HMAC that
# makes an ID number searchable without storing it. Development values only with DEBUG, the
# demo or the tests. https://cryptography.io/en/latest/fernet/#cryptography.fernet.MultiFernet
_DEV_PERSONAL_DATA = DEBUG or TESTING or env_bool("PORTAL_DEV")
PORTAL_FIELD_KEYS = env_list("PORTAL_FIELD_KEYS") or (
    ["S7fCQurNrDMDh0fUe3kccQ18X5M_TbYkB9tovyAqIVo="] if _DEV_PERSONAL_DATA else []
)
PORTAL_HASH_KEY = os.environ.get("PORTAL_HASH_KEY") or (
    "dev-only-id-number-hash-key" if _DEV_PERSONAL_DATA else ""
)
if not PORTAL_FIELD_KEYS or not PORTAL_HASH_KEY:
    raise RuntimeError(
        "PORTAL_FIELD_KEYS and PORTAL_HASH_KEY must be set when DEBUG is off (see README)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "portal",
    "stations",
    "evaluations",
    "rectification",
    "inspections",
    "talent",
    "funding",
    "services",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the locked-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.shell",
            ],
        },
    },
]

# ------------------------------------------------------------------------------------------
# Database: SQLite under var/ by default, PostgreSQL in production and CI.
# https://github.com/jazzband/dj-database-url
# ------------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
# Test databases are named after the database in DATABASE_URL, so that checkouts sharing one
# PostgreSQL server (CI, parallel work trees) never drop each other's test database.
_test_stem = DATABASES["default"].get("NAME") or "postgres"
_test_stem = "portal" if _test_stem == "postgres" else _test_stem
DATABASES["default"]["TEST"] = {"NAME": f"test_{_test_stem}{os.environ.get('TEST_DB_SUFFIX', '')}"}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"]["NAME"] = None  # in-memory
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# Nothing waits on a lock or a runaway query forever. Web requests (and commands) get the
# first pair, below gunicorn's 30 s timeout; Celery workers switch to the larger second pair
# when they start (``portal/celery.py``). 0 switches a limit off.
# https://www.postgresql.org/docs/current/runtime-config-client.html
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "25000"))
DB_LOCK_TIMEOUT_MS = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "10000"))
TASK_DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("TASK_DB_STATEMENT_TIMEOUT_MS", "600000"))
TASK_DB_LOCK_TIMEOUT_MS = int(os.environ.get("TASK_DB_LOCK_TIMEOUT_MS", "60000"))
if IS_POSTGRES:
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS} -c lock_timeout={DB_LOCK_TIMEOUT_MS}"
    )
# A connection kept open (CONN_MAX_AGE) is checked before reuse: a database restart costs
# one reconnect, not an error page.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# ------------------------------------------------------------------------------------------
# Internationalisation: Simplified Chinese first, English available.
# ------------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# ------------------------------------------------------------------------------------------
# Static and media files
# ------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploads are never served from MEDIA_URL (no URL pattern, whitenoise serves STATIC_ROOT only):
# every file leaves through a scoped download view (portal.files). Behind nginx, set
# PORTAL_X_ACCEL_REDIRECT_PREFIX to an ``internal`` location over MEDIA_ROOT and nginx sends
# the file once the view has said yes (README.md, "Uploaded files").
# https://nginx.org/en/docs/http/ngx_http_core_module.html#internal
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
PORTAL_X_ACCEL_REDIRECT_PREFIX = os.environ.get("PORTAL_X_ACCEL_REDIRECT_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("PORTAL_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# ------------------------------------------------------------------------------------------
# Authentication and sessions
# ------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # AxesBackend first so a locked-out account is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "portal.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
if TESTING:
    # Hashing cost is not under test; a fast hasher keeps persona fixtures cheap.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "portal_auth:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal_auth:login"

# Idle timeout: the cookie expires 30 minutes after the last request (saved on every request).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
# Absolute limit, enforced by portal.middleware.SessionLifetimeMiddleware.
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock an account for 30 minutes after 5 failed logins.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Our callable renders that template with the time the lock ends.
AXES_LOCKOUT_CALLABLE = "portal.views.auth.locked_out"
# The 30 minutes run from the fifth failure: retrying while locked does not extend the lock,
# so the unlock time the page shows stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
# The rule is per account. Locking by address as well would let one typo-prone colleague lock
# out a whole district bureau behind its shared NAT address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if not IS_POSTGRES:
    # Covering indexes (INCLUDE) are a PostgreSQL feature; SQLite demo databases ignore them.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))

OTP_TOTP_ISSUER = "广州社工站平台"
# A user's TOTP secret (the admin's "config" and QR code pages) is shown to nobody, the city
# admin included: users enrol their own device (accounts/otp/). With it shown, those pages
# also looked a device up before checking scope (500 for a missing id, 403 for another's).
# https://django-otp-official.readthedocs.io/en/stable/overview.html#std-setting-OTP_ADMIN_HIDE_SENSITIVE_DATA
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# ------------------------------------------------------------------------------------------
# Security. With DEBUG off these pass `manage.py check --deploy`.
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
# ------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not TESTING)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy: everything is served from our own origin (no CDN).
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# ------------------------------------------------------------------------------------------
# REST API
# https://www.django-rest-framework.org/api-guide/settings/
# ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a refused or expired token answer 401.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "portal.api.filters.PortalFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"survey": "30/minute", "anon": "60/minute"},
    "COERCE_DECIMAL_TO_STRING": True,
}


def _enum_names() -> dict[str, str]:
    """One schema name per TextChoices class in ``<app>/choices.py`` (``StationsStatusEnum``),
    so equal field names in different apps ("status", "kind") never collide in the schema."""
    import re

    names = {}
    for path in sorted(BASE_DIR.glob("*/choices.py")):
        app = path.parent.name
        for cls in re.findall(
            r"^class (\w+)\(models\.(?:Text|Integer)Choices\)", path.read_text(), re.MULTILINE
        ):
            names[f"{app.capitalize()}{cls}Enum"] = f"{app}.choices.{cls}"
    return names


SPECTACULAR_SETTINGS = {
    "TITLE": "广州市社工服务站管理平台 API",
    "DESCRIPTION": "Guangzhou social-work station portal. Every resource is scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": _enum_names(),
    # Request bodies are JSON; only uploads (declared per operation) are multipart. The API
    # still parses forms, but the schema promises one format and its types (a form field
    # cannot say null, a list or a number).
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}
# django-filter: an unset choice filter reads "全部" rather than "---------".
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
FILTERS_NULL_CHOICE_LABEL = _("未填写")
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))

# ------------------------------------------------------------------------------------------
# Celery: Redis in production and CI, the file-system broker under var/ with no server.
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
# ------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
_broker_dir = VAR_DIR / "celery-broker"
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast (worker control) messages: under var/ too, not ./control in the project.
        "control_folder": str(_broker_dir / "control"),
    }
# Every task has limits (the longest, the nightly talent refresh at province scale, takes
# minutes); the broker redelivers an unacknowledged message only after visibility_timeout,
# which must stay above the hard limit or a slow task would run twice at once.
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", str(25 * 60)))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", str(30 * 60)))
CELERY_VISIBILITY_TIMEOUT = int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(2 * 60 * 60)))
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise RuntimeError("CELERY_VISIBILITY_TIMEOUT must be above CELERY_TASK_TIME_LIMIT.")
# A Redis that is down or frozen (SIGSTOP) must cost a client seconds, not gunicorn's 30 s.
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1.5"))
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_timeout": REDIS_SOCKET_TIMEOUT,
        "socket_keepalive": True,
        "retry_on_timeout": True,
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_SOCKET_TIMEOUT
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# No task lost, none applied twice (every task is idempotent, see portal/taskbase.py): a task
# is acknowledged once it has finished, and requeued if its pool process dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A beat missed while beat, Redis or the worker was down: every periodic task runs once when
# beat starts (they work out what is due from the database; portal/celery.py).
CELERY_BEAT_CATCH_UP_ON_START = env_bool("CELERY_BEAT_CATCH_UP_ON_START", True)
# Tests run queued tasks in-process; the real-worker test sends to a live worker explicitly.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", TESTING)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# ------------------------------------------------------------------------------------------
# Cache: Redis where configured, else local memory. Nothing a request needs lives only in the
# cache: a cache error is caught where the cache is used (``portal.ratelimit``), and the
# socket timeouts bound how long a frozen Redis can hold a request.
# ------------------------------------------------------------------------------------------
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# ------------------------------------------------------------------------------------------
# E-mail: printed to the console unless an SMTP host is configured.
# ------------------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
# The outbox (``portal.services.notifications.outbox_deliver``) gives up after this many tries.
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", "8"))
# /healthz: the worker is down when its heartbeat (every minute) is older than this; a daily
# or weekly periodic task is late this long after it was due (portal/health.py).
HEALTH_HEARTBEAT_STALE_SECONDS = int(os.environ.get("HEALTH_HEARTBEAT_STALE_SECONDS", "300"))
HEALTH_PERIODIC_GRACE_MINUTES = int(os.environ.get("HEALTH_PERIODIC_GRACE_MINUTES", "60"))
# How often beat runs ``portal.tasks.deliver_outbox`` (seconds).
OUTBOX_DELIVERY_SECONDS = float(os.environ.get("OUTBOX_DELIVERY_SECONDS", "60"))

# ------------------------------------------------------------------------------------------
# Portal
# ------------------------------------------------------------------------------------------
# Audit rows are kept at least this long (网络安全法 art. 21: logs kept no less than 6 months).
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "186"))
if AUDIT_RETENTION_DAYS < 186:
    raise RuntimeError("AUDIT_RETENTION_DAYS may not be below 186.")
PORTAL_SITE_NAME = _("广州市社工服务站管理平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # Ordinary 403/404 answers are logged by django.request as warnings with a traceback;
        # only server errors (5xx) are worth a line. REQUEST_LOG_LEVEL=WARNING brings them back.
        "django.request": {"level": os.environ.get("REQUEST_LOG_LEVEL", "ERROR")},
    },
}
