"""The accounting system, as everything outside its adapter sees it: a port, and a registry of
the systems that implement it.

An organisation is connected to one accounting system at a time. Each adapter registers one
`AccountingSystem` in its `AppConfig.ready()`; the core, the engine and the Dext side ask the
registry which one an organisation uses (`system_for`) and call it through the methods below,
never by name. The model is Saleor's plugin manager (dispatch to the active plugin) with its
neutral result types."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import CharField, Value

from approvalmax.core.exceptions import ApplicationError

NOT_CONNECTED = ("This organisation is not connected to an accounting system: the bill cannot be created "
                 "until an administrator connects one.")


@dataclass(frozen=True)
class ConnectionState:
    """What an adapter says of an organisation's connection, in our words."""

    system: "AccountingSystem"
    company_name: str
    connected: bool  # False: it exists but needs an administrator to reconnect it
    problem: str = ""


@dataclass(frozen=True)
class BudgetFigure:
    """One month's budget in the accounting system, in our master data's terms."""

    account_id: int
    tracking_option_id: int | None
    month: date
    amount: Decimal


@dataclass(frozen=True)
class RateFigure:
    """A rate the accounting system applied: `rate` units of `currency` to one of the base, on `on`."""

    currency: str
    rate: Decimal
    on: date


class AccountingDataUnavailable(ApplicationError):
    """Figures the system cannot give now; the message says what an administrator can do."""


class RatesUnavailable(AccountingDataUnavailable):
    code = "rates_unavailable"


class BudgetsUnavailable(AccountingDataUnavailable):
    code = "budgets_unavailable"


class AccountingSystem:
    """What the core asks of an accounting system. An adapter subclasses it and registers one."""

    key: str = ""  # stored with what came from it (master data's `external_system`, a request's)
    name: str = ""  # shown to people: "the bill has been created in {name}"
    connection_url_name: str = ""  # the adapter's connection page, reversed with the organisation's slug

    def connection_rows(self, organisation_id: int):
        """The organisation's connection as a `values()` queryset of `shown_name`, `is_connected`
        and `problem_text`, which the registry asks together with the other systems' in one UNION
        query. None (the default) when the system answers `connection()` some other way."""
        return None

    def connection(self, organisation_id: int) -> ConnectionState | None:
        """The organisation's connection to this system, or None when it has none."""
        rows = self.connection_rows(organisation_id)
        if rows is None:
            raise NotImplementedError
        return self.connection_state(next(iter(rows), None))

    def connection_state(self, row: dict | None) -> ConnectionState | None:
        if row is None:
            return None
        return ConnectionState(system=self, company_name=row["shown_name"], connected=row["is_connected"],
                               problem=row["problem_text"])

    def master_data_refresh(self, organisation_id: int):
        """A Celery signature that refreshes the organisation's master data from this system."""
        raise NotImplementedError

    def publish_approved(self, organisation_id: int) -> None:
        """Enqueue publishing of the organisation's approved requests (on commit)."""
        raise NotImplementedError

    def problems_before_approval(self, request) -> list[str]:
        """What this system would refuse in the request, in plain words; empty when it would accept it."""
        raise NotImplementedError

    def budgets(self, organisation_id: int) -> list[BudgetFigure]:
        """The organisation's budgets there (calls the system: run it in a task)."""
        raise BudgetsUnavailable(f"Budgets cannot be read from {self.name}: upload them as a file instead.")

    def exchange_rates(self, organisation_id: int) -> list[RateFigure]:
        """The rate it applied to its latest bill in each currency (calls the system: a task's work)."""
        raise RatesUnavailable(f"{self.name}'s rates cannot be read here: keep the organisation's rate table instead.")

    def connection_url(self, organisation_slug: str) -> str:
        from django.urls import reverse

        return reverse(self.connection_url_name, args=[organisation_slug])


_systems: dict[str, AccountingSystem] = {}


def register(system: AccountingSystem) -> AccountingSystem:
    """Register an adapter's system; registering the same key again replaces it."""
    if not system.key or not system.name:
        raise ValueError("An accounting system needs a key and a name.")
    _systems[system.key] = system
    return system


def unregister(key: str) -> None:
    _systems.pop(key, None)


def systems() -> list[AccountingSystem]:
    """Every registered system, in registration order."""
    return list(_systems.values())


def system_named(key: str) -> AccountingSystem | None:
    return _systems.get(key)


def connection_for(organisation_id: int) -> ConnectionState | None:
    """The organisation's connection, whichever system it is with; None when it has none. One
    query for all the systems that give `connection_rows`, then any other, in registration order."""
    asked = [(system, system.connection_rows(organisation_id)) for system in _systems.values()]
    tables = [rows.annotate(system_key=Value(system.key, output_field=CharField()))
              for system, rows in asked if rows is not None]
    found = {row["system_key"]: row for row in (tables[0].union(*tables[1:], all=True) if tables else [])}
    for system, rows in asked:
        state = system.connection(organisation_id) if rows is None else system.connection_state(found.get(system.key))
        if state is not None:
            return state
    return None


def system_for(organisation_id: int) -> AccountingSystem | None:
    state = connection_for(organisation_id)
    return state.system if state else None


def another_system_refusal(organisation_id: int, key: str) -> str:
    """Why the organisation may not connect system `key` now ("" when it may): an organisation
    uses one accounting system at a time."""
    other = system_for(organisation_id)
    if other is None or other.key == key:
        return ""
    return (f"This organisation is connected to {other.name}. An organisation uses one accounting system at a "
            f"time: disconnect {other.name} first.")


# "Not looked up yet", as opposed to None: the organisation has no system.
ASK = object()


def problems_before_approval(request, system: "AccountingSystem | None | object" = ASK) -> list[str]:
    """What the organisation's accounting system would refuse in the request. `system`, the
    organisation's when the caller has looked it up, saves looking again."""
    if system is ASK:
        system = system_for(request.organisation_id)
    if system is None:
        return [NOT_CONNECTED]
    return system.problems_before_approval(request)


def publish_approved(organisation_id: int) -> bool:
    """Hand the organisation's approved requests to its system's publisher. False when it has no
    system: the requests wait, approved, until an administrator connects one."""
    system = system_for(organisation_id)
    if system is None:
        return False
    system.publish_approved(organisation_id)
    return True


def master_data_refresh(organisation_id: int):
    """A signature refreshing the organisation's master data, or None when it has no system."""
    system = system_for(organisation_id)
    return system.master_data_refresh(organisation_id) if system else None


def budgets_for(organisation_id: int) -> list[BudgetFigure]:
    """The budgets in the organisation's accounting system; BudgetsUnavailable when there are none to read."""
    system = system_for(organisation_id)
    if system is None:
        raise BudgetsUnavailable("Connect an accounting system first, or upload the budgets as a file.")
    return system.budgets(organisation_id)


def exchange_rates_for(organisation_id: int) -> list[RateFigure]:
    system = system_for(organisation_id)
    if system is None:
        raise RatesUnavailable("Connect an accounting system first, or keep the organisation's rate table.")
    return system.exchange_rates(organisation_id)
