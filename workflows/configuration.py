"""Writes to how an organisation approves, as opposed to what it approves: substitutes, and
new versions of a workflow."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.models import Membership, Organisation
from workflows.exceptions import InvalidSubstitution
from workflows.models import ApprovalRequest, MatrixRule, Substitution, Workflow
from workflows.trail import person_label


# Substitutes.


def substitution_validate(*, organisation: Organisation, user: AbstractBaseUser, substitute: AbstractBaseUser,
                          starts_on: date, ends_on: date) -> None:  # fmt: skip
    """Why `substitute` may not decide for `user` on these dates, if they may not. Chains are
    refused: a substitute may not be away themselves, nor substitute for someone, meanwhile."""
    if substitute.pk == user.pk:
        raise InvalidSubstitution("Name someone else as your substitute.", fields={"substitute": "Not yourself."})
    if ends_on < starts_on:
        raise InvalidSubstitution("The end date is before the start date.", fields={"ends_on": "Before the start."})
    members = Membership.objects.filter(organisation=organisation, user__in=[user, substitute])
    if members.count() != 2:
        raise InvalidSubstitution("Both people must be members of the organisation.",
                                  fields={"substitute": "Not a member."})  # fmt: skip
    overlapping = Substitution.objects.filter(organisation=organisation, starts_on__lte=ends_on,
                                              ends_on__gte=starts_on)  # fmt: skip
    if overlapping.filter(user=substitute).exists():
        raise InvalidSubstitution(
            f"{person_label(substitute)} is away then and has a substitute: chains of substitutes are not allowed.",
            fields={"substitute": "Away at the same time."},
        )
    if overlapping.filter(substitute=user).exists():
        raise InvalidSubstitution(
            f"{person_label(user)} substitutes for someone then: chains of substitutes are not allowed.",
            fields={"substitute": "You are someone's substitute at the same time."},
        )
    if overlapping.filter(user=user).exists():
        raise InvalidSubstitution("There is already a substitute for part of these dates.",
                                  fields={"starts_on": "Overlaps another substitution."})  # fmt: skip


@transaction.atomic
def substitution_create(*, organisation: Organisation, user: AbstractBaseUser, substitute: AbstractBaseUser,
                        starts_on: date, ends_on: date) -> Substitution:  # fmt: skip
    """`substitute` decides for `user` from `starts_on` to `ends_on` (both included)."""
    # One organisation's substitutions are named one at a time, so two cannot form a chain.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    substitution_validate(organisation=organisation, user=user, substitute=substitute, starts_on=starts_on,
                          ends_on=ends_on)  # fmt: skip
    return Substitution.objects.create(organisation=organisation, user=user, substitute=substitute,
                                       starts_on=starts_on, ends_on=ends_on)  # fmt: skip


# Workflow versions.


class CannotPublish(ApplicationError):
    pass


@transaction.atomic
def workflow_new_draft(*, workflow_id: int, user: AbstractBaseUser | None = None) -> Workflow:
    """A draft copy of a workflow version, steps and matrix included, numbered after the latest.
    Nothing runs on it until it is published (workflow_publish)."""
    source = Workflow.objects.select_for_update().get(pk=workflow_id)
    latest = Workflow.objects.filter(organisation_id=source.organisation_id).order_by("-version").first()
    copy = Workflow.objects.create(
        organisation_id=source.organisation_id, name=source.name, version=latest.version + 1,
        requester_may_approve=source.requester_may_approve,
        approve_all_steps_at_once=source.approve_all_steps_at_once, created_by=user, is_draft=True,
    )  # fmt: skip
    copy.required_tracking_categories.set(source.required_tracking_categories.all())
    for step in source.steps.order_by("position"):
        approvers, rules = list(step.approvers.all()), list(step.rules.order_by("pk"))
        step.pk = None
        step.workflow = copy
        step.save()
        step.approvers.set(approvers)
        for rule in rules:
            rule.pk = None
            rule.step = step
        MatrixRule.objects.bulk_create(rules)
    return copy


@transaction.atomic
def workflow_publish(*, workflow_id: int) -> Workflow:
    """A draft goes live: new requests and revisions run on it; running requests keep theirs."""
    draft = Workflow.objects.select_for_update().get(pk=workflow_id)
    if not draft.is_draft:
        raise CannotPublish(f"Version {draft.version} is already published.")
    live = Workflow.objects.filter(organisation_id=draft.organisation_id, is_draft=False).order_by("-version").first()
    if live is not None and live.version > draft.version:
        raise CannotPublish(f"Version {live.version} is live and newer than this draft: make a new draft from it.")
    if not draft.steps.exists():
        raise CannotPublish(f"Version {draft.version} has no steps: add at least one before publishing it.")
    draft.is_draft = False
    draft.save(update_fields=["is_draft"])
    return draft


def workflow_in_use(*, workflow: Workflow) -> bool:
    return ApprovalRequest.objects.filter(workflow=workflow).exists()
