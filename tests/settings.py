"""Test settings: the real settings plus a small example app for the workflow tests.

The database comes from THIDUA_DATABASE_URL like in production (the Makefile
points it at PostgreSQL for the second run); without it, SQLite.
"""

import os
import tempfile

os.environ.setdefault("THIDUA_DATA_DIR", os.path.join(tempfile.gettempdir(), "thidua-test-data"))
os.environ.setdefault("THIDUA_SECRET_KEY", "test-only-key-not-secret-" + "x" * 40)

from thidua.settings import *  # noqa: E402,F403
from thidua.settings import INSTALLED_APPS, STORAGES  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow_example"]
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Static files come from the finders in tests; whitenoise only wants the folder to exist.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
