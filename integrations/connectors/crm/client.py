"""HubSpot CRM v3 companies: the list endpoint (full passes) and the search endpoint (incremental
by ``hs_lastmodifieddate``), both paged by ``paging.next.after``."""

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

    def list_companies(self, *, properties: list[str], after: str | None) -> dict:
        params = {"limit": PAGE_SIZE, "properties": ",".join(properties), "archived": "false"}
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


def _checked(data: dict) -> dict:
    if not isinstance(data.get("results"), list):
        raise TransportError("HubSpot answered without a results list.", permanent=True)
    return data


def next_after(data: dict) -> str | None:
    return ((data.get("paging") or {}).get("next") or {}).get("after")
