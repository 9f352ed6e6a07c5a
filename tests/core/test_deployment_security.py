"""Production's transport and browser defences: `check --deploy` is clean under the README's
production settings, HTTPS is enforced and said, every page carries a Content-Security-Policy,
and the server does not name itself."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.test import Client

from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]

# The README's production environment, with made-up values.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "approvalmax.settings.base",
    "SECRET_KEY": "k7#Qz!v9Lm2@xP4w$Rt8^Yb6&Nc1*Hd5(Jf3)Gs0-Ua_Ve+Wi=Xo~Zp",
    "FIELD_ENCRYPTION_KEY": "a-salt-for-the-field-encryption-keys",
    "ALLOWED_HOSTS": "approvals.example.com",
    "PUBLIC_BASE_URL": "https://approvals.example.com",
    "XERO_CLIENT_ID": "client",
    "XERO_CLIENT_SECRET": "secret",
    "EMAIL_URL": "smtp+tls://approvals:app-password@smtp.example.com:587",
    "DEFAULT_FROM_EMAIL": "approvals@example.com",
}


def production_env(tmp_path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG", "XERO_", "DEXT_", "EMAIL_", "MAIL_"))}
    env.update(PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", MEDIA_ROOT=str(tmp_path / "media"),
               STATIC_ROOT=str(tmp_path / "static"), **extra)  # fmt: skip
    return env


def test_production_refuses_to_start_without_outgoing_mail(tmp_path):
    env = production_env(tmp_path)
    del env["EMAIL_URL"]

    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)  # fmt: skip

    assert result.returncode != 0 and "EMAIL_URL" in result.stderr


def test_check_deploy_is_clean_under_the_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_debug_everything_is_https_for_a_year(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    client = Client()

    plain = client.get("/login/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/login/"
    secure = client.get("/login/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # The load balancer probes over plain HTTP.
    assert client.get("/healthz").status_code == 200


def test_behind_a_tls_proxy_its_forwarded_protocol_is_believed(settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert Client().get("/login/", HTTP_X_FORWARDED_PROTO="https").status_code == 200
    assert Client().get("/login/", HTTP_X_FORWARDED_PROTO="http").status_code == 301


def test_the_production_defaults_are_secure(tmp_path):
    probe = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
             "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)")  # fmt: skip
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", probe], cwd=ROOT,
                            env=production_env(tmp_path), capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.stdout.split()[-6:] == ["True", "True", "True", "31536000", "True", "False"], result.stderr


PAGES = ["/login/", "/requests/awaiting/", "/requests/", "/admin/", "/sandbox/dext/", "/sandbox/xero/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_content_security_policy(path, admin_client):
    response = admin_client.get(path, follow=True)

    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert policy["form-action"].startswith("'self'")


def test_the_connect_button_may_post_on_to_the_authorize_endpoint(settings, admin_client):
    policy = admin_client.get("/login/")["Content-Security-Policy"]
    authorize_origin = "/".join(settings.XERO_AUTHORIZE_URL.split("/")[:3])
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert authorize_origin in form_action


def test_the_production_server_does_not_name_itself(tmp_path):
    port = free_port()
    env = production_env(tmp_path, ALLOWED_HOSTS="127.0.0.1")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "approvalmax.wsgi", "--bind", f"127.0.0.1:{port}",
                               "--workers", "1"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert "Server" not in response.headers
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    finally:
        server.terminate()
        server.wait(timeout=30)
