"""What each line of a request counts as against budgets, kept on the line itself (its month, its
use and its net amount), so that the budget check sums one index of lines instead of joining every
request of the period. A request's save keeps its lines' copy in step (see ApprovalRequest.save)."""

from django.db.models import Case, F, Value, When

from approvalmax.core.money import TaxTreatment

SPENT = "spent"
OPEN = "open"
# A draft is a request being created or resubmitted inside one transaction: counting it as open
# already spares the update that submitting it would otherwise cost.
_OPEN_STATES = {"draft", "on_review", "on_approval"}
_SPENT_STATES = {"approved", "published", "publish_failed"}


def use_of(request) -> str:
    """'spent', 'open' or '' (not counted: rejected, cancelled, or not a bill)."""
    if request.kind != "bill":
        return ""
    if request.state in _SPENT_STATES:
        return SPENT
    return OPEN if request.state in _OPEN_STATES else ""


COUNTED_FIELDS = {"kind", "state", "date", "revision", "tax_treatment"}


def counted_key(request) -> tuple:
    """What the lines' copy depends on: when it changes, the lines are counted again."""
    return use_of(request), request.date.replace(day=1), request.revision, request.tax_treatment


def line_count(line, request) -> None:
    """Set a line's copy, before it is written."""
    line.month = request.date.replace(day=1)
    line.counts_as = use_of(request) if line.revision == request.revision else ""
    inclusive = request.tax_treatment == TaxTreatment.INCLUSIVE
    line.net_amount = (line.line_amount - line.tax_amount) if inclusive else line.line_amount


def lines_recount(request) -> None:
    """Bring every line of the request in step with it: one update, the current revision's lines
    counted, earlier revisions' not."""
    inclusive = request.tax_treatment == TaxTreatment.INCLUSIVE
    request.lines.update(
        month=request.date.replace(day=1),
        counts_as=Case(When(revision=request.revision, then=Value(use_of(request))), default=Value("")),
        net_amount=F("line_amount") - F("tax_amount") if inclusive else F("line_amount"))
