"""Organisations of ours, each connected to a tenant of its own in the Xero sandbox, for benches
that run against bench/stack.py (call after `stack.prepare()`)."""


def _connect(organisation, tenant) -> None:
    """What the OAuth flow leaves behind (the flow itself is tested elsewhere), made directly."""
    from datetime import timedelta

    from django.utils import timezone

    from xero_integration.models import XeroConnection
    from xero_integration.sandbox import oauth

    grant = oauth.grant_create(scope="openid offline_access accounting.transactions accounting.settings "
                                     "accounting.contacts accounting.attachments", organisations=[tenant])
    code = oauth.authorization_code_issue(grant=grant, redirect_uri="bench", code_challenge="")
    tokens = oauth.code_exchange(code=code, redirect_uri="bench", code_verifier="")
    XeroConnection.objects.create(
        organisation=organisation, tenant_id=tenant.organisation_id, tenant_name=tenant.name,
        connection_id=grant.connections.get().id, short_code=tenant.short_code,
        access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
        access_token_expires_at=timezone.now() + timedelta(seconds=tokens["expires_in"]), scopes=grant.scope)


def connected_organisations(count: int) -> dict[int, str]:
    """Our organisations, each connected to its own sandbox tenant and synced; returns our id → tenant id."""
    from approvalmax.core.models import Organisation
    from xero_integration.sandbox.seed import seed_tenant
    from xero_integration.services.sync import master_data_sync

    tenants = {}
    for n in range(count):
        organisation = Organisation.objects.create(name=f"Bench {n}", slug=f"bench-{n}")
        tenant = seed_tenant(name=f"Bench {n}", short_code=f"!bench{n}")
        _connect(organisation, tenant)
        master_data_sync(organisation_id=organisation.pk)
        tenants[organisation.pk] = str(tenant.organisation_id)
    return tenants
