"""QuickBooks Online's refusals in plain words, for the request page and the administrators."""

from quickbooks_integration.exceptions import QuickBooksFault

HINTS = {
    "6240": "A vendor, customer or employee of that name already exists in QuickBooks Online.",
    "2500": "Something the bill refers to (vendor, account, VAT code, class or department) is no longer in "
            "QuickBooks Online: sync the master data and correct the request.",
    "610": "Something the bill uses has been made inactive in QuickBooks Online: make it active again or "
           "choose another.",
    "6000": "QuickBooks Online refused the bill.",
}


def publish_error_text(fault: QuickBooksFault) -> str:
    hint = next((HINTS[code] for code in fault.codes if code in HINTS), "QuickBooks Online refused the bill.")
    return f"{hint} QuickBooks Online said: {' '.join(fault.messages)}"


def gave_up_text(exc: Exception, *, attempts: int) -> str:
    return (f"QuickBooks Online could not be reached after {attempts} attempts ({exc}). Publish again once "
            "it answers; nothing is created twice.")
