"""HubSpot CRM v3: companies — the list endpoint (full passes, and ``archived=true`` for the
archived-objects listing) and the search endpoint (incremental by ``hs_lastmodifieddate``), paged
by ``paging.next.after`` — and the owners endpoint (``GET /crm/v3/owners``: owner id → e-mail)."""

from ..transport import Transport, TransportError

PAGE_SIZE = 100
# HubSpot's search answers at most 10,000 results per query; page past it by moving the filter.
SEARCH_RESULT_CAP = 10_000


class HubSpotClient(Transport):
    name = "HubSpot"

    def __init__(self, base_url: str, *, token: str, **kwargs):
        super().__init__(base_url or "https://api.hubapi.com", **kwargs)
        self.token = token

    def headers(self) -> dict[str, str]:
        if not self.token:
            raise TransportError(
                "HubSpot needs a private-app token: set the connection's credential variable.",
                permanent=True,
            )
        return {**super().headers(), "Authorization": f"Bearer {self.token}"}

    def list_companies(
        self, *, properties: list[str], after: str | None, archived: bool = False
    ) -> dict:
        params = {
            "limit": PAGE_SIZE,
            "properties": ",".join(properties),
            "archived": "true" if archived else "false",
        }
        if after:
            params["after"] = after
        return _checked(self.json("GET", "/crm/v3/objects/companies", params=params))

    def search_companies(self, *, properties: list[str], since_ms: int, after: str | None) -> dict:
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "hs_lastmodifieddate",
                            "operator": "GTE",
                            "value": str(since_ms),
                        }
                    ]
                }
            ],
            "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            "properties": properties,
            "limit": PAGE_SIZE,
        }
        if after:
            body["after"] = after
        return _checked(self.json("POST", "/crm/v3/objects/companies/search", json=body))

    def list_owners(self, *, after: str | None) -> dict:
        """One page of ``GET /crm/v3/owners`` (``id``, ``email``, ``firstName``, ``userId``…)."""
        params = {"limit": PAGE_SIZE, "archived": "false"}
        if after:
            params["after"] = after
        return _checked(self.json("GET", "/crm/v3/owners", params=params))

    def owners(self) -> dict[str, str]:
        """Every active owner's id → e-mail (lower case), all pages."""
        found: dict[str, str] = {}
        after = None
        while True:
            data = self.list_owners(after=after)
            for owner in data["results"]:
                if isinstance(owner, dict) and owner.get("id") and owner.get("email"):
                    found[str(owner["id"])] = str(owner["email"]).strip().lower()
            after = next_after(data)
            if not after:
                return found


def _checked(data: dict) -> dict:
    if not isinstance(data.get("results"), list):
        raise TransportError("HubSpot answered without a results list.", permanent=True)
    return data


def next_after(data: dict) -> str | None:
    return ((data.get("paging") or {}).get("next") or {}).get("after")
