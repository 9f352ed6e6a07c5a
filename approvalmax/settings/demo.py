"""The single-machine demo of `make run`: sandboxes on, embedded database, no servers needed."""

import os

# The Xero stand-in signs its webhooks with the demo's key, so bills it holds for approval arrive at once.
for _name, _value in {"DEBUG": "1", "XERO_SANDBOX": "1", "QBO_SANDBOX": "1", "DEXT_SANDBOX": "1", "MAIL_SANDBOX": "1",
                      "XERO_WEBHOOK_KEY": "demo-webhook-key"}.items():
    os.environ.setdefault(_name, _value)

from approvalmax.settings.base import *  # noqa: E402,F403
