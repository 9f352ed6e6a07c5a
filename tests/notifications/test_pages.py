"""The bell, the notifications page, preferences, unsubscribing, and the demo's mail catcher."""

import re

from approvalmax.notifications import services
from approvalmax.notifications.models import Notification, Preference


def _tell(organisation, user, key="event:1", subject="Approval needed: Acme"):
    services.notify(organisation_id=organisation.pk, key=key, messages={user.pk: services.Message(
        kind="test", subject=subject, text="t", html="<p>t</p>", url="/requests/")})


def test_the_bell_counts_unread_and_opening_one_reads_it(client, organisation, approver, outsider):
    _tell(organisation, approver, "event:1")
    _tell(organisation, approver, "event:2", subject="Published: Acme")
    client.force_login(approver)

    page = client.get("/notifications/").content.decode()
    assert re.search(r'class="badge">2<span class="visually-hidden"> unread', page)
    assert "Approval needed: Acme" in page and "Published: Acme" in page

    first = Notification.objects.get(key="event:1")
    assert client.get(f"/notifications/{first.pk}/")["Location"] == "/requests/"
    assert re.search(r'class="badge">1<', client.get("/notifications/").content.decode())
    client.post("/notifications/read/")
    assert 'class="badge"' not in client.get("/notifications/").content.decode()

    client.force_login(outsider)
    assert client.get(f"/notifications/{first.pk}/").status_code == 404


def test_preferences_are_saved_per_organisation_and_bad_input_changes_nothing(client, organisation, approver):
    client.force_login(approver)
    prefix = f"o{organisation.pk}"

    bad = client.post("/notifications/preferences/", {"organisation": organisation.pk, f"{prefix}-delivery": "fax",
                                                      f"{prefix}-digest_hour": "25"})
    assert bad.status_code == 400 and not Preference.objects.exists()

    client.post("/notifications/preferences/", {"organisation": organisation.pk, f"{prefix}-delivery": "digest",
                                                f"{prefix}-digest_hour": "7", f"{prefix}-time_zone": "Asia/Tokyo"})
    chosen = Preference.objects.get()
    assert (chosen.delivery, chosen.digest_hour, chosen.time_zone) == ("digest", 7, "Asia/Tokyo")


def test_one_click_unsubscribe_from_the_header_stops_the_emails(client, organisation, approver, deliver_mail,
                                                                create_request):
    create_request()
    message = deliver_mail()[0]
    url = str(message["List-Unsubscribe"]).strip()[1:-1].replace("http://127.0.0.1:8000", "")

    assert "Stop emails from Demo Trading Ltd" in client.get(url).content.decode()
    assert not Preference.objects.exists(), "a GET changes nothing"
    assert client.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert Preference.objects.get(user=approver).delivery == "none"
    tampered = url.replace(url.split("/")[-2][-5:], "AAAAA")
    assert client.post(tampered).status_code == 400


def test_the_mail_catcher_shows_what_it_caught_to_signed_in_members_only(client, settings, tmp_path, approver):
    import smtplib
    from email.message import EmailMessage

    from approvalmax.notifications.sandbox.catcher import catcher
    from tests.mail_fixtures import free_port

    settings.MAIL_CATCHER_DIR = tmp_path / "mail"
    port = free_port()
    server = catcher(settings.MAIL_CATCHER_DIR, port=port)
    server.start()
    try:
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = "Approval needed: Acme", "a@localhost", "b@example.com"
        message.set_content("Approve: http://127.0.0.1:8000/act/abc/")
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.send_message(message)
    finally:
        server.stop()

    assert client.get("/sandbox/mail/").status_code == 302
    client.force_login(approver)
    inbox = client.get("/sandbox/mail/").content.decode()
    key = re.search(r'href="/sandbox/mail/([^/"]+)/"', inbox).group(1)
    shown = client.get(f"/sandbox/mail/{key}/").content.decode()
    assert '<a href="http://127.0.0.1:8000/act/abc/"' in shown
    assert client.get("/sandbox/mail/nothing-here/").status_code == 404


def test_an_administrator_sets_the_working_week_and_bad_input_changes_nothing(client, organisation, administrator,
                                                                              approver, outsider):
    url = f"/notifications/organisation/{organisation.slug}/"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(approver)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    good = {"timezone": "Australia/Sydney", "working_days": ["1", "2", "3", "4"], "working_day_starts": "08:00",
            "working_day_ends": "16:00", "action_link_days": "3", "reminder_after_hours": "12",
            "hold_possible_duplicates": "on"}

    bad = client.post(url, {**good, "working_day_ends": "07:00", "timezone": "Mars/Olympus"})
    assert bad.status_code == 400 and "The working day must end after it starts." in bad.content.decode()
    organisation.refresh_from_db()
    assert organisation.timezone == "Europe/London" and organisation.working_days == "12345"

    assert client.post(url, good).status_code == 302
    organisation.refresh_from_db()
    assert (organisation.timezone, organisation.working_days, str(organisation.working_day_starts),
            organisation.action_link_days, organisation.reminder_after_hours) == (
        "Australia/Sydney", "1234", "08:00:00", 3, 12)
    assert organisation.hold_possible_duplicates


def test_the_demo_s_catcher_starts_from_its_settings_and_keeps_what_it_receives(tmp_path, monkeypatch):
    """`make run` starts `manage.py mail_catcher`: what the environment names is where it keeps mail."""
    import smtplib
    import subprocess
    import sys
    import time

    from approvalmax.notifications.sandbox.catcher import messages
    from tests.mail_fixtures import free_port

    port, folder = free_port(), tmp_path / "caught"
    env = {**__import__("os").environ, "MAIL_CATCHER_DIR": str(folder), "MAIL_CATCHER_PORT": str(port)}
    process = subprocess.Popen([sys.executable, "manage.py", "mail_catcher"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=2) as smtp:
                    smtp.sendmail("a@localhost", ["b@example.com"], "Subject: Hello\r\n\r\nBody")
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the catcher did not start"
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert [mail["Subject"] for _, mail in messages(folder)] == ["Hello"]
