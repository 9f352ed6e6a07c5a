"""The single-machine demo of `make run`: sandboxes on, embedded database, no servers needed."""

import os

for _name, _value in {"DEBUG": "1", "XERO_SANDBOX": "1", "QBO_SANDBOX": "1", "DEXT_SANDBOX": "1", "MAIL_SANDBOX": "1"}.items():
    os.environ.setdefault(_name, _value)

from approvalmax.settings.base import *  # noqa: E402,F403
