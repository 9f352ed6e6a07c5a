"""Post a Django admin change form as a browser would: every field as the page shows it, with
only the named fields changed."""

from html.parser import HTMLParser


class _FormValues(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file", "image"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            else:
                self.values.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.values.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text += data


def admin_post(client, url: str, **changes):
    """GET the form at `url`, change `changes` (None unticks a checkbox), POST it back."""
    parser = _FormValues()
    parser.feed(client.get(url).content.decode())
    data: dict[str, list[str]] = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = [value]
    data.pop("csrfmiddlewaretoken", None)
    return client.post(url, data)
