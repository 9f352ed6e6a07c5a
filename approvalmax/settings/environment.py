"""What every part of the settings reads first: where the project lives, the environment, and
which stand-ins are on."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]
env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
XERO_SANDBOX = env.bool("XERO_SANDBOX", default=False)
QBO_SANDBOX = env.bool("QBO_SANDBOX", default=False)
DEXT_SANDBOX = env.bool("DEXT_SANDBOX", default=False)
