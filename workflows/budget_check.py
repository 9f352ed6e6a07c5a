"""A request against the organisation's budgets, per line (account overall, and account and
tracking option where such a budget exists) for the period the organisation chose: budget, spent
(approved and published), on approval (other open requests), this request, remaining, and a status.

The same queries (eight at most) whatever the number of lines or past requests."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum, Value

from approvalmax.budgets.models import Budget, BudgetPolicy
from approvalmax.budgets.periods import describe, period_months
from approvalmax.core.money import TaxTreatment, round_money
from workflows.models import ApprovalRequest, RequestLine
from workflows.models.spending import OPEN, SPENT

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=16, decimal_places=2)


@dataclass
class BudgetLine:
    account: object
    option: object | None
    budget: Decimal | None
    spent: Decimal = ZERO
    open: Decimal = ZERO
    this: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return (self.budget or ZERO) - self.spent - self.open - self.this

    @property
    def status(self) -> str:
        if not self.budget:
            return "no_budget"
        if self.spent + self.this > self.budget:
            return "over"
        if self.spent + self.open + self.this > self.budget:
            return "over_with_open"
        return "within"

    @property
    def label(self) -> str:
        return f"{self.account}" + (f" · {self.option.category.name}: {self.option.name}" if self.option else "")

    def describe(self, period: str) -> str:
        """The warning, in words, for the page, the approver's email and Dext."""
        if self.status == "no_budget":
            return f"{self.label} has {'a zero budget' if self.budget == 0 else 'no budget'} for {period}."
        used = self.spent + self.this + (self.open if self.status == "over_with_open" else ZERO)
        counting = " counting other requests on approval" if self.status == "over_with_open" else ""
        return (f"{self.label}: {used} of a budget of {self.budget} for {period}{counting} "
                f"({used - self.budget} over).")


@dataclass
class BudgetCheck:
    period: str
    basis: str
    lines: list[BudgetLine] = field(default_factory=list)

    def statuses(self) -> set[str]:
        return {line.status for line in self.lines}

    def warnings(self) -> list[tuple[str, str]]:
        """(code, message) for each line over budget or without one."""
        codes = {"over": "over_budget", "over_with_open": "over_budget", "no_budget": "no_budget"}
        return [(codes[line.status], line.describe(self.period)) for line in self.lines if line.status in codes]

    @property
    def worst(self) -> str:
        for status in ("over", "over_with_open", "no_budget"):
            if status in self.statuses():
                return status
        return "within"


def _amount(basis: str):
    """A line's amount, net or gross: the line keeps its net amount (workflows.models.spending)."""
    if basis == BudgetPolicy.Basis.NET:
        return F("net_amount")
    return ExpressionWrapper(F("net_amount") + F("tax_amount"), output_field=MONEY)


def _line_amount(line: RequestLine, treatment: str, basis: str) -> Decimal:
    inclusive = treatment == TaxTreatment.INCLUSIVE
    if basis == BudgetPolicy.Basis.NET:
        return line.line_amount - line.tax_amount if inclusive else line.line_amount
    return line.line_amount if inclusive else line.line_amount + line.tax_amount


def _used(request: ApprovalRequest, months: list[date], accounts: set[int], basis: str, by_option: bool) -> dict:
    """Spent and on approval, by account (or account and option), in the period, other requests
    only: one index of lines, each carrying its month and what it counts as."""
    rows = (RequestLine.objects.filter(account_id__in=accounts, month__in=months, counts_as__in=[SPENT, OPEN])
            .exclude(request_id=request.pk).order_by())  # no ordering: the lines' default would join every request
    keys = ["account_id", "tracking"] if by_option else ["account_id"]
    if by_option:
        rows = rows.filter(tracking__isnull=False)
    amount = _amount(basis)
    totals = rows.values(*keys).annotate(
        spent=Sum(amount, filter=Q(counts_as=SPENT), default=Value(ZERO), output_field=MONEY),
        open=Sum(amount, filter=Q(counts_as=OPEN), default=Value(ZERO), output_field=MONEY))
    # To the cent: SQLite (the demo's database) sums decimals as floats, and loses their places.
    return {(row["account_id"], row["tracking"] if by_option else None): (round_money(row["spent"]),
                                                                           round_money(row["open"])) for row in totals}


def budget_check(request: ApprovalRequest, lines: list[RequestLine] | None = None) -> BudgetCheck | None:
    """The request against its budgets; None when the organisation keeps none. `lines`, when the
    caller has them (stored lines with account and tracking loaded, or the content just written),
    saves reading them again; so does `request.keeps_budgets`, when it was read with the request.
    Credit notes and bank transactions are not checked."""
    if request.kind != ApprovalRequest.Kind.BILL:
        return None
    keeps = getattr(request, "keeps_budgets", None)
    if not (Budget.objects.filter(organisation_id=request.organisation_id).exists() if keeps is None else keeps):
        return None  # most pages are of organisations without budgets: one query for them, or none
    policy = BudgetPolicy.objects.filter(organisation_id=request.organisation_id).first() or BudgetPolicy()
    months = period_months(policy.period, policy.year_starts_in, request.date)
    if lines is None:
        lines = list(request.current_lines().select_related("account").prefetch_related("tracking__category"))
    lines = [line for line in lines if line.account is not None]
    accounts = {line.account.pk for line in lines}
    budgets = {(row["account_id"], row["tracking_option_id"]): round_money(row["total"]) for row in
               Budget.objects.filter(organisation_id=request.organisation_id, account_id__in=accounts,
                                     month__in=months).values("account_id", "tracking_option_id")
               .annotate(total=Sum("amount"))}
    check = BudgetCheck(period=describe(months), basis=policy.get_basis_display())
    found: dict[tuple, BudgetLine] = {}
    for line in lines:
        options = line.tracking.all() if hasattr(line.tracking, "all") else line.tracking
        keys = [(line.account, None)] + [(line.account, option) for option in options
                                         if (line.account.pk, option.pk) in budgets]
        for account, option in keys:
            key = (account.pk, option.pk if option else None)
            if key not in found:
                found[key] = BudgetLine(account, option, budgets.get(key))
            found[key].this += _line_amount(line, request.tax_treatment, policy.basis)
    used = _used(request, months, accounts, policy.basis, by_option=False)
    if any(option for _, option in found):
        used |= _used(request, months, accounts, policy.basis, by_option=True)
    for key, line in found.items():
        line.spent, line.open = used.get(key, (ZERO, ZERO))
    check.lines = sorted(found.values(), key=lambda b: (b.account.code, b.option is not None, b.label))
    return check
