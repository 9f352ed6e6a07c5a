"""What the core announces, and the one way anything with effects is announced: on commit.

A receiver that enqueues work, sends mail or calls out must never act on data that is then
rolled back, so every such signal goes through `send_on_commit`: inside a transaction it is
sent once the outermost one commits (and never, if it rolls back); outside one, at once."""

from django.db import transaction
from django.dispatch import Signal

# kwargs: organisation_id (int), lists (set of names among MasterDataList values) that changed.
master_data_changed = Signal()


def send_on_commit(signal: Signal, sender, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
