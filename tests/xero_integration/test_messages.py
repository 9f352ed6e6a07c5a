import pytest

from xero_integration.messages import plain_words, publish_error_text


@pytest.mark.parametrize("xero_says, plain", [
    ("Account code '999' has been archived, or has been deleted. Each line item must use a valid account code.",
     "The account 999 is archived in Xero. Choose another account, then publish again."),
    ("The TrackingOption 'Central' is not valid for TrackingCategory 'Region'",
     "The tracking option “Central” of “Region” is unknown or archived in Xero. Choose another option, "
     "then publish again."),
    ("The document date cannot be before the period lock date, 31 Mar 2026.",
     "The bill's date is on or before Xero's period lock date (31 Mar 2026). Change the date, or ask your "
     "accountant to move the lock date, then publish again."),
    ("The contact 'Acme Supplies Ltd' has been archived and cannot be used.",
     "The supplier “Acme Supplies Ltd” is archived in Xero. Restore the contact in Xero, then publish again."),
    ("Something new", "Xero said: Something new"),
])
def test_xeros_messages_are_said_in_plain_words(xero_says, plain):
    assert plain_words(xero_says) == plain


def test_the_same_problem_is_said_once():
    message = "Account code '999' has been archived, or has been deleted."
    assert publish_error_text([message, message]) == (
        "Xero refused it. The account 999 is archived in Xero. Choose another account, then publish again.")
