"""Settings for KAG Portal, read from the environment.

With no environment at all this is the embedded development setup: SQLite in var/, Celery tasks run
eagerly in the web process, mail is written to files in var/mail/, DEBUG on. DJANGO_ENV=production
removes every default for a secret and switches on the production security settings. A value that
cannot be parsed stops the process with ImproperlyConfigured instead of being guessed.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A strict boolean: 'maybe' is an error, not False."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(_TRUE | _FALSE)}, not {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


DJANGO_ENV = env.str("DJANGO_ENV", default="development").strip().lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}"
    )
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must not be on with DJANGO_ENV=production")

if PRODUCTION:
    # No defaults: a production server must be told its secret and its host names.
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters in production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS or not all(ALLOWED_HOSTS):
        raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host")
else:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="django-insecure-development-only-key-never-use-in-production"
    )
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
    )

# The address people reach the portal at; used for links in mails sent by the worker, which has
# no request to take the host from.
SITE_URL = env.str("SITE_URL", default="" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "SITE_URL must be set to the portal's https:// address in production"
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL] if PRODUCTION else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "crispy_forms",
    "crispy_bootstrap5",
    "kag_portal.apps.KagPortalConfig",
    "companies.apps.CompaniesConfig",
    "events.apps.EventsConfig",
    "matchmaking.apps.MatchmakingConfig",
    "stories.apps.StoriesConfig",
    "impact.apps.ImpactConfig",
    "newsletter.apps.NewsletterConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kag_portal.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Hands a cookieless visitor a cached public page before sessions, CSRF and the view run
    # (after the three above, whose headers every answer gets afresh).
    "kag_portal.page_cache.AnonymousPageCacheMiddleware",
    # Refuses an oversized body before CSRF and the views read it.
    "kag_portal.middleware.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kag_portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "kag_portal.urls"
WSGI_APPLICATION = "kag_portal.wsgi.application"

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
            ],
        },
    },
]

# --- Request size --------------------------------------------------------------------------------
# The largest file the portal takes is 2 MB (a logo or story image, companies.services.logos; a
# CSV import, companies.services.csv_io). A request announcing more than that plus room for the
# other fields is refused with 413 before its body is read (kag_portal.middleware); one just
# over 2 MB still reaches the form, which says what is wrong.
UPLOAD_MAX_BYTES = 2 * 1024 * 1024
REQUEST_BODY_MAX_BYTES = UPLOAD_MAX_BYTES + 1024 * 1024
# Form fields other than files (Django checks this when it parses the body): the longest texts
# (stories, newsletters) are far below a megabyte.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- Database ------------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # IMMEDIATE transactions and a busy timeout keep concurrent dev requests from failing with
    # "database is locked"; WAL lets readers go on while one request writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a query plan whose estimated cost is high (the partner
    # shortlist), which costs ~50 ms per request and never pays back on queries this short.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker and cache ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("REDIS_URL is required in production (Celery broker, rate limits)")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must be a redis:// URL, not {REDIS_URL!r}")

if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to the process's memory while Redis is down (kag_portal/cache.py), so
            # rate limits and cached pages keep answering; short timeouts keep a lost host from
            # holding a request up for long.
            "BACKEND": "kag_portal.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kag",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    # Development and tests: one process's memory. Bounded, as cached pages are kept per
    # language and full path (any query string): past MAX_ENTRIES a third of the entries is
    # culled, so a crawler cannot grow the process without end.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }

# --- Celery (kag_portal/celery.py reads every CELERY_* setting) ---------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker, tasks run in the web process: nothing else has to be started for `make run`.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 90, minimum=1)
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A user's request must not hang on a broker that is down: publish once, fail fast, and leave the
# mail row to the periodic sweep (kag_portal.tasks.requeue_unsent_mail).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
# A message a worker took but never acknowledged (the worker was killed) is handed out again
# after the visibility timeout: five minutes, so a lost batch comes back within minutes. Every
# task's hard time limit stays below it (270 s at most), or a running task would be started a
# second time; no task waits in Redis longer than that either (mail retries are rows, due_at).
BROKER_VISIBILITY_TIMEOUT = 300
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
}
# When the worker loses Redis, the tasks it is running are stopped: their messages go back to
# the queue anyway (acks_late) and would otherwise run twice at once after the reconnect.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE = {
    # Invitation rounds whose queue message was lost (events.services.invitation_rounds).
    "resume-invitation-rounds": {
        "task": "events.tasks.resume_invitation_rounds",
        "schedule": 60.0,
    },
    "requeue-unsent-mail": {
        "task": "kag_portal.tasks.requeue_unsent_mail",
        "schedule": 60.0,
    },
    # Hourly; companies.services.digest decides who is due (one a week each, from 7 o'clock).
    "weekly-request-digest": {
        "task": "companies.tasks.send_weekly_digests",
        "schedule": 3600.0,
    },
    # events.services.followups decides what is due: reminders 2 days before and from 7 o'clock
    # on the day, the thank-you from 9 o'clock the day after.
    "event-mails": {
        "task": "events.tasks.send_event_mails",
        "schedule": 900.0,
    },
    "finish-past-events": {
        "task": "events.tasks.finish_past_events",
        "schedule": 900.0,
    },
    # Attendance details past the retention period staff set (events.services.retention).
    "anonymise-past-attendance": {
        "task": "events.tasks.anonymise_past_attendance",
        "schedule": 86400.0,
    },
    # Newsletters left "being sent" (a broker that was down, a worker that died).
    "resume-newsletter-sending": {
        "task": "newsletter.tasks.resume_newsletter_sending",
        "schedule": 300.0,
    },
}

# --- Mail ----------------------------------------------------------------------------------------
MAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(MAIL_FILE_PATH)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="KAG Oberzentrum Südthüringen <portal@kag-suedthueringen.de>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Where reports of accessibility barriers and other notes for the KAG team go.
KAG_CONTACT_EMAIL = env.str("KAG_CONTACT_EMAIL", default="wirtschaft@kag-suedthueringen.de")
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
# A mail a worker claimed but never marked sent goes back to the queue after this long. It must
# exceed the send task's hard time limit; a worker that died after the mail server accepted the
# mail makes it go out twice then (the one documented duplicate: delivery is at least once).
OUTBOX_STALE_CLAIM_SECONDS = env_int("OUTBOX_STALE_CLAIM_SECONDS", 120, minimum=1)
if CELERY_TASK_TIME_LIMIT >= BROKER_VISIBILITY_TIMEOUT:
    raise ImproperlyConfigured(
        "CELERY_TASK_TIME_LIMIT must be shorter than the broker's visibility timeout "
        f"({BROKER_VISIBILITY_TIMEOUT} s), or a running task would be started a second time"
    )
if OUTBOX_STALE_CLAIM_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "OUTBOX_STALE_CLAIM_SECONDS must be longer than CELERY_TASK_TIME_LIMIT, or a mail still "
        "being sent would be sent again"
    )
# Bodies of mails without a key are kept this long after sending, then removed (those with a
# key are removed by the next sweep after sending).
OUTBOX_BODY_RETENTION_DAYS = env_int("OUTBOX_BODY_RETENTION_DAYS", 30, minimum=1)

# --- Accounts (django-allauth) ------------------------------------------------------------------
AUTH_USER_MODEL = "kag_portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "me"
ACCOUNT_ADAPTER = "kag_portal.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "kag_portal.forms.SignupDetailsForm"
ACCOUNT_FORMS = {"login": "kag_portal.forms.LoginForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address logs the person in and the adapter sends them on (the company wizard,
# or the company whose invitation they followed). allauth does this only in the browser session
# that signed up: a link opened elsewhere confirms the address and asks for the password
# (anyone holding the link would otherwise be logged in). The pending sign-up waits as long as
# the link is valid, not allauth's 15 minutes: a person may read their mail the next day.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGIN_TIMEOUT = ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS * 24 * 3600
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KAG] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_RATE_LIMITS = {
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "login": "30/m/ip",
    # "key" is the address together with the client's IP (AccountAdapter): five wrong passwords
    # lock that address for that client only, so a stranger cannot lock the owner out.
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
# Behind N reverse proxies the client address is the N-th from the right in X-Forwarded-For.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# locale/ holds our own strings (maintained by `make messages`); locale_overrides/ rewords
# third-party strings, e.g. allauth's informal German "du" into the "Sie" a public body uses.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
LANGUAGE_COOKIE_NAME = "kag_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = PRODUCTION
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
if not PRODUCTION:
    # WhiteNoise warns about a missing STATIC_ROOT; in development files come from the finders.
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
# WhiteNoise does not know the web app manifest's type (Django's static view takes Python's).
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Django serves /media/ itself unless a reverse proxy does it (then SERVE_MEDIA=false).
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Security ------------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers and compose health checks call /healthz over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if TRUSTED_PROXY_COUNT:
        # The TLS-terminating proxy tells us the original scheme.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script and no third-party origin: every script and style is a file under /static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        # The schedule's service worker and web app manifest (matchmaking/views/offline.py).
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
