"""The line forms' selects, drawn in Python for pages with hundreds of lines, say what Django's
would; they offer the organisation's coding, read and built once for all the page's lines; and a
posted line is checked against that coding."""

import re

import pytest
from django import forms

from workflows import selectors
from workflows.forms import LineChoices, LineEditForm, QuickSelect

ALLOWED = {"description", "account", "tax_rate", "tracking"}
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


@pytest.fixture
def line_and_choices(db, create_request):
    request = create_request()
    return request.current_lines().get(), LineChoices.of(selectors.coding_choices(request=request))


def test_every_line_form_of_a_page_shares_the_choices_built_for_it(line_and_choices):
    line, choices = line_and_choices
    first, second = (LineEditForm(allowed=ALLOWED, choices=choices, line=line) for _ in range(2))
    region = choices.categories[0][0]

    for name in ["account", "tax_rate", f"tracking_{region.pk}"]:
        assert first.fields[name].choices is second.fields[name].choices
        assert first.fields[name].widget.choices is second.fields[name].widget.choices
    assert first.fields["account"].choices is choices.accounts


def test_a_line_forms_selects_offer_the_active_coding_with_the_lines_own_chosen(line_and_choices, master_data):
    line, choices = line_and_choices
    form = LineEditForm(allowed=ALLOWED, choices=choices, line=line)

    accounts = str(form["account"])
    assert f'<option value="{master_data["general"].pk}" selected>' in accounts
    assert f'<option value="{master_data["office"].pk}">' in accounts
    assert "Business Bank Account" not in accounts and "Old Account" not in accounts  # a bank, an archived one
    tracking = str(form[f"tracking_{master_data['region'].pk}"])
    assert '<option value="">—</option>' in tracking
    assert f'<option value="{master_data["north"].pk}" selected>' in tracking


def test_a_posted_line_is_checked_against_the_choices(line_and_choices, master_data):
    line, choices = line_and_choices

    def posted(account) -> LineEditForm:
        prefix = f"line-{line.pk}-"
        return LineEditForm({prefix + "account": account.pk, prefix + "tax_rate": master_data["input2"].pk,
                             prefix + "description": "Paper"}, allowed=ALLOWED, choices=choices, line=line)

    refused = posted(master_data["bank"])
    assert not refused.is_valid() and "account" in refused.errors
    accepted = posted(master_data["office"])
    assert accepted.is_valid(), accepted.errors
    assert accepted.changes()["account_id"] == master_data["office"].pk
