"""Settings for KVI Portal.

One module for every environment: production differs from development only through
environment variables (see README, "Configuration"). Defaults give a single-machine
development run on SQLite with Celery tasks executed in-process.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-DJANGO_SECRET_KEY-in-production"
# The development key is public (it is in this file): only a debug run may fall back on it.
# A server signing sessions and password-reset links with it would let anyone forge them.
# (The test suite sets a key of its own: pyproject's pytest `env`.)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it to a long random value (for example the output "
        "of `python -c 'import secrets; print(secrets.token_urlsafe(50))'`), or set "
        "DJANGO_DEBUG=true for a development run."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
]
# Ours, in dependency order. core holds the shared records (organisations, committees, roles)
# and imports none of the others; kvis imports only core; the registers plug into kvis'
# registry. The demo loader visits them in this order.
LOCAL_APPS = ["core", "kvis", "issues", "surveys", "performance_plans", "meetings"]
# The project package last: it wires the apps together (seed_scale needs every app).
INSTALLED_APPS += [*LOCAL_APPS, "kvi_portal"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files are answered here, before the headers below: they are public and cacheable.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.sessions.SessionLimitsMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kvi_portal.urls"
WSGI_APPLICATION = "kvi_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "meetings.context_processors.notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections on PostgreSQL: a request reuses its worker's connection instead of
# paying a new connection (and authentication) each time; the health check replaces one that
# died (a database restart) before the request uses it. SQLite opens a file: nothing to keep.
_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DATABASE_CONN_MAX_AGE", default=60 if _POSTGRES else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two writers at once: the second waits up to `timeout` seconds for the lock, and takes it
    # when its transaction begins (IMMEDIATE), so it never fails half-way through on upgrading
    # a read lock. One still waiting after the timeout answers 503 (core DatabaseBusy).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env.int("DATABASE_SQLITE_TIMEOUT", 20)}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every web process (rendered register fragments, the API list's counts, the
# briefing images), so what one gunicorn worker computed the others reuse and a write seen by
# one is seen by all: CACHE_URL (any django-environ cache URL) or REDIS_URL (Django's own
# RedisCache); without either, each process keeps its own in memory (development, tests).
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default=env.str("REDIS_URL", default="locmemcache://kvi-portal")
    )
}

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username before any other backend checks the password.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id first (core/passwords.py says why); the others read hashes stored before it.
PASSWORD_HASHERS = [
    "core.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: Django's hook after every password change; revokes the user's API tokens.
    {"NAME": "core.tokens.RevokeTokensOnPasswordChange"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from
# one address, further attempts get the lockout page (429) until the cool-off has passed or an
# admin resets it (`manage.py axes_reset_username NAME`). A success resets the count.
AXES_ENABLED = env.bool("DJANGO_AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("DJANGO_AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DJANGO_AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# Sessions (ASVS L2): logged out after SESSION_IDLE_MINUTES without a request, and at the
# latest SESSION_ABSOLUTE_HOURS after the login however active (core.sessions). The cookie and
# the stored session expire at the absolute limit too.
SESSION_IDLE_SECONDS = env.int("DJANGO_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ABSOLUTE_SECONDS = int(env.float("DJANGO_SESSION_ABSOLUTE_HOURS", default=12) * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# One date and date-time format everywhere ("23 Nov 2020", "23 Nov 2020 09:30").
FORMAT_MODULE_PATH = ["core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Security: strict by default in production (DEBUG off); relaxed only by variables.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): every script, style, font and image is this site's own
# (static/vendor: Bootstrap, htmx, Chart.js; no inline code). data: images are Bootstrap's
# SVG icons in its CSS. The API docs page (Swagger UI) is exempt for now (kvi_portal.api_urls).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
#: core.middleware.PermissionsPolicyMiddleware: browser features no page uses, off for all.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = env.path("DJANGO_EMAIL_FILE_PATH", default=BASE_DIR / "sent-mail")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="kvi-portal@localhost")
# Where the portal is reached, for links in e-mails (the pack's briefing book).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: with no broker configured, tasks run in-process so the default run needs nothing.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose worker died unacknowledged (acks_late) goes back to the queue after
# visibility_timeout: longer than the longest hard time limit (build_pack, 600 s), far shorter
# than Redis's default hour, so a killed pack build is rebuilt within about 15 minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900),
}
CELERY_TASK_DEFAULT_QUEUE = "default"
#: Queues a worker should consume (docker-compose and the test worker use this list).
WORKER_QUEUES = ["default", "packs"]
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "core.tasks.record_worker_heartbeat",
        "schedule": crontab(minute="*/5"),
    },
    "issues-deadline-reminders": {
        "task": "issues.tasks.send_deadline_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Once a day: each reminder stage is sent once however often (or late) this runs.
    "calendar-reminders": {
        "task": "meetings.tasks.send_calendar_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Runs every weekday morning; the task acts only on a committee's pack date.
    "monthly-packs": {
        "task": "kvis.tasks.request_monthly_packs",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# A list filter left empty filters nothing out ("All"); see core/presentation.py.
FILTERS_EMPTY_CHOICE_LABEL = "All"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous request is told to authenticate (401), not refused (403).
        "knox.auth.TokenAuthentication",
        "core.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: a form body reads an empty field as null and a nested object as text, so it
    # would accept what the schema calls invalid. The import endpoints take their file as
    # multipart (their own parser_classes).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
# API tokens (django-rest-knox): a new one per login, stored as a SHA-512 digest, expiring.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.float("DJANGO_API_TOKEN_HOURS", default=10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KVI Portal API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": (
        "Registers, KVIs, surveys, plans and packs of the KVI Portal. Authenticate with a "
        "session or `Authorization: Token <key>` (POST /api/auth/token/). Writes to an existing "
        "record need its current `version` (body) or an If-Match ETag; a stale one is 409."
    ),
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.document_errors",
        "core.schema.require_versions",
        "core.schema.exclude_nul",
        "core.audience.document_restricted_fields",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SeverityEnum": "issues.models.Severity",
        "RagEnum": "kvis.models.RagChoices",
        "IssueStatusEnum": "issues.models.IssueStatus",
        "UpdateStatusEnum": "kvis.models.UpdateStatus",
        "MeasureKindEnum": "kvis.models.MeasureKind",
        "CommunicationKindEnum": "issues.models.CommunicationKind",
        "PlanStepEnum": "performance_plans.models.StepChoices",
        "LevelEnum": ["low", "medium", "high"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools narrate every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
