"""Drives the application's own pages over HTTP as a person with a browser would: logs in and
connects an accounting system through the real OAuth2 flow (our connect button → its consent
page → our callback). Used by `make run` to connect the demo organisations to the sandboxes."""

from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "", "method": (attrs.get("method") or "get").lower(),
                               "fields": [], "buttons": []})
        elif self.forms and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                self.forms[-1].setdefault("unchecked", []).append((attrs["name"], attrs.get("value", "on")))
            elif kind == "submit":
                self.forms[-1]["buttons"].append((attrs["name"], attrs.get("value", "")))
            else:
                self.forms[-1]["fields"].append((attrs["name"], attrs.get("value", "")))
        elif self.forms and tag == "button":
            self.forms[-1]["buttons"].append((attrs.get("name"), attrs.get("value", ""), attrs.get("type", "submit")))


def forms_of(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class WebClient:
    def __init__(self, base_url: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.timeout = timeout

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def _csrf_form(self, page_url: str, action_contains: str) -> tuple[str, dict]:
        page = self.session.get(page_url, timeout=self.timeout)
        page.raise_for_status()
        for form in forms_of(page.text):
            if action_contains in form["action"] or (not form["action"] and action_contains == ""):
                return urljoin(page.url, form["action"] or page.url), dict(form["fields"])
        raise RuntimeError(f"No form posting to {action_contains!r} on {page.url}")

    def post_form(self, page_url: str, action_contains: str, data: dict | None = None) -> requests.Response:
        action, fields = self._csrf_form(page_url, action_contains)
        fields.update(data or {})
        return self.session.post(action, data=fields, headers={"Referer": page_url}, timeout=self.timeout)

    def log_in(self, username: str, password: str) -> None:
        response = self.post_form(self.url("/login/"), "", {"username": username, "password": password})
        if "sessionid" not in self.session.cookies:
            raise RuntimeError(f"Could not log in as {username}: {response.status_code}")

    def connect_xero(self, organisation_slug: str) -> requests.Response:
        """Press "Connect Xero", then "Allow access" on the consent page, granting every tenant offered."""
        return self._connect(f"/xero/{organisation_slug}/", grant_every_choice=True)

    def connect_quickbooks(self, organisation_slug: str) -> requests.Response:
        """Press "Connect QuickBooks Online", then "Connect" on Intuit's consent page for the
        company it offers first."""
        return self._connect(f"/quickbooks/{organisation_slug}/", grant_every_choice=False)

    def _connect(self, page_path: str, *, grant_every_choice: bool) -> requests.Response:
        page = self.url(page_path)
        consent = self.post_form(page, "/connect/")
        consent.raise_for_status()
        forms = [f for f in forms_of(consent.text) if f["method"] == "post"]
        if not forms:
            raise RuntimeError(f"The consent page had no form: {consent.url}")
        form = forms[0]
        fields = list(form["fields"]) + (list(form.get("unchecked", [])) if grant_every_choice else [])
        allow = next((b for b in form["buttons"] if b[0] and b[1] in ("allow",)), None)
        if allow:
            fields.append((allow[0], allow[1]))
        answer = self.session.post(urljoin(consent.url, form["action"] or consent.url), data=fields,
                                   headers={"Referer": consent.url}, timeout=self.timeout)
        answer.raise_for_status()
        return answer
