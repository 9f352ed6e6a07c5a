from dataclasses import dataclass

from approvalmax.core import accounting
from approvalmax.core.models import Membership, Organisation
from approvalmax.core.selectors import memberships_of


@dataclass(frozen=True)
class AdministeredOrganisation:
    organisation: Organisation
    # (name, url) of the connection page of the system it uses; of every system while it has none.
    accounting_links: list[tuple[str, str]]

    @property
    def slug(self) -> str:
        return self.organisation.slug

    @property
    def name(self) -> str:
        return self.organisation.name


def _accounting_links(organisation: Organisation) -> list[tuple[str, str]]:
    connected = accounting.system_for(organisation.pk)
    return [(system.name, system.connection_url(organisation.slug))
            for system in ([connected] if connected else accounting.systems())]


def administered_organisations(request) -> dict:
    """Organisations the user administers, for the settings links in the navigation."""
    if getattr(request, "user", None) is None:
        return {"administered_organisations": []}
    return {"administered_organisations": [
        AdministeredOrganisation(m.organisation, _accounting_links(m.organisation))
        for m in memberships_of(request) if m.role == Membership.Role.ADMINISTRATOR
    ]}
