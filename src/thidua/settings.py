"""Settings for ThiĐua, read from the environment only.

Every knob is a ``THIDUA_*`` environment variable so that one build runs as
the demo on a laptop, in CI and in production; nothing secret lives in code.
The secret key, when not given, is generated once into the data directory.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("THIDUA_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """The key from the environment, else one generated once into the data dir."""
    from_env = os.environ.get("THIDUA_SECRET_KEY")
    if from_env:
        return from_env
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(64)
    # Create with owner-only permissions; never overwrite a key another process wrote.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("THIDUA_DEBUG", False)
ALLOWED_HOSTS = env_list("THIDUA_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("THIDUA_CSRF_TRUSTED_ORIGINS")

# Behind TLS (production): secure cookies, HSTS and redirect to https.
HTTPS = env_bool("THIDUA_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("THIDUA_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day

# The cache holds the public rating page's rate limits and desk lookups: each process's
# memory by default. With several gunicorn workers, THIDUA_CACHE_URL=redis://host:6379/1
# makes every worker count against the same limits.
CACHE_URL = os.environ.get("THIDUA_CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": CACHE_URL}}
#: Public rating page: ratings accepted per address per ten minutes (raise behind a NAT
#: that many citizens share).
THIDUA_RATING_IP_LIMIT = int(os.environ.get("THIDUA_RATING_IP_LIMIT", "30"))
#: Mounts the benchmark's minimal view (bench/rating_bench.py); never set in service.
THIDUA_BENCH_MINIMAL_VIEW = "1" if env_bool("THIDUA_BENCH_MINIMAL_VIEW", False) else "0"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "axes",
    "ninja",
    "thidua.core",
    "thidua.org",
    "thidua.movements",
    "thidua.kpi",
    "thidua.documents",
    "thidua.scorecards",
    "thidua.training",
    "thidua.feedback",
    "thidua.dossiers",
    "thidua.initiatives",
    "thidua.awards",
    "thidua.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "thidua.core.middleware.NormalizeInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "thidua.urls"
WSGI_APPLICATION = "thidua.wsgi.application"

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
                "thidua.core.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = os.environ.get("THIDUA_DATABASE_URL", "")
if not DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{DATA_DIR / 'thidua.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("THIDUA_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one request writes; busy timeout waits for
    # the write lock instead of failing at once under gunicorn's workers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username from one address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("THIDUA_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("THIDUA_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
#: Reverse proxies in front of gunicorn that append to X-Forwarded-For (nginx: 1).
THIDUA_PROXY_COUNT = int(os.environ.get("THIDUA_PROXY_COUNT", "1" if env_bool("THIDUA_BEHIND_PROXY") else "0"))
AXES_CLIENT_IP_CALLABLE = "thidua.core.http.client_ip"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
FORMAT_MODULE_PATH = ["thidua.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "THIDUA_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Uploads: spreadsheets of a province's staff stay well below this.
UPLOAD_MAX_BYTES = int(os.environ.get("THIDUA_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "thidua.core.http.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
CSRF_FAILURE_VIEW = "thidua.core.views.csrf_failure"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "THIDUA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("THIDUA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("THIDUA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("THIDUA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("THIDUA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("THIDUA_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("THIDUA_EMAIL_FROM", "ThiĐua <thidua@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("THIDUA_LOG_LEVEL", "WARNING")},
}

#: Public address of the site, for links in e-mails ("https://thidua.tinh.gov.vn").
SITE_URL = os.environ.get("THIDUA_SITE_URL", "").rstrip("/")

# Page sizes of lists.
PAGE_SIZE = 50
