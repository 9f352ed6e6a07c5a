"""The accounting systems' clients: where Xero and QuickBooks Online are, and the limits our calls
keep to (INTERFACES.md §2). With a sandbox on, every URL points at the in-project stand-in."""

from approvalmax.settings.environment import PUBLIC_BASE_URL, QBO_SANDBOX, XERO_SANDBOX, env

# Xero.
_XERO_SANDBOX_BASE = f"{PUBLIC_BASE_URL}/sandbox/xero"
XERO_CLIENT_ID = env("XERO_CLIENT_ID", default="sandbox-client" if XERO_SANDBOX else "")
XERO_CLIENT_SECRET = env("XERO_CLIENT_SECRET", default="sandbox-secret" if XERO_SANDBOX else "")
XERO_AUTHORIZE_URL = env(
    "XERO_AUTHORIZE_URL",
    default=f"{_XERO_SANDBOX_BASE}/identity/connect/authorize"
    if XERO_SANDBOX
    else "https://login.xero.com/identity/connect/authorize",
)
XERO_TOKEN_URL = env(
    "XERO_TOKEN_URL",
    default=f"{_XERO_SANDBOX_BASE}/identity/connect/token"
    if XERO_SANDBOX
    else "https://identity.xero.com/connect/token",
)
XERO_REVOKE_URL = env(
    "XERO_REVOKE_URL",
    default=f"{_XERO_SANDBOX_BASE}/identity/connect/revocation"
    if XERO_SANDBOX
    else "https://identity.xero.com/connect/revocation",
)
XERO_CONNECTIONS_URL = env(
    "XERO_CONNECTIONS_URL",
    default=f"{_XERO_SANDBOX_BASE}/connections" if XERO_SANDBOX else "https://api.xero.com/connections",
)
XERO_API_URL = env(
    "XERO_API_URL",
    default=f"{_XERO_SANDBOX_BASE}/api.xro/2.0" if XERO_SANDBOX else "https://api.xero.com/api.xro/2.0",
)
XERO_SCOPES = env(
    "XERO_SCOPES",
    default="offline_access accounting.transactions accounting.contacts "
    "accounting.settings.read accounting.attachments accounting.budgets.read",
)
# The Xero stand-in's registered redirect URIs besides PUBLIC_BASE_URL's own callback.
XERO_SANDBOX_REDIRECT_URIS = env.list("XERO_SANDBOX_REDIRECT_URIS", default=[])
XERO_CALLS_PER_MINUTE = env.int("XERO_CALLS_PER_MINUTE", default=60)
XERO_CALLS_PER_DAY = env.int("XERO_CALLS_PER_DAY", default=5000)
XERO_MAX_CONCURRENT = env.int("XERO_MAX_CONCURRENT", default=5)
# Xero's limit for the whole app (one client id), across every tenant.
XERO_APP_CALLS_PER_MINUTE = env.int("XERO_APP_CALLS_PER_MINUTE", default=10_000)
# Shrinks the budget's windows to match a sandbox whose minute is shrunk (benches only).
XERO_RATE_TIME_SCALE = env.float("XERO_RATE_TIME_SCALE", default=1.0)
XERO_HTTP_TIMEOUT = env.float("XERO_HTTP_TIMEOUT", default=30.0)
# Webhooks are refused until the key Xero shows for the app's webhook is set.
XERO_WEBHOOK_KEY = env("XERO_WEBHOOK_KEY", default="")
# Where the Xero stand-in delivers its webhooks; empty: this deployment's /xero/webhooks/.
XERO_SANDBOX_WEBHOOK_URL = env("XERO_SANDBOX_WEBHOOK_URL", default="")
# How long a call may wait for the tenant's rate budget before the task retries later instead.
XERO_RATE_MAX_WAIT = env.float("XERO_RATE_MAX_WAIT", default=75.0)
# The publisher waits less: past this it hands its worker to another tenant and runs again when
# the window turns, so that a thousand tenants share a few workers fairly.
XERO_PUBLISH_MAX_WAIT = env.float("XERO_PUBLISH_MAX_WAIT", default=2.0)
# Calls a publisher makes in one turn before the next tenant in the queue has its turn. Small, so
# that when the app's limit binds a tenant one turn short still has most of its share (at 200
# tenants a fair share is 50 calls a minute: one turn of 10 short was 0.8 of it, of 5 is 0.9).
XERO_PUBLISH_TURN_CALLS = env.int("XERO_PUBLISH_TURN_CALLS", default=5)

# QuickBooks Online.
_QBO_SANDBOX_BASE = f"{PUBLIC_BASE_URL}/sandbox/quickbooks"
QBO_CLIENT_ID = env("QBO_CLIENT_ID", default="qbo-sandbox-client" if QBO_SANDBOX else "")
QBO_CLIENT_SECRET = env("QBO_CLIENT_SECRET", default="qbo-sandbox-secret" if QBO_SANDBOX else "")
QBO_AUTHORIZE_URL = env("QBO_AUTHORIZE_URL", default=f"{_QBO_SANDBOX_BASE}/connect/oauth2" if QBO_SANDBOX
                        else "https://appcenter.intuit.com/connect/oauth2")
QBO_TOKEN_URL = env("QBO_TOKEN_URL", default=f"{_QBO_SANDBOX_BASE}/oauth2/v1/tokens/bearer" if QBO_SANDBOX
                    else "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer")
QBO_REVOKE_URL = env("QBO_REVOKE_URL", default=f"{_QBO_SANDBOX_BASE}/v2/oauth2/tokens/revoke" if QBO_SANDBOX
                     else "https://developer.api.intuit.com/v2/oauth2/tokens/revoke")
QBO_API_URL = env("QBO_API_URL", default=_QBO_SANDBOX_BASE if QBO_SANDBOX else "https://quickbooks.api.intuit.com")
# Where people open a bill: QuickBooks Online's web app, or the stand-in's page for it.
QBO_APP_URL = env("QBO_APP_URL", default=_QBO_SANDBOX_BASE if QBO_SANDBOX else "https://app.qbo.intuit.com")
QBO_SCOPES = env("QBO_SCOPES", default="com.intuit.quickbooks.accounting")
QBO_CALLS_PER_MINUTE = env.int("QBO_CALLS_PER_MINUTE", default=500)
QBO_MAX_CONCURRENT = env.int("QBO_MAX_CONCURRENT", default=10)
# QBO takes 10 a second; a window's edge seen from here and from Intuit differs by the transit
# time, so the client keeps a margin below it.
QBO_CALLS_PER_SECOND = env.int("QBO_CALLS_PER_SECOND", default=8)
QBO_BATCHES_PER_MINUTE = env.int("QBO_BATCHES_PER_MINUTE", default=40)
# Intuit's pages disagree on a batch's size (10 or 30 operations): configurable, 30 by default.
QBO_BATCH_MAX = env.int("QBO_BATCH_MAX", default=30)
QBO_RATE_TIME_SCALE = env.float("QBO_RATE_TIME_SCALE", default=1.0)
QBO_RATE_MAX_WAIT = env.float("QBO_RATE_MAX_WAIT", default=75.0)
QBO_HTTP_TIMEOUT = env.float("QBO_HTTP_TIMEOUT", default=30.0)
# As for Xero: a publisher waits this long at most for the realm's window, then hands its worker
# on; and makes this many calls a turn before the next company in the queue has its turn.
QBO_PUBLISH_MAX_WAIT = env.float("QBO_PUBLISH_MAX_WAIT", default=2.0)
QBO_PUBLISH_TURN_CALLS = env.int("QBO_PUBLISH_TURN_CALLS", default=30)
