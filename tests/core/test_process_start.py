"""A long-lived process keeps what it starts with out of the garbage collector's full passes."""

import gc
import weakref

from celery.signals import worker_process_init

from approvalmax.celery import _child_ready


def test_a_celery_pool_child_keeps_what_it_starts_with_out_of_the_collectors_passes():
    # Called, not sent: the signal's other receivers (Celery's Django fixup, once a test worker
    # has run) close the database connections' sockets, as a forked child must.
    receivers = [r() if isinstance(r, weakref.ReferenceType) else r for _, r in worker_process_init.receivers]
    assert _child_ready in receivers
    gc.unfreeze()
    try:
        _child_ready()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
