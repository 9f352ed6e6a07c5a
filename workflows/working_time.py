"""Deadlines count working time: the organisation's working days and hours, in its time zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from approvalmax.core.models import Organisation
from workflows.models import WorkflowStep


def _day_length(organisation: Organisation) -> timedelta:
    today = date(2000, 1, 3)
    return datetime.combine(today, organisation.working_day_ends) - datetime.combine(today, organisation.working_day_starts)


def add_working_time(start: datetime, amount: int, unit: str, organisation: Organisation) -> datetime:
    """The moment `amount` working hours or days after `start`; a working day is as long as the
    organisation's. Time outside working hours does not count, so a bill that arrives on Friday
    evening with one working day to go is due on Monday at the end of the working day (or at the
    same time on Tuesday, had it arrived on Monday morning)."""
    zone = ZoneInfo(organisation.timezone)
    worked = {int(day) for day in organisation.working_days}
    hours = timedelta(hours=amount) if unit == WorkflowStep.DeadlineUnit.WORKING_HOURS else _day_length(organisation) * amount
    cursor = start.astimezone(zone)
    remaining = hours
    for _ in range(3660):  # ten years of days: a bound, not a limit any deadline reaches
        opens = datetime.combine(cursor.date(), organisation.working_day_starts, tzinfo=zone)
        closes = datetime.combine(cursor.date(), organisation.working_day_ends, tzinfo=zone)
        if cursor.isoweekday() in worked and cursor < closes:
            cursor = max(cursor, opens)
            available = closes - cursor
            if remaining <= available:
                return (cursor + remaining).astimezone(ZoneInfo("UTC"))
            remaining -= available
        cursor = datetime.combine(cursor.date() + timedelta(days=1), time(0, 0), tzinfo=zone)
    raise ValueError("The organisation's working week has no working time.")


def step_due_at(step: WorkflowStep, started_at: datetime, organisation: Organisation) -> datetime | None:
    if not step.deadline:
        return None
    return add_working_time(started_at, step.deadline, step.deadline_unit, organisation)
