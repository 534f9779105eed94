"""Settings for the CS–Product portal: one module, every value from the environment.

The embedded default (no environment at all but ``DEBUG=true``) runs on a SQLite file with
background work executed in-process. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY`` and ``ALLOWED_HOSTS``; with ``DEBUG`` off every production safety switch is on so
that ``manage.py check --deploy`` is clean.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's `.env` (written by `make run`/`make test`) fills in what the shell does not set;
# real environment variables always win.
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean from the environment; anything but a clear yes or no is a configuration error."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = "django-insecure-embedded-default-only-for-debug"  # noqa: S105
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "csp",
    # The portal's own apps, in the direction imports may point.
    "portal",
    "roadmap",
    "feedback",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "portal.context_processors.navigation",
            ],
        },
    }
]

# Widgets may have templates of their own in templates/ (the account picker does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if not DEBUG else 0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task touch the file together.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# htmx and other front-end libraries come from the npm registry (package.json) and are served
# straight from node_modules; the repo holds only code written for it.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads: evidence files and integration-map documents. Larger bodies are refused outright.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Email: console in the embedded default, SMTP (EMAIL_URL) in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CS–Product portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# Security: on by default whenever DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.RoleModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
        "anon": env.str("API_THROTTLE_ANON", default="30/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CS–Product portal API",
    "DESCRIPTION": "Customer Success ↔ Product: feedback, roadmap votes, betas, integrations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Several resources have a "status" field with different choices: each enum gets its name.
    "ENUM_NAME_OVERRIDES": {
        "RoadmapItemStatusEnum": "roadmap.choices.ItemStatus",
        "BetaProgramStatusEnum": "roadmap.models.beta.ProgramStatus",
        "TicketStatusEnum": "feedback.choices.TicketStatus",
        "PointStatusEnum": "integrations.models.maps.PointStatus",
    },
}

# Celery. With REDIS_URL unset (the embedded default) tasks run in-process, eagerly, so the same
# code paths work with no extra service; beat's periodic work is then run by hand
# (`manage.py run_periodic`). Kombu's SQL/filesystem transports were rejected: they still need a
# worker process running beside the dev server, which the one-command start does not have.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = False  # a task that kills its worker must not loop forever
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal")
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {
        "task": "portal.tasks.outbox_relay",
        "schedule": 5.0,
        "options": {"expires": 5},
    },
    "priorities-recompute-nightly": {
        "task": "roadmap.tasks.priorities_recompute",
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": 3600},
    },
}

# Beta programs and launch plans: the daily milestone reminder (once per milestone and day).
CELERY_BEAT_SCHEDULE["launch-milestone-reminders-daily"] = {
    "task": "roadmap.beta.tasks.milestone_reminders_daily",
    "schedule": crontab(hour=7, minute=0),
    "options": {"expires": 3600},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Roadmap priorities: a burst of votes/links/policy edits marks the scores dirty; this entry runs
# ONE recompute for the whole burst (the nightly full run is above).
CELERY_BEAT_SCHEDULE["priorities-recompute-dirty"] = {
    "task": "roadmap.tasks.priorities_recompute_dirty",
    "schedule": 30.0,
    "options": {"expires": 25},
}

# Integration maps: the largest Markdown document accepted by the upload form.
INTEGRATION_MAP_MAX_UPLOAD_BYTES = env.int("INTEGRATION_MAP_MAX_UPLOAD_BYTES", default=1024 * 1024)

# Feedback: trigram lookups for similar-ticket search (harmless on SQLite) and the API's
# throttle scopes.
INSTALLED_APPS.insert(INSTALLED_APPS.index("portal"), "django.contrib.postgres")
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["feedback_submit"] = env.str(
    "API_THROTTLE_FEEDBACK_SUBMIT", default="120/min"
)
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["feedback_read"] = env.str(
    "API_THROTTLE_FEEDBACK_READ", default="600/min"
)

# Connectors (integrations/connectors): HTTP timeouts and retries, run leases, delivery backoff,
# and the beat entries that sync due connections and send due deliveries.
CONNECTOR_HTTP_TIMEOUT = env.float("CONNECTOR_HTTP_TIMEOUT", default=10.0)
CONNECTOR_HTTP_MAX_ATTEMPTS = env.int("CONNECTOR_HTTP_MAX_ATTEMPTS", default=4)
CONNECTOR_HTTP_BACKOFF = env.float("CONNECTOR_HTTP_BACKOFF", default=1.0)
CONNECTOR_HTTP_MAX_RETRY_WAIT = env.float("CONNECTOR_HTTP_MAX_RETRY_WAIT", default=60.0)
CONNECTOR_RUN_LEASE_SECONDS = env.int("CONNECTOR_RUN_LEASE_SECONDS", default=300)
CONNECTOR_CRM_FULL_EVERY_HOURS = env.int("CONNECTOR_CRM_FULL_EVERY_HOURS", default=24)
CONNECTOR_DELIVERY_MAX_ATTEMPTS = env.int("CONNECTOR_DELIVERY_MAX_ATTEMPTS", default=8)
CONNECTOR_DELIVERY_BACKOFF = env.float("CONNECTOR_DELIVERY_BACKOFF", default=30.0)
CONNECTOR_DELIVERY_MAX_BACKOFF = env.float("CONNECTOR_DELIVERY_MAX_BACKOFF", default=6 * 3600.0)
CONNECTOR_IMPORT_MAX_BYTES = env.int("CONNECTOR_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
CONNECTOR_WEBHOOK_MAX_BYTES = env.int("CONNECTOR_WEBHOOK_MAX_BYTES", default=512 * 1024)
# Redelivery of unacknowledged tasks (a killed worker's run); tests set it to a few seconds.
CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=3600
)
CELERY_BEAT_SCHEDULE["connectors-sync-due"] = {
    "task": "integrations.connectors.tasks.connectors_sync_due",
    "schedule": 60.0,
    "options": {"expires": 55},
}
CELERY_BEAT_SCHEDULE["deliveries-dispatch-due"] = {
    "task": "integrations.connectors.tasks.deliveries_dispatch_due",
    "schedule": 30.0,
    "options": {"expires": 25},
}
# How often (seconds) a worker sweeps for unacknowledged tasks past the visibility timeout.
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"] = env.int(
    "CELERY_UNACKED_RESTORE_INTERVAL", default=10
)
CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_throttle"] = env.int(
    "CELERY_UNACKED_RESTORE_THROTTLE", default=10
)
# API schema: the connectors' status choices get names of their own (no enum name collisions).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "SyncRunStatusEnum": "integrations.models.sync.RunStatus",
        "DeliveryStatusEnum": "integrations.models.sync.DeliveryStatus",
        "ConnectionKindEnum": "integrations.models.sync.ConnectionKind",
        "SyncRunKindEnum": "integrations.models.sync.RunKind",
    }
)
# Adoption insights (integrations/connectors/analytics/insights.py): once a day, one
# `adoption_insight` outbox event per feature used in the last 30 days.
CELERY_BEAT_SCHEDULE["adoption-insights-daily"] = {
    "task": "integrations.connectors.tasks.adoption_insights_daily",
    "schedule": crontab(hour=6, minute=30),
    "options": {"expires": 3600},
}

# --- Adoption of shipped items (integrations/connectors/analytics/adoption.py) -------------------
# One self-contained block: strict parsing (a bad value names the variable and what it expects),
# the thresholds the adoption panels, the optimize endpoint and the daily barrier task use, and
# the beat entry of that task.


def _adoption_number(name: str, *, default, kind, low, high):
    raw = env.str(name, default=str(default)).strip()
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        what = "a whole number" if kind is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {what} from {low} to {high}, not {raw!r}.")
    return value


# Requesters with no use this many days after ship are barrier accounts (and their CSM is told).
ADOPTION_BARRIER_DAYS = _adoption_number(
    "ADOPTION_BARRIER_DAYS", default=14, kind=int, low=1, high=365
)
# Items shipped longer ago than this are left out of the barrier messages and reps' lists.
ADOPTION_BARRIER_HORIZON_DAYS = _adoption_number(
    "ADOPTION_BARRIER_HORIZON_DAYS", default=120, kind=int, low=1, high=3650
)
# Fewer accounts than this in a segment: no rate-based prediction or "lagging" claim for it.
ADOPTION_MIN_SAMPLE = _adoption_number(
    "ADOPTION_MIN_SAMPLE", default=5, kind=int, low=1, high=10_000
)
# Fewer active accounts than this: "not enough data" instead of a health correlation.
ADOPTION_MIN_CORRELATION_N = _adoption_number(
    "ADOPTION_MIN_CORRELATION_N", default=10, kind=int, low=3, high=100_000
)
# A segment lags when its rate is below this share of the overall rate.
ADOPTION_LAGGING_RATIO = _adoption_number(
    "ADOPTION_LAGGING_RATIO", default=0.5, kind=float, low=0.01, high=0.99
)
# Onboarding drop-off worth a recommendation: this share of adopters used it on one day only.
ADOPTION_DROPOFF_THRESHOLD = _adoption_number(
    "ADOPTION_DROPOFF_THRESHOLD", default=0.25, kind=float, low=0.0, high=1.0
)
# An `adoption_insight` event (once per item) when requester adoption reaches this share.
ADOPTION_INSIGHT_REQUESTER_THRESHOLD = _adoption_number(
    "ADOPTION_INSIGHT_REQUESTER_THRESHOLD", default=0.5, kind=float, low=0.01, high=1.0
)
CELERY_BEAT_SCHEDULE["adoption-barriers-daily"] = {
    "task": "integrations.connectors.analytics.tasks.adoption_barriers_daily",
    "schedule": crontab(hour=8, minute=0),
    "options": {"expires": 3600},
}
