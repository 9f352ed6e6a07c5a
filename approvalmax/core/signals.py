"""What the core announces. Sent inside the writer's transaction: receivers enqueue work on commit."""

from django.dispatch import Signal

# kwargs: organisation_id (int), lists (set of names among MasterDataList values) that changed.
master_data_changed = Signal()
