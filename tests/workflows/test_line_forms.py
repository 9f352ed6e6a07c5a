"""The line forms' selects, drawn in Python for pages with hundreds of lines, say what Django's would."""

import re

from django import forms

from workflows.forms import QuickSelect

CHOICES = [("", "—"), (1, "400 Advertising"), (2, "<b>Tom & Jerry's</b> \"fees\""), (3, "429 General")]


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [(value, bool(selected), label)
            for value, selected, label in re.findall(r'<option value="([^"]*)"( selected)?>(.*?)</option>', html)]


def test_a_quick_select_has_the_options_selection_escaping_and_attributes_of_django_s():
    quick = QuickSelect(choices=CHOICES).render("line-7-account", 2, attrs={"id": "id_line-7-account", "required": True})
    django = forms.Select(choices=CHOICES).render("line-7-account", 2, attrs={"id": "id_line-7-account", "required": True})

    assert _options(quick) == _options(django)
    assert ("2", True, "&lt;b&gt;Tom &amp; Jerry&#x27;s&lt;/b&gt; &quot;fees&quot;") in _options(quick)
    assert quick.startswith('<select name="line-7-account" id="id_line-7-account" required>')
