from django import forms

from workflows.models import ApprovalRequest

COMMENT_MAX_LENGTH = 2000


class ApproveForm(forms.Form):
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


class RejectForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reject-%s")
        super().__init__(*args, **kwargs)

    comment = forms.CharField(
        label="Reason for rejecting (required)",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why you reject this request: the requester sees your comment."},
    )


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "All states"), *ApprovalRequest.State.choices],
    )
