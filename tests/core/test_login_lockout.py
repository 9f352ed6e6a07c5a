"""Wrong passwords: our login and the admin's lock a username at one address after a few, with a
clear page, and an administrator can unlock it."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.fixture
def member():
    user = UserFactory(username="pat")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(path: str, password: str, username: str = "pat", address: str = "203.0.113.5"):
    client = Client(REMOTE_ADDR=address)
    return client, client.post(path, {"username": username, "password": password})


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_after_the_limit_even_the_right_password_is_refused(settings, member, path):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(path, "wrong")[1].status_code == 200
    locked = log_in(path, "wrong")[1]
    assert locked.status_code == 429

    client, response = log_in(path, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many attempts" in page and "<strong>pat</strong>" in page
    assert "try again in 15 minutes" in page and "administrator" in page
    assert response["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_the_lock_is_for_that_username_at_that_address(settings, member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("/login/", "wrong")

    _, elsewhere = log_in("/login/", PASSWORD, address="198.51.100.7")
    assert elsewhere.status_code == 302
    other = UserFactory(username="kim")
    other.set_password(PASSWORD)
    other.save()
    assert log_in("/login/", PASSWORD, username="kim")[1].status_code == 302


def test_a_good_login_before_the_limit_starts_the_count_again(settings, member):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("/login/", "wrong")
    assert log_in("/login/", PASSWORD)[1].status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("/login/", "wrong")
    assert log_in("/login/", PASSWORD)[1].status_code == 302


def test_an_administrator_unlocks_it_in_the_admin(settings, member):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("/login/", "wrong")
    assert log_in("/login/", PASSWORD)[1].status_code == 429

    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    attempt = AccessAttempt.objects.get(username="pat")
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "pat" in listing.content.decode()
    deleted = staff.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert deleted.status_code == 302

    assert not AccessAttempt.objects.filter(username="pat").exists()
    assert log_in("/login/", PASSWORD)[1].status_code == 302
