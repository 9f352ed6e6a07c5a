"""What the benches that talk to the stand-ins in-process share: a live server on a free port,
a recorder of the client's calls, and waiting for a fresh rate window."""

import time
from contextlib import contextmanager

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connection
from django.test.testcases import LiveServerThread


def start_server() -> tuple[LiveServerThread, str]:
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return server, f"http://127.0.0.1:{server.port}"


def stop_server(server: LiveServerThread) -> None:
    """Stop it, and end every other session on the bench's database, which a thread of the
    server may still hold open: else the database cannot be dropped after the figures."""
    server.terminate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")


class Recorder:
    """Every call a client module sends through its `_send`, and the 429s it gets back."""

    def __init__(self, original) -> None:
        self.calls = 0
        self.refused = 0
        self.original = original

    def __call__(self, session, method, url, **kwargs):
        self.calls += 1
        response = self.original(session, method, url, **kwargs)
        if response.status_code == 429:
            self.refused += 1
        return response


@contextmanager
def recording(client_module):
    """Count the calls of `client_module` (its `_send`) while the block runs."""
    recorder = Recorder(client_module._send)
    client_module._send = recorder
    try:
        yield recorder
    finally:
        client_module._send = recorder.original


def wait_for_a_fresh_window(length: float) -> None:
    """Rate windows are fixed: start at the beginning of one, so that every run is measured alike."""
    time.sleep(length - time.time() % length + 0.01)
