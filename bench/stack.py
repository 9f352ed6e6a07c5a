"""A production-like run on this machine, for the benches that measure one: gunicorn serving the
app and the stand-ins, Celery workers per queue, one beat (celery-redbeat), PostgreSQL, Redis,
and object storage (moto's S3 server). Every process gets production settings (DEBUG off), with
plain HTTP on loopback.

    .venv/bin/python bench/stack.py        # start it, print where it serves, Ctrl-C stops it

A bench calls `prepare()` before it touches Django (this process then talks to the same database,
Redis and storage as the stack), then runs `with Stack(...)`. The database is made afresh.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LOGS = ROOT / "var" / "bench-logs"
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
# Two benches may run at once with a database and Redis databases each.
DATABASE = os.environ.get("BENCH_DATABASE", "approvalmax_bench")
REDIS_DATABASES = [int(n) for n in os.environ.get("BENCH_REDIS_DATABASES", "10,11").split(",")]
BUCKET = "bench"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(**settings: str) -> dict[str, str]:
    """Choose the ports, give this process the stack's environment (with `settings` on top), make
    the database afresh, set Django up and migrate. Returns the environment for the stack."""
    web, s3 = _free_port(), _free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "approvalmax.settings.base", "DEBUG": "0",
        "SECRET_KEY": "bench-secret-key-not-for-production-0123456789", "FIELD_ENCRYPTION_KEY": "bench-salt",
        "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING",
        "XERO_SANDBOX": "1", "DEXT_SANDBOX": "1", "PUBLIC_BASE_URL": f"http://127.0.0.1:{web}",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}", "REDIS_URL": f"{REDIS}/{REDIS_DATABASES[0]}",
        "CELERY_BROKER_URL": f"{REDIS}/{REDIS_DATABASES[1]}",
        "REDBEAT_KEY_PREFIX": "bench-redbeat:",
        "S3_BUCKET": BUCKET, "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3}", "S3_REGION": "eu-west-2",
        "S3_ACCESS_KEY_ID": "bench", "S3_SECRET_ACCESS_KEY": "bench-secret",
        "BENCH_WEB_PORT": str(web), "BENCH_S3_PORT": str(s3),
        "EMAIL_URL": "dummymail://",  # a bench that measures mail points this at its own SMTP server
        **settings,
    }  # fmt: skip
    os.environ.update(env)
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {DATABASE}")
    import redis

    for db in REDIS_DATABASES:
        redis.Redis.from_url(f"{REDIS}/{db}").flushdb()
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return env


class Stack:
    """The processes of a production-like run; `workers` maps a name to (queues, processes)."""

    def __init__(self, env: dict[str, str], *, web_workers: int = 4,
                 workers: dict[str, tuple[str, int]] | None = None, beat: bool = True,
                 worker_options: tuple[str, ...] = ()) -> None:
        self.env = {**os.environ, **env}
        self.web_workers = web_workers
        default = {"publishing": ("publishing", 4), "other": ("reports,sync,mail,celery", 2)}
        self.workers = default if workers is None else workers  # {} runs no worker
        self.beat = beat
        self.worker_options = worker_options
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def url(self) -> str:
        return self.env["PUBLIC_BASE_URL"]

    def _start(self, name: str, *command: str) -> subprocess.Popen:
        LOGS.mkdir(parents=True, exist_ok=True)
        log = open(LOGS / f"{name}.log", "w")  # noqa: SIM115  (the process keeps it)
        process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        self.processes[name] = process
        return process

    def __enter__(self) -> "Stack":
        # A bench stopped by a signal (timeout, Ctrl-C) still stops what it started.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        self._start("s3", str(BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", self.env["BENCH_S3_PORT"])
        self._wait_for(self.env["S3_ENDPOINT_URL"])
        import boto3

        boto3.client("s3", endpoint_url=self.env["S3_ENDPOINT_URL"], region_name="eu-west-2",
                     aws_access_key_id="bench", aws_secret_access_key="bench-secret").create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        self._start("web", str(BIN / "gunicorn"), "approvalmax.wsgi", "-w", str(self.web_workers),
                    "-b", f"127.0.0.1:{self.env['BENCH_WEB_PORT']}", "--timeout", "120")
        for name, (queues, processes) in self.workers.items():
            self._start(f"worker-{name}", str(BIN / "celery"), "-A", "approvalmax", "worker", "-Q", queues,
                        "-c", str(processes), "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
                        "-l", "WARNING", *self.worker_options)
        if self.beat:
            self._start("beat", str(BIN / "celery"), "-A", "approvalmax", "beat", "-l", "WARNING")
        self._wait_for(f"{self.url}/healthz")
        self._wait_for_workers()
        return self

    def _wait_for(self, url: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                requests.get(url, timeout=5)
                return
            except requests.RequestException:
                dead = [name for name, p in self.processes.items() if p.poll() is not None]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not answer (ended: {dead}); see {LOGS}") from None
                time.sleep(0.2)

    def _wait_for_workers(self, timeout: float = 60.0) -> None:
        from approvalmax.celery import app

        deadline = time.monotonic() + timeout
        while len(app.control.ping(timeout=1.0)) < len(self.workers):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the workers did not answer; see {LOGS}")

    def pids(self, name: str) -> list[int]:
        """The process and its children (a prefork worker's pool)."""
        root = self.processes[name].pid
        children = subprocess.run(["pgrep", "-P", str(root)], capture_output=True, text=True).stdout.split()
        return [root, *map(int, children)]

    def __exit__(self, *exc) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    environment = prepare()
    with Stack(environment) as stack:
        print(f"Serving on {stack.url} (logs in {LOGS}); Ctrl-C stops it.")
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
