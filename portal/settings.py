"""Settings for the CS–Product portal: one module, every value from the environment.

The embedded default (no environment at all but ``DEBUG=true``) runs on a SQLite file with
background work executed in-process. Production sets ``DATABASE_URL``, ``REDIS_URL``,
``SECRET_KEY`` and ``ALLOWED_HOSTS``; with ``DEBUG`` off every production safety switch is on so
that ``manage.py check --deploy`` is clean.

Read top-down, each setting is written once: core and security, apps and middleware, database,
cache, static/media/uploads, email, REST API and schema, Celery and beat, logging, then each
area's own settings (feedback, roadmap, integration maps, connectors). Every variable goes through
a strict helper of ``portal.envparse``: a bad value stops start-up with an ``ImproperlyConfigured``
that names the variable and what it expected.
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from portal.envparse import StrictEnv, parse_url

BASE_DIR = Path(__file__).resolve().parent.parent

_environ = environ.Env()
# A developer's `.env` (written by `make run`/`make test`) fills in what the shell does not set;
# real environment variables always win.
if (BASE_DIR / ".env").is_file():
    _environ.read_env(BASE_DIR / ".env")
env = StrictEnv(_environ)

_HTTP_SCHEMES = ("http", "https")
_DATABASE_SCHEMES = ("postgres", "postgresql", "pgsql", "sqlite")
_REDIS_SCHEMES = ("redis", "rediss")
_EMAIL_SCHEMES = (
    "smtp",
    "smtps",
    "smtp+tls",
    "smtp+ssl",
    "consolemail",
    "filemail",
    "memorymail",
    "dummymail",
)
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# ---------------------------------------------------------------------------------------------
# Core and security
# ---------------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)

_secret_key = env.str("SECRET_KEY", default="")
if not DEBUG and not _secret_key:
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
if not DEBUG and (len(_secret_key) < 50 or len(set(_secret_key)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters."
    )
SECRET_KEY = _secret_key or "django-insecure-embedded-default-only-for-debug"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list(
    "CSRF_TRUSTED_ORIGINS",
    default=[],
    item=lambda name, raw: parse_url(name, raw, schemes=_HTTP_SCHEMES),
)
# Links in emails and outbound messages are this base plus an absolute path.
PORTAL_BASE_URL = env.url("PORTAL_BASE_URL", default="http://127.0.0.1:8000", schemes=_HTTP_SCHEMES)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC", nonempty=True)
USE_I18N = True
USE_TZ = True

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (django-axes; its backend is first in AUTHENTICATION_BACKENDS below), on the
# login page and /admin/login/ alike: after LOGIN_FAILURE_LIMIT wrong passwords for one username
# from one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES (429 with a page saying
# so); a successful login resets the count.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15, minimum=1, unit="minutes")
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.lockout.locked_out"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0, minimum=0)

# Every production safety switch is on whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe the health endpoints over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https")
    if env.bool("USE_X_FORWARDED_PROTO", default=False)
    else None
)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, minimum=0, unit="seconds"
)
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

# ---------------------------------------------------------------------------------------------
# Apps, middleware, templates
# ---------------------------------------------------------------------------------------------

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
    "oauth2_provider",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "csp",
    "axes",
    # Trigram lookups for the feedback similar-ticket search (harmless on SQLite).
    "django.contrib.postgres",
    # The portal's own apps, in the direction imports may point.
    "portal",
    "roadmap",
    "feedback",
    "integrations",
]

MIDDLEWARE = [
    # Outermost: the request id, one JSON log line and the metrics of every request.
    "portal.observability.middleware.RequestObservabilityMiddleware",
    # Then: a request that failed on an unreachable database answers 503 (portal/health.py).
    "portal.health.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.ApiBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After django-htmx (it reads request.htmx), before messages on the way out.
    "portal.flash.HtmxMessagesMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.inbox",
                "portal.context_processors.sign_in",
            ],
        },
    }
]
# Widgets may have templates of their own in templates/ (the account picker does).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# ---------------------------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------------------------

_database = env.db(
    "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", schemes=_DATABASE_SCHEMES
)
_database["ATOMIC_REQUESTS"] = False
_database["CONN_MAX_AGE"] = env.int(
    "CONN_MAX_AGE", default=60 if not DEBUG else 0, minimum=0, unit="seconds"
)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task touch the file together.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _database["ENGINE"] == "django.db.backends.postgresql"

# ---------------------------------------------------------------------------------------------
# Cache (Redis when REDIS_URL is set, which is also the Celery broker below)
# ---------------------------------------------------------------------------------------------

REDIS_URL = env.url("REDIS_URL", default="", schemes=_REDIS_SCHEMES, blank=True)
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# ---------------------------------------------------------------------------------------------
# Static files, media, uploads
# ---------------------------------------------------------------------------------------------

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
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024, minimum=1, unit="bytes")
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# ---------------------------------------------------------------------------------------------
# Email: console in the embedded default, SMTP (EMAIL_URL) in production
# ---------------------------------------------------------------------------------------------

_email = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if DEBUG else "smtp://localhost:25",
    schemes=_EMAIL_SCHEMES,
)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="CS–Product portal <portal@localhost>", nonempty=True
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------------------------------------
# REST API and its schema
# ---------------------------------------------------------------------------------------------

# Token authentication first: DRF answers a missing or bad credential with the first class's
# challenge, so that is 401 + `WWW-Authenticate: Token` (session auth still enforces CSRF).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token <key>: a person's named, expiring token (or DRF's one token per user);
        # Bearer <token>: an OAuth2 client-credentials token, within its scopes. Session last.
        "portal.apiaccess.authentication.ApiTokenAuthentication",
        "portal.apiaccess.authentication.ClientCredentialsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON bodies bounded in size and nesting (portal/api/strict.py); forms and uploads as usual.
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.strict.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.RoleModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": ["portal.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.PortalAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
        "portal.apiaccess.throttles.ClientRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.rate("API_THROTTLE_USER", default="1200/min"),
        "anon": env.rate("API_THROTTLE_ANON", default="30/min"),
        # Each OAuth2 client, personal token and DRF token (a client's own rate overrides it).
        "client": env.rate("API_THROTTLE_CLIENT", default="600/min"),
        # Feedback API scopes (ScopedRateThrottle on the feedback views).
        "feedback_submit": env.rate("API_THROTTLE_FEEDBACK_SUBMIT", default="120/min"),
        "feedback_read": env.rate("API_THROTTLE_FEEDBACK_READ", default="600/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
}

# Input limits of the API (portal/api/strict.py, portal.middleware.ApiBodyLimitMiddleware).
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=2 * 1024 * 1024, minimum=1, unit="bytes")
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32, minimum=2)
API_TEXT_MAX_LENGTH = env.int("API_TEXT_MAX_LENGTH", default=20_000, minimum=1, unit="characters")

# OpenID Connect sign-in (portal/oidc.py), on when OIDC_ISSUER is set; the password login stays.
OIDC_ISSUER = env.url("OIDC_ISSUER", default="", schemes=["https", "http"], blank=True)
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="", nonempty=bool(OIDC_ISSUER))
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="", nonempty=bool(OIDC_ISSUER))
OIDC_RP_SIGN_ALGO = env.choice("OIDC_SIGN_ALGO", default="RS256", choices=["RS256", "ES256"])
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
# role=group pairs, e.g. "cs_rep=CS Reps,product_manager=Product"; a role not named matches a
# group of its own name.
OIDC_ROLE_GROUPS = dict(
    pair.split("=", 1) for pair in env.list("OIDC_ROLE_GROUPS", default=[]) if "=" in pair
)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=5.0, above=0, unit="seconds")
OIDC_AUTHENTICATE_CLASS = "portal.oidc.PortalAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "portal.oidc.PortalAuthenticationCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "/login/"
AUTHENTICATION_BACKENDS = [
    # First, as django-axes asks: refuses a locked-out username/address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers only OIDC callbacks (a code and a state), and only when OIDC_ISSUER is set.
    "portal.oidc.PortalOIDCBackend",
]

# OAuth2 client credentials for other systems (django-oauth-toolkit): scopes in
# portal/apiaccess/scopes.py, each client's allowed scopes on its ApiClient (Django admin).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # ApiClient points at it
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "portal.apiaccess.scopes.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int(
        "OAUTH2_ACCESS_TOKEN_SECONDS", default=3600, minimum=60, unit="seconds"
    ),
    "PKCE_REQUIRED": True,
    # RFC 9700 (OAuth 2.0 Security BCP): no implicit or password grant, no "plain" PKCE; only
    # client credentials are used. Keeps `check --deploy` clean.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    # Access and refresh tokens stored only as their SHA-256 checksum (RFC 9700 §4): a copy of
    # the database holds no usable token. No refresh-token grace period (it needs plaintext).
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
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
    # Every operation states its error responses and their shapes (portal/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.error_responses_hook",
    ],
    # Several resources have a "status" (or "kind") field with different choices: each enum gets
    # a name of its own. One entry per line.
    "ENUM_NAME_OVERRIDES": {
        # portal
        "TierEnum": "portal.choices.Tier",
        "LifecycleStageEnum": "portal.choices.LifecycleStage",
        # roadmap
        "RoadmapItemStatusEnum": "roadmap.choices.ItemStatus",
        "BetaProgramStatusEnum": "roadmap.models.beta.ProgramStatus",
        # feedback
        "TicketStatusEnum": "feedback.choices.TicketStatus",
        # integrations: maps
        "PointStatusEnum": "integrations.models.maps.PointStatus",
        # integrations: connectors
        "SyncRunStatusEnum": "integrations.models.connectors.RunStatus",
        "DeliveryStatusEnum": "integrations.models.connectors.DeliveryStatus",
        "ConnectionKindEnum": "integrations.models.connectors.ConnectionKind",
        "SyncRunKindEnum": "integrations.models.connectors.RunKind",
    },
}

# ---------------------------------------------------------------------------------------------
# Celery and beat
# ---------------------------------------------------------------------------------------------

# With REDIS_URL unset (the embedded default) tasks run in-process, eagerly, so the same code
# paths work with no extra service; beat's periodic work is then run by hand
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
CELERY_BROKER_CONNECTION_TIMEOUT = 5
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redelivery of unacknowledged tasks (a killed worker's run); tests set it to a few seconds.
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=3600, minimum=1, unit="seconds"
    ),
    # How often (seconds) a worker sweeps for unacknowledged tasks past the visibility timeout.
    "unacked_restore_interval": env.int(
        "CELERY_UNACKED_RESTORE_INTERVAL", default=10, minimum=1, unit="seconds"
    ),
    "unacked_restore_throttle": env.int(
        "CELERY_UNACKED_RESTORE_THROTTLE", default=10, minimum=0, unit="seconds"
    ),
}
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="portal", nonempty=True)
CELERY_TIMEZONE = TIME_ZONE

# Periodic work, declared in code, each entry with an `expires` so a backlog does not pile up.
# One entry per block, grouped by the app that owns the task.
CELERY_BEAT_SCHEDULE = {
    # portal: relay outbox events to their consumers.
    "outbox-relay": {
        "task": "portal.tasks.outbox_relay",
        "schedule": 5.0,
        "options": {"expires": 5},
    },
    # roadmap: the nightly full priority recompute.
    "priorities-recompute-nightly": {
        "task": "roadmap.tasks.priorities_recompute",
        "schedule": crontab(hour=2, minute=0),
        "options": {"expires": 3600},
    },
    # roadmap: a burst of votes/links/policy edits marks the scores dirty; this runs ONE
    # recompute for the whole burst.
    "priorities-recompute-dirty": {
        "task": "roadmap.tasks.priorities_recompute_dirty",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # roadmap: beta programs and launch plans, the daily milestone reminder (once per milestone
    # and day).
    "launch-milestone-reminders-daily": {
        "task": "roadmap.launches.tasks.milestone_reminders_daily",
        "schedule": crontab(hour=7, minute=0),
        "options": {"expires": 3600},
    },
    # integrations: sync the connections that are due.
    "connectors-sync-due": {
        "task": "integrations.connectors.tasks.connectors_sync_due",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # integrations: send the outbound deliveries that are due.
    "deliveries-dispatch-due": {
        "task": "integrations.connectors.tasks.deliveries_dispatch_due",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # integrations: adoption insights, one `adoption_insight` outbox event per feature used in
    # the last 30 days.
    "adoption-insights-daily": {
        "task": "integrations.connectors.tasks.adoption_insights_daily",
        "schedule": crontab(hour=6, minute=30),
        "options": {"expires": 3600},
    },
    # integrations: barrier messages to CSMs (once per item and CSM) and requester-adoption
    # insights (once per item); thresholds in the adoption block at the end.
    "adoption-barriers-daily": {
        "task": "integrations.connectors.analytics.tasks.adoption_barriers_daily",
        "schedule": crontab(hour=8, minute=0),
        "options": {"expires": 3600},
    },
}

# ---------------------------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------------------------

# json (one object per line with the request id; the default in production) or plain.
LOG_FORMAT = env.choice(
    "LOG_FORMAT", default="plain" if DEBUG else "json", choices=["json", "plain"]
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "portal.observability.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.observability.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env.choice("LOG_LEVEL", default="INFO", choices=_LOG_LEVELS, upper=True),
    },
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# /metrics answers staff, or a scraper sending "Authorization: Bearer <METRICS_TOKEN>".
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")

# ---------------------------------------------------------------------------------------------
# Each area's own settings
# ---------------------------------------------------------------------------------------------

# Feedback: attachments are bounded by UPLOAD_MAX_BYTES; the API's throttle scopes are in
# REST_FRAMEWORK and the trigram search needs django.contrib.postgres in INSTALLED_APPS.

# Roadmap: the recompute and reminder tasks are in CELERY_BEAT_SCHEDULE; nothing else to set.

# Integration maps: the largest Markdown document accepted by the upload form.
INTEGRATION_MAP_MAX_UPLOAD_BYTES = env.int(
    "INTEGRATION_MAP_MAX_UPLOAD_BYTES", default=1024 * 1024, minimum=1, unit="bytes"
)

# Connectors (integrations/connectors): HTTP timeouts and retries, run leases, delivery backoff,
# body limits. Their beat entries are in CELERY_BEAT_SCHEDULE.
CONNECTOR_HTTP_TIMEOUT = env.float("CONNECTOR_HTTP_TIMEOUT", default=10.0, above=0, unit="seconds")
CONNECTOR_HTTP_MAX_ATTEMPTS = env.int("CONNECTOR_HTTP_MAX_ATTEMPTS", default=4, minimum=1)
CONNECTOR_HTTP_BACKOFF = env.float("CONNECTOR_HTTP_BACKOFF", default=1.0, minimum=0, unit="seconds")
CONNECTOR_HTTP_MAX_RETRY_WAIT = env.float(
    "CONNECTOR_HTTP_MAX_RETRY_WAIT", default=60.0, minimum=0, unit="seconds"
)
CONNECTOR_RUN_LEASE_SECONDS = env.int(
    "CONNECTOR_RUN_LEASE_SECONDS", default=300, minimum=1, unit="seconds"
)
CONNECTOR_CRM_FULL_EVERY_HOURS = env.int(
    "CONNECTOR_CRM_FULL_EVERY_HOURS", default=24, minimum=1, unit="hours"
)
CONNECTOR_DELIVERY_MAX_ATTEMPTS = env.int("CONNECTOR_DELIVERY_MAX_ATTEMPTS", default=8, minimum=1)
CONNECTOR_DELIVERY_BACKOFF = env.float(
    "CONNECTOR_DELIVERY_BACKOFF", default=30.0, minimum=0, unit="seconds"
)
CONNECTOR_DELIVERY_MAX_BACKOFF = env.float(
    "CONNECTOR_DELIVERY_MAX_BACKOFF", default=6 * 3600.0, minimum=0, unit="seconds"
)
# The delivery pool: requests in flight per target (scheme, host, port), sending threads per
# process, deliveries claimed per statement, and how long one send task keeps claiming.
CONNECTOR_DELIVERY_CONCURRENCY = env.int("CONNECTOR_DELIVERY_CONCURRENCY", default=8, minimum=1)
CONNECTOR_DELIVERY_WORKERS = env.int("CONNECTOR_DELIVERY_WORKERS", default=16, minimum=1)
CONNECTOR_DELIVERY_BATCH = env.int("CONNECTOR_DELIVERY_BATCH", default=200, minimum=1)
CONNECTOR_DELIVERY_BUDGET = env.float(
    "CONNECTOR_DELIVERY_BUDGET", default=60.0, above=0, unit="seconds"
)
CONNECTOR_IMPORT_MAX_BYTES = env.int(
    "CONNECTOR_IMPORT_MAX_BYTES", default=50 * 1024 * 1024, minimum=1, unit="bytes"
)
CONNECTOR_WEBHOOK_MAX_BYTES = env.int(
    "CONNECTOR_WEBHOOK_MAX_BYTES", default=512 * 1024, minimum=1, unit="bytes"
)
# Outbound calls (connectors, webhooks, Slack; portal/netguard.py): https only in production, and
# loopback, link-local (cloud metadata) and private addresses refused — checked when a URL is
# saved and again on every connect, after DNS resolution. Redirects are never followed. The
# embedded default and the tests (receivers on 127.0.0.1) allow private networks; production
# turns it on only for tools that really live on the internal network.
OUTBOUND_ALLOW_PRIVATE_NETWORKS = env.bool("OUTBOUND_ALLOW_PRIVATE_NETWORKS", default=DEBUG)
OUTBOUND_REQUIRE_HTTPS = env.bool("OUTBOUND_REQUIRE_HTTPS", default=not DEBUG)

# Home panels that are expensive and change slowly (a rep's accounts at risk, the items their
# accounts backed, their barrier accounts) are rendered at most once in this many seconds per user,
# and say "as of" when (portal.registry.Panel.cached). 0 renders them on every visit.
PANEL_CACHE_SECONDS = env.int(
    "PANEL_CACHE_SECONDS", default=120, minimum=0, maximum=3600, unit="seconds"
)

# Adoption of shipped items (integrations/connectors/analytics/adoption.py): one self-contained
# block — the thresholds of the adoption panels, the optimize endpoint and the daily barrier task
# (its beat entry, "adoption-barriers-daily", is in CELERY_BEAT_SCHEDULE: settings are written
# once).


def _fraction(name: str, *, default: float, above: float | None = None) -> float:
    """A share from 0 (or just above ``above``) to 1."""
    value = env.float(name, default=default, minimum=0.0 if above is None else None, above=above)
    if value > 1:
        low = f"> {above:g}" if above is not None else "≥ 0"
        raise ImproperlyConfigured(f"{name} must be a number {low} and ≤ 1, not {value!r}.")
    return value


# Requesters with no use this many days after ship are barrier accounts (and their CSM is told).
ADOPTION_BARRIER_DAYS = env.int(
    "ADOPTION_BARRIER_DAYS", default=14, minimum=1, maximum=365, unit="days"
)
# Items shipped longer ago than this (plus the barrier days) are left out of the barrier messages
# and the reps' lists.
ADOPTION_BARRIER_HORIZON_DAYS = env.int(
    "ADOPTION_BARRIER_HORIZON_DAYS", default=120, minimum=1, maximum=3650, unit="days"
)
# Fewer accounts than this in a segment: no rate-based prediction or "lagging" claim for it.
ADOPTION_MIN_SAMPLE = env.int("ADOPTION_MIN_SAMPLE", default=5, minimum=1, unit="accounts")
# Fewer active accounts than this: "not enough data" instead of a health correlation.
ADOPTION_MIN_CORRELATION_N = env.int(
    "ADOPTION_MIN_CORRELATION_N", default=10, minimum=3, unit="accounts"
)
# A segment lags when its rate is below this share of the overall rate.
ADOPTION_LAGGING_RATIO = _fraction("ADOPTION_LAGGING_RATIO", default=0.5, above=0)
# Onboarding drop-off worth a recommendation: this share of adopters used it on one day only.
ADOPTION_DROPOFF_THRESHOLD = _fraction("ADOPTION_DROPOFF_THRESHOLD", default=0.25)
# An `adoption_insight` event (once per item) when requester adoption reaches this share.
ADOPTION_INSIGHT_REQUESTER_THRESHOLD = _fraction(
    "ADOPTION_INSIGHT_REQUESTER_THRESHOLD", default=0.5, above=0
)
