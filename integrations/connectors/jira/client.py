"""Jira Cloud REST v3: create an issue, and the enhanced JQL search
(``POST /rest/api/3/search/jql``) paged by ``nextPageToken`` (no ``total``/``startAt``; the last
page omits the token)."""

import base64

from ..transport import Transport, TransportError

SEARCH_FIELDS = ["summary", "status", "updated"]
PAGE_SIZE = 100


class JiraClient(Transport):
    name = "Jira"

    def __init__(self, base_url: str, *, credential: str, **kwargs):
        super().__init__(base_url, **kwargs)
        self.credential = credential

    def headers(self) -> dict[str, str]:
        if ":" not in self.credential:
            raise TransportError(
                "Jira needs 'email:api-token' in the connection's credential variable.",
                permanent=True,
            )
        token = base64.b64encode(self.credential.encode()).decode()
        return {**super().headers(), "Authorization": f"Basic {token}"}

    def create_issue(
        self, *, project_key: str, summary: str, description: str, issue_type: str, link: str
    ) -> dict:
        body = {
            "fields": {
                "project": {"key": project_key},
                "issuetype": {"name": issue_type},
                "summary": summary[:255],
                "description": _adf(description, link),
            }
        }
        data = self.json("POST", "/rest/api/3/issue", json=body)
        if not data.get("key"):
            raise TransportError("Jira created no issue key.", permanent=True)
        return data

    def search(self, *, jql: str, next_page_token: str | None) -> dict:
        body: dict = {"jql": jql, "fields": SEARCH_FIELDS, "maxResults": PAGE_SIZE}
        if next_page_token:
            body["nextPageToken"] = next_page_token
        data = self.json("POST", "/rest/api/3/search/jql", json=body)
        if not isinstance(data.get("issues"), list):
            raise TransportError("Jira search answered without an issues list.", permanent=True)
        return data


def _adf(text: str, link: str) -> dict:
    """Atlassian Document Format: one paragraph per block of text, then a link back."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    content = [{"type": "paragraph", "content": [{"type": "text", "text": p}]} for p in paragraphs]
    content.append(
        {
            "type": "paragraph",
            "content": [
                {
                    "type": "text",
                    "text": "Roadmap item in the CS–Product portal",
                    "marks": [{"type": "link", "attrs": {"href": link}}],
                }
            ],
        }
    )
    return {"type": "doc", "version": 1, "content": content}
