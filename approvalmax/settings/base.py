"""Settings read from the environment (INTERFACES.md §2). Overlays only change defaults."""

import hashlib
from datetime import timedelta
from pathlib import Path

import environ
from kombu import Exchange, Queue
from csp.constants import NONE, SELF

# The accounting systems' clients are settings too: all of accounting.py's, under their names.
from approvalmax.settings.accounting import *  # noqa: F403
from approvalmax.settings.accounting import XERO_AUTHORIZE_URL
from approvalmax.settings.environment import (
    BASE_DIR, DEBUG, DEXT_SANDBOX, PUBLIC_BASE_URL, QBO_SANDBOX, XERO_SANDBOX, env,
)

_DEV_SECRET = "dev-only-not-secret-" + "x" * 40
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Secrets in the database (OAuth tokens) are Fernet-encrypted with keys derived from
# SECRET_KEY and this salt; a development salt is derived only while DEBUG is on.
SALT_KEY = env.list(
    "FIELD_ENCRYPTION_KEY",
    default=[hashlib.sha256(SECRET_KEY.encode()).hexdigest()] if DEBUG else environ.Env.NOTSET,
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "csp",
    "axes",
    "approvalmax.core",
    "approvalmax.notifications",
    "approvalmax.budgets",
    "approvalmax.currencies",
    "approvalmax.members",
    "approvalmax.demo",
    "workflows",
    "dext_integration",
    "xero_integration",
    "quickbooks_integration",
]

if XERO_SANDBOX:
    INSTALLED_APPS.append("xero_integration.sandbox")
    # The stand-in's limits, as Xero's by default; benches shrink its minute (0.1: 6 s).
    XERO_SANDBOX_TIME_SCALE = env.float("XERO_SANDBOX_TIME_SCALE", default=1.0)
    XERO_SANDBOX_CALLS_PER_MINUTE = env.int("XERO_SANDBOX_CALLS_PER_MINUTE", default=60)
    XERO_SANDBOX_APP_CALLS_PER_MINUTE = env.int("XERO_SANDBOX_APP_CALLS_PER_MINUTE", default=10_000)
if QBO_SANDBOX:
    INSTALLED_APPS.append("quickbooks_integration.sandbox")
    # The stand-in's limits, as QuickBooks Online's by default (QBO_FACTS.md); benches shrink its minute.
    QBO_SANDBOX_TIME_SCALE = env.float("QBO_SANDBOX_TIME_SCALE", default=1.0)
    QBO_SANDBOX_CALLS_PER_MINUTE = env.int("QBO_SANDBOX_CALLS_PER_MINUTE", default=500)
    QBO_SANDBOX_CALLS_PER_SECOND = env.int("QBO_SANDBOX_CALLS_PER_SECOND", default=10)
    QBO_SANDBOX_MAX_CONCURRENT = env.int("QBO_SANDBOX_MAX_CONCURRENT", default=10)
    QBO_SANDBOX_BATCH_MAX = env.int("QBO_SANDBOX_BATCH_MAX", default=30)
    QBO_SANDBOX_REDIRECT_URIS = env.list("QBO_SANDBOX_REDIRECT_URIS", default=[])
if DEXT_SANDBOX:
    INSTALLED_APPS.append("dext_integration.sandbox")
# The demo's mail catcher: a real SMTP server (`manage.py mail_catcher`) whose messages /sandbox/mail/ shows.
MAIL_SANDBOX = env.bool("MAIL_SANDBOX", default=False)
MAIL_CATCHER_PORT = env.int("MAIL_CATCHER_PORT", default=1025)
MAIL_CATCHER_DIR = Path(env("MAIL_CATCHER_DIR", default=str(BASE_DIR / "var" / "mail")))
if MAIL_SANDBOX:
    INSTALLED_APPS.append("approvalmax.notifications.sandbox")
# Outgoing mail (INTERFACES.md §2): EMAIL_URL in django-environ's form; the catcher in the demo.
globals().update(env.email_url(
    "EMAIL_URL", default=f"smtp://127.0.0.1:{MAIL_CATCHER_PORT}" if MAIL_SANDBOX or DEBUG else environ.Env.NOTSET))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="approvals@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "approvalmax.core.middleware.ConfigurationActorMiddleware",
    "approvalmax.core.log_context.LogContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "approvalmax.urls"
WSGI_APPLICATION = "approvalmax.wsgi.application"

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
                "approvalmax.core.context_processors.administered_organisations",
                "workflows.context_processors.publish_failures",
                "workflows.context_processors.navigation_counts",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, worker and beat share the demo's file: WAL and immediate
    # transactions keep them from failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )
else:
    # Each process keeps its connection for a minute (checked before reuse): opening one for every
    # request cost a page more than most of its queries.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflows:inbox"
LOGOUT_REDIRECT_URL = "login"

# Logins (ours and the admin's): after AXES_FAILURE_LIMIT wrong passwords for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES, or until an administrator unlocks it
# (admin: Axes > Access attempts, or `manage.py axes_reset_username <name>`). Attempts live in
# the database, so every web process counts the same ones.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "approvalmax.core.lockout.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# Where a client's address is read. Behind a proxy, list the header it sets (for example
# HTTP_X_FORWARDED_FOR) with CLIENT_IP_PROXY_COUNT; a header no proxy of ours sets is the
# client's to forge, so by default only the connection's own address counts.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=0) or None
# Dext API: this many unknown keys from one address within the window, then 429 until it ends.
DEXT_KEY_FAILURE_LIMIT = env.int("DEXT_KEY_FAILURE_LIMIT", default=10)
DEXT_KEY_FAILURE_WINDOW_SECONDS = env.int("DEXT_KEY_FAILURE_WINDOW_SECONDS", default=600)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Originals, audit reports and previews: shared object storage (S3 or any S3-compatible service)
# when S3_BUCKET is set, so that every machine reads what any other wrote; the local disk otherwise.
S3_BUCKET = env("S3_BUCKET", default="")
_S3_OPTIONS = {
    "bucket_name": S3_BUCKET,
    "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
    "region_name": env("S3_REGION", default="") or None,
    "access_key": env("S3_ACCESS_KEY_ID", default="") or None,
    "secret_key": env("S3_SECRET_ACCESS_KEY", default="") or None,
    "location": env("S3_PREFIX", default=""),
    "default_acl": None,
    "querystring_auth": True,  # files are served through our views; a leaked URL expires
    "file_overwrite": False,
}
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _S3_OPTIONS}
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Dext uploads are at most 10 MB (Xero's attachment limit); a little room for the JSON part.
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
# An image may decode to at most this many pixels (a 600 dpi A4 scan is about 35 million).
DOCUMENT_MAX_PIXELS = env.int("DOCUMENT_MAX_PIXELS", default=60_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "approvalmax.core.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}

# Celery: a server-less filesystem broker unless CELERY_BROKER_URL says otherwise.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_CELERY_QUEUE_DIR = BASE_DIR / "var" / "celery-queue"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    _CELERY_QUEUE_DIR.mkdir(parents=True, exist_ok=True)
    # Exchange bindings go in a control folder, which would otherwise be ./control.
    (BASE_DIR / "var" / "celery-control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(_CELERY_QUEUE_DIR), "data_folder_out": str(_CELERY_QUEUE_DIR),
                                       "control_folder": str(BASE_DIR / "var" / "celery-control")}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
CELERY_TIMEZONE = "UTC"
# A flood of one kind of work never delays another: each has its queue. A worker started without
# -Q consumes them all (the demo); in production give each its own workers (README).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in ("celery", "publishing", "reports", "sync", "mail")]
CELERY_TASK_ROUTES = {
    "xero.publish_tenant": {"queue": "publishing"},
    "quickbooks.publish_realm": {"queue": "publishing"},
    "quickbooks.*sync*": {"queue": "sync"},
    "workflows.render_audit_report": {"queue": "reports"},
    "xero.*sync*": {"queue": "sync"},
    "xero.pull_*": {"queue": "sync"},
    "xero.return_rejected_bill": {"queue": "publishing"},
    "dext.push_*": {"queue": "sync"},
    "budgets.*": {"queue": "sync"},
    "currencies.*": {"queue": "sync"},
    "mail.*": {"queue": "mail"},
    "workflows.announce": {"queue": "mail"},
}
# A prefork child is replaced after this many tasks, or once it has grown past this many KiB
# after a task: PDF rendering leaves memory behind that Python never hands back.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=200_000)
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Exactly one beat schedules at a time: the others started wait on a Redis lock as standbys
    # and take over within BEAT_LOCK_TIMEOUT_SECONDS of the leader's death.
    CELERY_BEAT_SCHEDULER = "redbeat.RedBeatScheduler"
    CELERY_REDBEAT_REDIS_URL = REDIS_URL
    CELERY_REDBEAT_KEY_PREFIX = env("REDBEAT_KEY_PREFIX", default="redbeat:")
    CELERY_REDBEAT_LOCK_TIMEOUT = env.int("BEAT_LOCK_TIMEOUT_SECONDS", default=60)
    CELERY_BEAT_MAX_LOOP_INTERVAL = max(1, min(10, CELERY_REDBEAT_LOCK_TIMEOUT // 3))
# Counters every process must share (the Dext key throttle): Redis, or files on the demo's machine.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "cache"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(BASE_DIR / "var" / "cache")}
}
# Sessions are read from the cache, written through to the database: a page pays no query for one.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# A lock's holder renews its lease while it lives; a dead holder's lock lapses after this long.
LOCK_LEASE_SECONDS = env.float("LOCK_LEASE_SECONDS", default=30.0)
# Beat's sweep (every PUBLISH_SWEEP_SECONDS, read by approvalmax/celery.py) re-enqueues tenants
# whose requests have waited approved this long with no live publisher.
PUBLISH_SWEEP_GRACE_SECONDS = env.float("PUBLISH_SWEEP_GRACE_SECONDS", default=60.0)

DEXT_API_URL = env(
    "DEXT_API_URL", default=f"{PUBLIC_BASE_URL}/sandbox/dext/api" if DEXT_SANDBOX else ""
)
MASTER_DATA_SYNC_HOUR = env.int("MASTER_DATA_SYNC_HOUR", default=3)

# JSON lines in production (LOG_FORMAT=json), one readable line each in the demo. Every line
# carries the organisation, the approval request, the HTTP request's id and the Celery task
# where they are known (approvalmax.core.log_context), and anything like a secret is blanked.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
_CONTEXT = "%(organisation)s %(organisation_id)s %(request)s %(http_request)s %(task_id)s %(task)s"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "approvalmax.core.log_context.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": f"%(asctime)s %(levelname)s %(name)s %(message)s {_CONTEXT}",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s [%(organisation)s%(organisation_id)s"
                           " %(request)s %(task_id)s]"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every render at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                # pypdf reports every repair it makes to a sloppy PDF.
                "pypdf": {"level": "ERROR"},
                # aiosmtpd (the demo's mail catcher, the tests' SMTP server) narrates every SMTP command.
                "mail.log": {"level": "WARNING"}},
}
# GET /metrics (Prometheus) needs this bearer token; unset, it answers only on loopback.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
# Celery logs through the configuration above instead of its own (approvalmax/celery.py).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Every page: only our own scripts, styles and images; forms post to us or to the OAuth
# authorize endpoints the Connect buttons redirect to; nothing embeds our pages.
_FORM_TARGETS = sorted({"/".join(url.split("/")[:3]) for url in [XERO_AUTHORIZE_URL] if url.startswith("http")})
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *_FORM_TARGETS],
    }
}

# With DEBUG off (production): HTTPS only, said for a year; cookies only over HTTPS. Behind a
# proxy that ends TLS, set SECURE_PROXY_SSL_HEADER=1 so its X-Forwarded-Proto is believed.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# A load balancer probes, and Prometheus scrapes, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("SECURE_PROXY_SSL_HEADER", default=False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
