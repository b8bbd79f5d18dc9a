"""Settings for the Engagierte Stadt directory.

Everything that differs between a laptop and production is read from the
environment. A fresh checkout runs on SQLite with no configuration at all.
"""

import ipaddress
import os
import sys
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from engagiert.logs import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_converted(name: str, default, convert, what: str):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return convert(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be {what}, not {value!r}.") from None


def env_float(name: str, default: float) -> float:
    return _env_converted(name, default, float, "a number")


def env_int(name: str, default: int) -> int:
    return _env_converted(name, default, int, "an integer")


DEBUG = env_bool("DEBUG", False)
# The test suite runs with production-like settings (DEBUG off) but a throwaway key,
# plain static storage (no collectstatic needed) and no HTTPS redirect.
RUNNING_TESTS = "pytest" in sys.modules or sys.argv[1:2] == ["test"]

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not (DEBUG or RUNNING_TESTS):
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for local development."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "django_htmx",
    "axes",
    "simple_history",
    "import_export",
    "corsheaders",
    # Background tasks in the database (Django's tasks framework; TASKS below).
    "django_tasks_db",
    # The ground floor, the domain apps from the bottom up, then what combines them
    # (docs/architecture.md).
    "core",
    "cities",
    "networks",
    "events",
    "public",
    "editorial",
    "accounts",
    "records",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy: no camera, microphone, geolocation … for this page or anything it embeds.
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Open CORS for the read-only API under /api/ only (CORS_URLS_REGEX below).
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages leave compressed; static files come precompressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    # HEAD on /api/ answers like GET without a body (public/api/middleware.py).
    "public.api.middleware.ApiHeadMiddleware",
    # Anonymous public pages from the cache, with ETag/Last-Modified (core/caching.py). A hit
    # is answered here, before sessions, CSRF and messages; the stored page keeps the headers the
    # middleware below added when it was rendered (CSP, X-Frame-Options, Vary).
    "core.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 413 for a body larger than its address accepts, before the CSRF check reads it (core/limits.py).
    "core.limits.RequestBodyLimitMiddleware",
    # Records the signed-in user as the author of every change in the history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a login refused by django-axes into the lockout page; django-axes wants it last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "engagiert.urls"

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
            ],
            "builtins": ["django.contrib.humanize.templatetags.humanize", "core.templatetags.site"],
        },
    },
]

WSGI_APPLICATION = "engagiert.wsgi.application"


def postgres_options() -> dict:
    """PostgreSQL's default planner costs assume spinning disks: on SSD or with the directory in
    memory they make it read and hash all 10,000 towns where it should look up the few hundred it
    joins (bench/findings.md). Each connection sets a lower cost of a random read, unless
    PG_RANDOM_PAGE_COST=server leaves the server's own (a pooler such as PgBouncer may refuse
    settings sent with the connection; set it on the database there)."""
    if os.environ.get("PG_RANDOM_PAGE_COST", "").strip().lower() == "server":
        return {}
    return {"options": f"-c random_page_cost={env_float('PG_RANDOM_PAGE_COST', 1.1)}"}


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into a DATABASES entry (sqlite:///path or postgres://...)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///relative.db keeps a relative path, sqlite:////abs/path.db an absolute one.
        name = path.removeprefix("/")
        if not name:
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file name, e.g. sqlite:///db.sqlite3")
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / name if not name.startswith("/") else name}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "postgres",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": postgres_options(),
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported (use sqlite or postgres).")


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (accounts/views.py, templates/registration/): German addresses; after login, the start page of the role.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
AUTHENTICATION_BACKENDS = [
    # Refuses every login while a username + address is locked out; must come first.
    "accounts.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Proxies in front of the app (addresses or networks, comma-separated): their X-Forwarded-For
# names the client for the login throttling and the reset-mail cap (core/clients.py). Empty: the
# header is ignored and REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is no address or network.") from None

# Background tasks (Django's tasks framework): password-reset mails leave outside the request, so
# the answer takes as long for an unknown address as for a known one. In production the tasks
# wait in the database until `manage.py db_worker` (a process beside the web server) runs them;
# in development and tests they run at once. TASKS_BACKEND=database|immediate chooses.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate" if DEBUG or RUNNING_TESTS else "database")
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be database or immediate, not {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}

# Throttling failed logins (django-axes): the fifth failure for the same username from the same
# address locks that pair out for 15 minutes; every further try during the lockout starts the 15
# minutes again. A successful login, or a password reset by e-mail, clears the count.
# Axes takes the client's address from core.clients.client_address: REMOTE_ADDR, or behind the
# proxies of TRUSTED_PROXIES the address they put into X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Keep failures only, not a log of every successful login with address and browser (data economy).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no "AXES: BEGIN …" banner at the start of every command

# Who runs the site, as the Impressum (§ 5 DDG) and the Datenschutzerklärung name them. Address
# lines are separated by ";". `manage.py check --deploy` warns while name, address or e-mail is empty.
SITE_OPERATOR = {
    "name": os.environ.get("OPERATOR_NAME", ""),
    "address": os.environ.get("OPERATOR_ADDRESS", ""),
    "email": os.environ.get("OPERATOR_EMAIL", ""),
    "phone": os.environ.get("OPERATOR_PHONE", ""),
    "represented_by": os.environ.get("OPERATOR_REPRESENTED_BY", ""),
    "privacy_email": os.environ.get("OPERATOR_PRIVACY_EMAIL", ""),
}

# E-mail (password reset links). Django 6.1 configures mail with MAILERS; the older EMAIL_* settings
# are deprecated there, so the usual EMAIL_* environment variables feed the SMTP mailer's options.
# With DEBUG, mails are printed to the console instead of sent. Tests always use Django's outbox.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Engagierte Stadt <verzeichnis@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DEBUG:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                # Unset: 587 with TLS, 25 without.
                "port": env_int("EMAIL_PORT", 0) or None,
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
# The site's own German wording comes first (the formal "Sie" in the CSV import, too).
LOCALE_PATHS = [BASE_DIR / "core" / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Report photos (events/images.py): larger uploads are refused.
PHOTO_MAX_BYTES = env_int("PHOTO_MAX_BYTES", 10 * 1024 * 1024)
# Request bodies (core/limits.py): a larger announced body gets 413 before anything reads it.
# Forms, logins and the admin's CSV imports stay far below 3 MB; the addresses that take photos
# accept PHOTO_MAX_BYTES plus the form around it, from signed-in accounts only.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 3 * 1024 * 1024)
REQUEST_BODY_UPLOAD_PATHS = (
    r"^/redaktion/treffen/[^/]+/fotos/$",
    r"^/admin/events/meetingreport/(add|\d+/change)/$",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or RUNNING_TESTS)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Without collectstatic (development, tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG or RUNNING_TESTS
WHITENOISE_AUTOREFRESH = DEBUG

SITE_NAME = "Engagierte Stadt – Netzwerkverzeichnis"

# Cache. With REDIS_URL (e.g. redis://127.0.0.1:6379/0) all app processes, on any number of
# machines, share one Redis: cached pages, the limits on password-reset mails. Without it each
# process keeps its own cache in memory, which is right for a single machine.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "engagiert"),
            "TIMEOUT": 600,
            # A Redis that does not answer must not hold up the pages (the page cache then renders).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "engagiert",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 5000)},
        }
    }
# Recently served pages in each process's own memory, in front of Redis: a hit then needs no
# round trip to Redis (PAGE_CACHE_LOCAL_ENTRIES pages of some 10-50 KB each per process).
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "engagiert-pages",
    "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_LOCAL_ENTRIES", 1000)},
}

# The Papierkorb keeps deleted towns, networks and meetings this many days; `manage.py
# empty_trash` (run daily) removes older entries and the photo files only they refer to.
TRASH_RETENTION_DAYS = env_int("TRASH_RETENTION_DAYS", 90)

# The page cache (core/caching.py): anonymous public pages, invalidated by every edit.
# Off in development (template changes show at once) and in the test suite (query budgets
# measure rendering); the cache's own tests switch it on.
PAGE_CACHE = env_bool("PAGE_CACHE", not (DEBUG or RUNNING_TESTS))
PAGE_CACHE_LOCAL_ALIAS = "pages"
PAGE_CACHE_SHARED_ALIAS = "default" if REDIS_URL else None
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_EXCLUDE = ("/admin/", "/redaktion/", "/media/", "/healthz", "/anmelden/", "/abmelden/", "/passwort-")

# The open-data API (public/api/base.py) may be read from any web page; nothing else of the site
# sends CORS headers, and the API only answers GET, so no cookies or credentials are involved.
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False

# CSV import of towns and people in the admin (cities/resources.py): every import runs in one
# transaction and is rolled back as a whole if any row is invalid.
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Security. The policy allows nothing but our own origin: no CDN, no third-party fonts or maps.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # No inline script at all, so no nonce either: cached pages stay valid under the policy.
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The directory uses none of these browser features; nothing embedded in it may either.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
SESSION_COOKIE_HTTPONLY = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not RUNNING_TESTS)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # Load balancers ask for /healthz over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Logs go to standard output: one JSON object per line in production (LOG_FORMAT=json, the
# default without DEBUG), so a log collector can search by level, logger or status; plain text
# in development. server.py writes the access log in the same format.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG or RUNNING_TESTS else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's default configuration gives the "django" logger a console handler of its own (with
    # DEBUG) besides the root's, so every line came twice; its records go to the root only.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

if RUNNING_TESTS:
    # Hashing with the production hasher costs a third of a second per login; tests log in often.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The Bundesnetzwerk's change form in the admin holds one membership row per member town (over a
# hundred, ten fields each) besides its other inlines: more than Django's default of 1,000 fields.
# The body's size stays capped by DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
