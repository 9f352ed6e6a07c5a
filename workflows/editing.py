"""Editing on review and on approval: coding may change, the total never does."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F

from approvalmax.core.models import Account, TaxRate, TrackingOption
from approvalmax.core.money import bill_totals, line_tax
from workflows.exceptions import EditNotAllowed, TotalWouldChange
from workflows.models import ApprovalRequest, AuditEvent, RequestLine, WorkflowStep
from workflows.deciders import decider_for, locked_request
from workflows.trail import audit

NOT_SET = object()


def _editable_line(request: ApprovalRequest, user: AbstractBaseUser, line_id: int, step_id: int | None,
                   wanted: set[str]) -> RequestLine:  # fmt: skip
    decider_for(request, user, step_id)
    refused = wanted - request.current_step.allowed_edits()
    if refused:
        raise EditNotAllowed(
            f"At step {request.current_step.position}, {request.current_step.name}, you may not change: "
            + ", ".join(sorted(refused)) + "."
        )
    line = request.current_lines().filter(pk=line_id).select_related("account", "tax_rate").first()
    if line is None:
        raise EditNotAllowed("There is no such line in the current revision.")
    return line


def _retotal(request: ApprovalRequest) -> None:
    """New tax per line can only move tax between sub total and tax: the total must stay."""
    lines = list(request.current_lines())
    sub_total, tax_total, total = bill_totals([(x.line_amount, x.tax_amount) for x in lines],
                                              request.tax_treatment)  # fmt: skip
    if total != request.total:
        raise TotalWouldChange(
            f"The total would change from {request.total} to {total}: edits may change the coding, never the total."
        )
    request.sub_total, request.tax_total = sub_total, tax_total
    request.save(update_fields=["sub_total", "tax_total", "updated_at"])


def _tracking_label(options) -> str:
    return ", ".join(f"{o.category.name}: {o.name}" for o in sorted(options, key=lambda o: o.category.name)) or "none"


@transaction.atomic
def request_line_edit(*, request_id: int, user: AbstractBaseUser, line_id: int, step_id: int | None = None,
                      description=NOT_SET, account_id=NOT_SET, tax_rate_id=NOT_SET,
                      tracking_option_ids=NOT_SET) -> RequestLine:  # fmt: skip
    """Change a line's coding, as far as the current step allows; each changed field is
    recorded in the audit trail on its own."""
    request = locked_request(request_id)
    line = RequestLine.objects.filter(pk=line_id, request=request).select_related("account", "tax_rate").first()
    current_tracking = list(line.tracking.select_related("category")) if line else []
    changes: list[tuple[str, str, str]] = []
    if description is not NOT_SET and line and description != line.description:
        changes.append(("description", line.description, description))
    if account_id is not NOT_SET and line and account_id != line.account_id:
        account = Account.objects.active().filter(organisation=request.organisation, pk=account_id).exclude(
            type="BANK").first()  # fmt: skip
        if account is None:
            raise EditNotAllowed("Choose an active expense account of the organisation.")
        changes.append(("account", str(line.account), str(account)))
    if tax_rate_id is not NOT_SET and line and tax_rate_id != line.tax_rate_id:
        tax_rate = TaxRate.objects.active().filter(organisation=request.organisation, pk=tax_rate_id).first()
        if tax_rate is None:
            raise EditNotAllowed("Choose an active tax rate of the organisation.")
        changes.append(("tax_rate", str(line.tax_rate or "none"), str(tax_rate)))
    new_tracking = None
    if tracking_option_ids is not NOT_SET and line:
        new_tracking = list(TrackingOption.objects.active().filter(
            category__organisation=request.organisation, pk__in=tracking_option_ids).select_related("category"))
        if len(new_tracking) != len(set(tracking_option_ids)) or len({o.category_id for o in new_tracking}) != len(
                new_tracking):  # fmt: skip
            raise EditNotAllowed("Choose at most one active option of each tracking category.")
        required = request.workflow.required_tracking_categories.exclude(
            pk__in=[o.category_id for o in new_tracking]).order_by("name").first() if request.workflow else None
        if required is not None:
            raise EditNotAllowed(f"Tracking category {required.name!r} is required on every line.")
        if {o.pk for o in new_tracking} != {o.pk for o in current_tracking}:
            changes.append(("tracking", _tracking_label(current_tracking), _tracking_label(new_tracking)))
    line = _editable_line(request, user, line_id, step_id, {field for field, _, _ in changes})
    for field, _, _ in changes:
        if field == "description":
            line.description = description
        elif field == "account":
            line.account = account
        elif field == "tax_rate":
            line.tax_rate = tax_rate
            line.tax_amount = line_tax(line.line_amount, tax_rate.effective_rate, request.tax_treatment)
    line.save()
    if new_tracking is not None:
        line.tracking.set(new_tracking)
    _retotal(request)
    for field, before, after in changes:
        audit(request, AuditEvent.Action.LINE_EDITED, actor=user,
               message=f"Line {line.position}, {field.replace('_', ' ')}: "
               f"{before or '(empty)'} → {after or '(empty)'}.",
               data={"line": line.position, "field": field, "from": before, "to": after})  # fmt: skip
    return line


@transaction.atomic
def request_line_split(*, request_id: int, user: AbstractBaseUser, line_id: int, amount: Decimal,
                       step_id: int | None = None) -> RequestLine:  # fmt: skip
    """Split `amount` off a line into a new line with the same coding, right after it."""
    request = locked_request(request_id)
    line = _editable_line(request, user, line_id, step_id, {WorkflowStep.EditableField.SPLIT})
    whole = line.line_amount
    if not (0 < abs(amount) < abs(whole)) or (amount > 0) != (whole > 0):
        raise EditNotAllowed(f"Split off part of the line's amount, between 0 and {whole}, both excluded.")
    rate = line.tax_rate.effective_rate if line.tax_rate else Decimal(0)
    tracking = list(line.tracking.all())
    request.current_lines().filter(position__gt=line.position).update(position=F("position") + 1)
    remainder = whole - amount
    line.quantity, line.unit_amount, line.line_amount = Decimal(1), remainder, remainder
    line.tax_amount = line_tax(remainder, rate, request.tax_treatment)
    line.save()
    new_line = RequestLine.objects.create(
        request=request, revision=request.revision, position=line.position + 1, description=line.description,
        quantity=Decimal(1), unit_amount=amount, account=line.account, tax_rate=line.tax_rate, line_amount=amount,
        tax_amount=line_tax(amount, rate, request.tax_treatment),
    )  # fmt: skip
    new_line.tracking.set(tracking)
    _retotal(request)
    audit(request, AuditEvent.Action.LINE_SPLIT, actor=user,
           message=f"Line {line.position} ({whole}) split into line {line.position} ({remainder}) "
           f"and line {new_line.position} ({amount}).",
           data={"line": line.position, "from": str(whole), "to": [str(remainder), str(amount)]})  # fmt: skip
    return new_line
