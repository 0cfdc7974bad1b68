"""Project settings, all from the environment so one build serves a laptop and a city.

SQLite under ./data/ is the default; DATABASE_URL points elsewhere (PostgreSQL for a city).
"""

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# What pomochi creates (the SQLite database, its WAL and SHM, backups, exports, the secret key,
# the data folder) is readable by the account that runs it only: they hold password hashes and
# what households need. Set before anything is created; cli.main sets it first too.
os.umask(0o077)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("POMOCHI_DATA_DIR", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
with contextlib.suppress(PermissionError):  # not ours (a mounted volume): its owner decides
    DATA_DIR.chmod(0o700)  # a folder made before this rule, too


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Use SECRET_KEY if given; otherwise generate one once and keep it in the data folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pomochi.accounts",
    "pomochi.communities",
    "pomochi.audit",
    "pomochi.ledger",
    "pomochi.notify",
    "pomochi.aid",
    "pomochi.drills",
    "pomochi.onboarding",
    "pomochi.web",
    "pomochi.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "ninja",  # serves the API docs' scripts from here, not a CDN, so the CSP allows them
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pomochi.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pomochi.web.middleware.NotAllowedMiddleware",
    "pomochi.web.middleware.PrivateResponsesMiddleware",
    # Last, so that it turns a lock-out flagged anywhere above into our log-in page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pomochi.urls"
WSGI_APPLICATION = "pomochi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pomochi.notify.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'pomochi.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue (busy timeout) instead of one failing halfway with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests run on a file too: races and server processes need a database other processes see.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("POMOCHI_TEST_DB", str(DATA_DIR / "test_pomochi.sqlite3"))
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Log-in throttling (django-axes): failures are counted per (username, client address) in the
# database, so every app server sees them; an attacker can lock an account out only from their
# own address, never its owner from another. The API uses Bearer tokens and never reaches it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(seconds=int(os.environ.get("LOGIN_FAILURE_WINDOW_SECONDS", "900")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pomochi.web.views.locked_out"
AXES_VERBOSE = False

# Password-reset e-mails: at most this many per account and per client address per window.
PASSWORD_RESET_LIMIT_PER_ACCOUNT = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ACCOUNT", "3"))
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "10"))
PASSWORD_RESET_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_WINDOW_SECONDS", "3600"))


def client_address_headers(behind_proxy: bool) -> tuple[str, ...]:
    """Where the client's address is read: REMOTE_ADDR, unless a reverse proxy we trust stands
    in front; then the right-most X-Forwarded-For entry, the one our proxy wrote (what is left
    of it, the client chose). Anything else would let a client pick its address per request."""
    return ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if behind_proxy else ("REMOTE_ADDR",)


IPWARE_ALGORITHM = "legacy"  # takes the right-most entry as asked; "modern" prefers public ones
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = client_address_headers(env_bool("BEHIND_HTTPS_PROXY", False))


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """A setting that is one of a few words; anything else stops the server at start, naming it."""
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; it is {value!r}")
    return value


# Who may found a community from the web and the API: anyone with an account (a laptop in the
# village), or only accounts the site admin approved in /admin/ (a hosted server: "approved").
# `pomochi create_community` is the site admin's own and ignores it.
POMOCHI_FOUNDING = env_choice("POMOCHI_FOUNDING", "anyone", ("anyone", "approved"))
# Whether anyone may make an account at /signup/ ("open"), or accounts are made only through
# an invitation to a community ("invitation").
POMOCHI_SIGNUP = env_choice("POMOCHI_SIGNUP", "open", ("open", "invitation"))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))  # a hung server frees the worker
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pomochi@localhost")
# Mail is sent by the delivery job (`pomochi db_worker`), which has no request to take the
# site's address from: links in e-mail start with POMOCHI_SITE_URL.
POMOCHI_SITE_URL = os.environ.get("POMOCHI_SITE_URL", "http://localhost:8000").rstrip("/")
# A mail server that answers "try later" (4xx) or cannot be reached: the mail is tried again
# after RETRY s, then 4 times longer each time (at most 6 h), ATTEMPTS times in all. A worker that
# died holding a mail gives it up after LEASE s.
POMOCHI_MAIL_RETRY_SECONDS = float(os.environ.get("POMOCHI_MAIL_RETRY_SECONDS", "60"))
POMOCHI_MAIL_ATTEMPTS = int(os.environ.get("POMOCHI_MAIL_ATTEMPTS", "8"))
POMOCHI_MAIL_LEASE_SECONDS = float(os.environ.get("POMOCHI_MAIL_LEASE_SECONDS", "300"))
# One-click links in e-mail (accept a promise, approve a round, unsubscribe) expire.
POMOCHI_ACTION_LINK_DAYS = int(os.environ.get("POMOCHI_ACTION_LINK_DAYS", "7"))

# Production hardening follows DEBUG: secure cookies and HSTS when not debugging.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Outside DEBUG, plain HTTP is redirected to HTTPS; a village laptop serving its own LAN
# without a certificate sets SECURE_SSL_REDIRECT=0 (and the two *_COOKIE_SECURE to 0).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# No script reads the CSRF cookie: htmx sends the token from the page (hx-headers in base.html).
CSRF_COOKIE_HTTPONLY = True

# Scripts and styles only from the site itself, nothing inline (htmx's indicator styles are
# turned off by the htmx-config meta tag in base.html and live in site.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
