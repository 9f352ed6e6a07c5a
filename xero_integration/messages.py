"""Xero's validation messages, said in plain words for the people on the request page."""

import re

_PLAIN = [
    (re.compile(r"Account code '(?P<code>[^']*)' has been archived, or has been deleted"),
     "The account {code} is archived in Xero. Choose another account, then publish again."),
    (re.compile(r"Account code '(?P<code>[^']*)' is not a valid code for this document"),
     "The account {code} cannot be used on a bill. Choose another account, then publish again."),
    (re.compile(r"Each line item must reference a valid account|Account could not be found"),
     "An account on this bill does not exist in Xero. Sync the master data, recode the line, then publish again."),
    (re.compile(r"The TrackingOption '(?P<option>[^']*)' is not valid for TrackingCategory '(?P<category>[^']*)'"),
     "The tracking option “{option}” of “{category}” is unknown or archived in Xero. "
     "Choose another option, then publish again."),
    (re.compile(r"The TrackingCategory '(?P<category>[^']*)' is not valid"),
     "The tracking category “{category}” is unknown or archived in Xero. Remove it or choose another, "
     "then publish again."),
    (re.compile(r"The document date cannot be before the (?P<which>period|end of year) lock date, (?P<date>[^.]+)"),
     "The bill's date is on or before Xero's {which} lock date ({date}). Change the date, or ask your "
     "accountant to move the lock date, then publish again."),
    (re.compile(r"The contact '(?P<name>[^']*)' has been archived"),
     "The supplier “{name}” is archived in Xero. Restore the contact in Xero, then publish again."),
    (re.compile(r"The TaxType code '(?P<tax>[^']*)' cannot be used with account code '(?P<code>[^']*)'"),
     "The tax rate {tax} cannot be used with the account {code}. Choose another tax rate, then publish again."),
    (re.compile(r"The TaxType code '(?P<tax>[^']*)' does not exist or cannot be used"),
     "The tax rate {tax} is archived in Xero or not for bills. Choose another tax rate, then publish again."),
    (re.compile(r"Organisation is not subscribed to currency (?P<currency>\w+)"),
     "The currency {currency} is not enabled in Xero. Add it in Xero's currency settings, then publish again."),
    (re.compile(r"Account type is invalid for making a payment"),
     "The payment account cannot take payments in Xero. Choose a bank account, then publish again."),
]


def plain_words(message: str) -> str:
    for pattern, template in _PLAIN:
        match = pattern.search(message)
        if match:
            return template.format(**match.groupdict())
    return f"Xero said: {message.strip()}"


def publish_error_text(messages: list[str]) -> str:
    said = list(dict.fromkeys(plain_words(m) for m in messages if m.strip())) or ["Xero refused it."]
    return "Xero refused it. " + " ".join(said)


def gave_up_text(exc: Exception, *, attempts: int) -> str:
    """Why publishing stopped trying, for the request page and its administrators."""
    from xero_integration.exceptions import XeroAuthError, XeroRateLimited

    if isinstance(exc, XeroAuthError):
        cause = "The Xero connection needs reconnecting: Xero no longer accepts our grant."
        then = "Reconnect Xero on the connection page, then publish again."
    elif isinstance(exc, XeroRateLimited):
        cause = "Xero kept refusing calls because the organisation's API limit was reached."
        then = "Publish again later."
    else:
        cause = "Xero could not be reached, or answered with an error, every time."
        then = "Publish again once Xero is available."
    return f"Publishing stopped after {attempts} attempts. {cause} {then} (Last answer: {str(exc)[:300]})"
