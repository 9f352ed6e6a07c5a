"""Xero names an organisation's time zone by its Windows id, squeezed: "GMTSTANDARDTIME" for
"GMT Standard Time". People read IANA names ("Europe/London"); tzlocal carries CLDR's mapping."""

from functools import cache

from tzlocal.windows_tz import win_tz


@cache
def _squeezed() -> dict[str, str]:
    return {windows.replace(" ", "").upper(): iana for windows, iana in win_tz.items()}


def iana_name(xero_timezone: str) -> str:
    """The IANA name of Xero's time zone code, or "" when it names none we know."""
    return _squeezed().get((xero_timezone or "").replace(" ", "").upper(), "")
