"""Two beats started on two machines: one schedules, the other waits as a standby and takes over
when the first dies, so no scheduled run is sent twice."""

import json
import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings as django_settings

from approvalmax.celery import app as celery_app
from tests.conftest import require_service

pytestmark = pytest.mark.e2e

SWEEP_SECONDS = 1


def _sweeps_sent(broker: redis.Redis) -> int:
    messages = [json.loads(raw) for raw in broker.lrange("celery", 0, -1)]
    return sum(1 for message in messages if message["headers"]["task"] == "xero.publish_sweep")


def _beat(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "celery", "--quiet", "-A", "approvalmax", "beat",
                             "--loglevel=INFO"], cwd=django_settings.BASE_DIR, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def test_a_second_beat_is_a_standby_not_a_duplicate(settings, tmp_path):
    if not settings.REDIS_URL:
        require_service("Redis", "the beats share their lock and schedule in it (REDIS_URL)")
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        broker.ping()
    except redis.RedisError as exc:
        require_service("Redis", f"beat sends to it ({exc})")
    celery_app.control.purge()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "approvalmax.settings.test", "REDIS_URL": settings.REDIS_URL,
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "PUBLISH_SWEEP_SECONDS": str(SWEEP_SECONDS),
           "REDBEAT_KEY_PREFIX": (prefix := f"redbeat-{uuid.uuid4().hex}:"), "BEAT_LOCK_TIMEOUT_SECONDS": "3"}  # fmt: skip
    logs = [open(tmp_path / f"beat-{n}.log", "w") for n in (1, 2)]
    beats = [_beat(env, logs[0])]
    try:
        time.sleep(3)  # the first has the lock
        beats.append(_beat(env, logs[1]))
        start = _sweeps_sent(broker)
        time.sleep(8)
        both_running = _sweeps_sent(broker) - start
        assert all(beat.poll() is None for beat in beats)
        # One scheduler: about one sweep a second, not two.
        assert 5 <= both_running <= 8 / SWEEP_SECONDS + 1, both_running

        os.killpg(beats[0].pid, signal.SIGKILL)
        beats[0].wait()
        before = _sweeps_sent(broker)
        time.sleep(10)  # the lock lapses after 3 s; the standby acquires it and goes on
        taken_over = _sweeps_sent(broker) - before
        assert taken_over >= 3, (tmp_path / "beat-2.log").read_text()[-2000:]
    finally:
        for beat in beats:
            if beat.poll() is None:
                os.killpg(beat.pid, signal.SIGTERM)
                beat.wait(timeout=30)
        for log in logs:
            log.close()
        celery_app.control.purge()
        store = redis.Redis.from_url(settings.REDIS_URL)
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)
