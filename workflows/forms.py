from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html, format_html_join

from approvalmax.core.models import TrackingCategory

COMMENT_MAX_LENGTH = 2000


class DecisionForm(forms.Form):
    """Every decision form names the step the approver saw, so a decision on a request that
    moved on meanwhile is answered "already decided" instead of landing on another step."""

    step = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ApproveForm(DecisionForm):
    """Both decision forms are on one page: distinct element ids, the same field name."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "approve-%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(DecisionForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reject-%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="Reason for rejecting (required)",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why you reject this request: the requester sees your comment."},
    )


class ReturnToReviewForm(DecisionForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "review-%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="What should the reviewer look at again? (required)",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the reviewer should look at again."},
    )


class OverrideForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "override-%s")
        super().__init__(*args, **kwargs)

    decision = forms.ChoiceField(
        label="Override", choices=[("approve", "Force-approve"), ("reject", "Force-reject")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Reason for the override (required)",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why you override the workflow."},
    )


class QuickSelect(forms.Select):
    """A select drawn in Python: Django draws each option through a template of its own, and the
    request page has a select of every account for each of up to hundreds of lines."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "", '<option value="{}"{}>{}</option>',
            ((option["value"], " selected" if option["selected"] else "", option["label"])
             for _, group, _ in widget["optgroups"] for option in group))  # fmt: skip
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)


class SharedChoices(BaseChoiceIterator):
    """(value, label) pairs built once and shared, unchanged, by every form of a page: Django
    normalises a field's choices pair by pair when they are set, and copies them with each form,
    which for a select of every account on each of 200 lines was most of building the forms."""

    def __init__(self, pairs) -> None:
        self.pairs = tuple(pairs)

    def __iter__(self):
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


@dataclass(frozen=True)
class LineChoices:
    """What the line forms' selects offer, from the coding choices read once for the page."""

    accounts: SharedChoices
    tax_rates: SharedChoices
    categories: list[tuple[TrackingCategory, SharedChoices]]  # each with its options, "none" first

    @classmethod
    def of(cls, coding) -> "LineChoices":
        return cls(
            accounts=SharedChoices((a.pk, str(a)) for a in coding.accounts),
            tax_rates=SharedChoices((t.pk, str(t)) for t in coding.tax_rates),
            categories=[(category, SharedChoices([("", "—"), *((o.pk, o.name) for o in category.options.all())]))
                        for category in coding.categories],
        )


class LineEditForm(DecisionForm):
    """One line's coding. Choices come from the page, read once for all lines (`LineChoices`);
    only the fields the step allows are shown and taken."""

    description = forms.CharField(label="Description", required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    account = forms.TypedChoiceField(label="Account", coerce=int, widget=QuickSelect)
    tax_rate = forms.TypedChoiceField(label="Tax rate", coerce=int, widget=QuickSelect)

    def __init__(self, *args, allowed: set[str], choices: LineChoices, line=None, **kwargs):
        prefix = f"line-{line.pk}" if line is not None else None
        kwargs.setdefault("prefix", prefix)
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self.fields["account"].choices = choices.accounts
        self.fields["tax_rate"].choices = choices.tax_rates
        self.tracking_fields = []
        for category, options in choices.categories:
            name = f"tracking_{category.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=category.name, required=False, coerce=int, empty_value=None, widget=QuickSelect,
                choices=options,
            )  # fmt: skip
            self.tracking_fields.append(name)
        for name in ["description", "account", "tax_rate"]:
            if name not in allowed:
                del self.fields[name]
        if "tracking" not in allowed:
            for name in self.tracking_fields:
                del self.fields[name]
            self.tracking_fields = []
        if line is not None and not self.is_bound:
            self.initial = {**self.initial, "description": line.description, "account": line.account_id,
                            "tax_rate": line.tax_rate_id}  # fmt: skip
            for option in line.tracking.all():
                self.initial[f"tracking_{option.category_id}"] = option.pk

    def changes(self) -> dict:
        data = self.cleaned_data
        changes = {}
        if "description" in self.fields:
            changes["description"] = data["description"]
        if "account" in self.fields:
            changes["account_id"] = data["account"]
        if "tax_rate" in self.fields:
            changes["tax_rate_id"] = data["tax_rate"]
        if self.tracking_fields:
            changes["tracking_option_ids"] = [data[name] for name in self.tracking_fields if data[name]]
        return changes


class LineSplitForm(DecisionForm):
    amount = forms.DecimalField(label="Amount of the new line", max_digits=14, decimal_places=2)

    def __init__(self, *args, line=None, **kwargs):
        kwargs.setdefault("prefix", f"split-{line.pk}" if line is not None else None)
        super().__init__(*args, **kwargs)


class SubstitutionForm(forms.Form):
    organisation = forms.TypedChoiceField(label="Organisation", coerce=int)
    substitute = forms.TypedChoiceField(label="Substitute", coerce=int)
    starts_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Until (included)", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisations, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        self.fields["substitute"].choices = [
            (u.pk, u.get_full_name() or u.get_username()) for u in colleagues
        ]


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Mention members with @username to tell them.")


class HoldForm(forms.Form):
    reason = forms.CharField(label="Why it waits", max_length=1000)
    until = forms.DateField(label="Until", widget=forms.DateInput(attrs={"type": "date"}))
