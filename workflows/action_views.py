"""Deciding from an email: the link shows the request and one confirm button; only the POST
decides. The person the link names decides, whether or not anyone is signed in."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from approvalmax.core.exceptions import ApplicationError
from workflows import selectors
from workflows.action_links import LinkRefused, link_decide, link_open
from workflows.conversion import conversion_text
from workflows.models import ActionLink


class LinkDecisionForm(forms.Form):
    comment = forms.CharField(label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rejecting: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if rejecting:
            self.fields["comment"].required = True
            self.fields["comment"].label = "Why do you reject it?"
            self.fields["comment"].error_messages["required"] = "A rejection needs a comment: say why."


def _refused(request: HttpRequest, refusal: LinkRefused) -> HttpResponse:
    return render(request, "workflows/action_link_refused.html", {"title": refusal.title, "message": refusal.message},
                  status=refusal.status_code)


@require_http_methods(["GET", "HEAD", "POST"])
def action_link(request: HttpRequest, token: str) -> HttpResponse:
    viewer = request.user if request.user.is_authenticated else None
    try:
        opened = link_open(token=token, viewer=viewer)
    except LinkRefused as refusal:
        return _refused(request, refusal)
    rejecting = opened.link.decision == ActionLink.Decision.REJECT
    form = LinkDecisionForm(request.POST if request.method == "POST" else None, rejecting=rejecting)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                decided = link_decide(token=token, comment=form.cleaned_data["comment"], viewer=viewer)
            except LinkRefused as refusal:
                return _refused(request, refusal)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                return render(request, "workflows/action_link_done.html",
                              {"approval_request": decided, "decision": opened.link.get_decision_display(),
                               "person": opened.link.user})  # fmt: skip
        else:
            status = 400
    record = selectors.request_record(request=opened.request)
    return render(request, "workflows/action_link.html",
                  {"link": opened.link, "approval_request": opened.request, "record": record, "form": form,
                   "rejecting": rejecting, "conversion": conversion_text(opened.request)}, status=status)  # fmt: skip
