"""Test settings: the same base, with both sandboxes mounted so tests can talk to them."""

import os

for _name, _value in {
    "DEBUG": "0",
    "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
    "FIELD_ENCRYPTION_KEY": "test-field-encryption-salt",
    "XERO_SANDBOX": "1",
    "QBO_SANDBOX": "1",
    "DEXT_SANDBOX": "1",
    "MAIL_SANDBOX": "1",
    # Tests that mail start an SMTP server of their own (tests/mail_fixtures.py); nothing listens here.
    "EMAIL_URL": "smtp://127.0.0.1:9",
    "ALLOWED_HOSTS": "*",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
}.items():
    os.environ.setdefault(_name, _value)
# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from approvalmax.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Production's settings but for the transport: the test client and live servers speak plain HTTP.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True  # serve from the finders; no collected STATIC_ROOT in tests
# The cache gets a Redis database of its own, so tests can empty it between them.
if REDIS_URL:  # noqa: F405
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",  # noqa: F405
                          "LOCATION": REDIS_URL.rsplit("/", 1)[0] + "/13"}}  # noqa: F405
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
