"""A long-lived process keeps what it starts with out of the garbage collector's full passes."""

import gc

from celery.signals import worker_process_init


def test_a_celery_pool_child_keeps_what_it_starts_with_out_of_the_collectors_passes():
    gc.unfreeze()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
