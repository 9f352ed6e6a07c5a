"""Prometheus metrics that hold for the whole deployment, not one process.

Counts made by any process (the accounting system's calls and 429s, publish failures, the time
from approval to published) are kept in Redis hashes, or in the demo's shared cache, and read
at scrape time; what the database or the broker already knows (requests by state, queue depth)
is read from them then. So any web process answers for all of them, on one machine or many.
Apps add their own families with `register`."""

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

from approvalmax.core.locks import redis_client

logger = logging.getLogger(__name__)

PREFIX = "approvalmax_"
_KEY = "metrics:{}"
ACCOUNTING_CALLS = "accounting_calls"
ACCOUNTING_RATE_LIMITED = "accounting_rate_limited"
_collectors: list[Callable[[], Iterable]] = []
# Seconds from approval to published: a minute is the sweep's promise, an hour is trouble.
PUBLISH_BUCKETS = (5, 15, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600)


def register(collector: Callable[[], Iterable]) -> None:
    if collector not in _collectors:
        _collectors.append(collector)


def _store() -> redis.Redis | None:
    return redis_client(settings.REDIS_URL) if settings.REDIS_URL else None


def _field(labels: dict) -> str:
    return json.dumps({k: str(v) for k, v in labels.items()}, sort_keys=True)


def _add(name: str, amounts: dict[str, float]) -> None:
    """Add to several fields of one hash. A metric is never worth failing the caller for."""
    try:
        store = _store()
        if store is not None:
            pipe = store.pipeline(transaction=False)
            for field, amount in amounts.items():
                pipe.hincrbyfloat(_KEY.format(name), field, amount)
            pipe.execute()
            return
        # The demo: one machine, a file cache; a lost update now and then costs a count.
        values = cache.get(_KEY.format(name)) or {}
        for field, amount in amounts.items():
            values[field] = values.get(field, 0.0) + amount
        cache.set(_KEY.format(name), values, timeout=None)
    except (redis.RedisError, OSError):
        logger.warning("Could not record the metric %s", name, exc_info=True)


def increment(name: str, amount: float = 1.0, **labels) -> None:
    _add(name, {_field(labels): amount})


def observe(name: str, value: float, buckets: tuple = PUBLISH_BUCKETS, **labels) -> None:
    amounts = {_field({**labels, "le": le}): 1.0 for le in buckets if value <= le}
    amounts[_field({**labels, "le": "+Inf"})] = 1.0
    amounts[_field({**labels, "stat": "sum"})] = value
    _add(name, amounts)


def read(name: str) -> dict[str, float]:
    store = _store()
    if store is None:
        return dict(cache.get(_KEY.format(name)) or {})
    return {field.decode(): float(value) for field, value in store.hgetall(_KEY.format(name)).items()}


def counter_family(name: str, documentation: str, labels: list[str]) -> CounterMetricFamily:
    family = CounterMetricFamily(PREFIX + name, documentation, labels=labels)
    for field, value in read(name).items():
        given = json.loads(field)
        family.add_metric([given.get(label, "") for label in labels], value)
    return family


def histogram_family(name: str, documentation: str, buckets: tuple = PUBLISH_BUCKETS) -> HistogramMetricFamily:
    values = {tuple(sorted(json.loads(field).items())): value for field, value in read(name).items()}
    counts = [(str(float(le)), values.get((("le", str(le)),), 0.0)) for le in buckets]
    counts.append(("+Inf", values.get((("le", "+Inf"),), 0.0)))
    family = HistogramMetricFamily(PREFIX + name, documentation)
    family.add_metric([], counts, sum_value=values.get((("stat", "sum"),), 0.0))
    return family


def queue_depth() -> GaugeMetricFamily:
    family = GaugeMetricFamily(PREFIX + "queue_depth", "Celery messages waiting in the broker.", labels=["queue"])
    for queue in settings.CELERY_TASK_QUEUES:
        family.add_metric([queue.name], _messages_waiting(queue.name))
    return family


def _messages_waiting(queue: str) -> float:
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis"):
        client = redis_client(url)
        # kombu's Redis transport keeps one list per priority step beside the plain one.
        names = [queue] + [f"{queue}\x06\x16{step}" for step in (3, 6, 9)]
        return float(sum(client.llen(name) for name in names))
    folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in")
    if folder:
        return float(sum(1 for _ in Path(folder).glob("*.msg")))
    return 0.0


class DeploymentCollector:
    """What prometheus_client asks for at each scrape."""

    def collect(self):
        yield queue_depth()
        yield counter_family(ACCOUNTING_CALLS, "Calls made to an accounting system's API.", ["system", "tenant"])
        yield counter_family(ACCOUNTING_RATE_LIMITED, "Calls an accounting system refused with 429.",
                             ["system", "tenant"])  # fmt: skip
        for collector in _collectors:
            yield from collector()
