"""The core's kind for the header search: accounts."""

from django.urls import reverse
from django.utils.http import urlencode

from .labels import human_label, money
from .models import Account
from .search import Hit, SearchKind, text_matches


def find_accounts(user, text: str, limit: int) -> list[Hit]:
    rows = text_matches(
        Account.objects.all(), text, title="name", fields=("segment",), exact=("crm_id",)
    )[:limit]
    return [
        Hit(
            title=a.name,
            url=a.get_absolute_url(),
            meta=" · ".join(
                part
                for part in (a.get_tier_display(), f"ARR {money(a.arr)}", human_label(a.segment))
                if part
            ),
            badge=f"health {a.health_score}",
        )
        for a in rows
    ]


ACCOUNTS = SearchKind(
    key="accounts",
    label="Accounts",
    perm="portal.view_account",
    order=10,
    find=find_accounts,
    more_url=lambda text: reverse("account-list") + "?" + urlencode({"q": text}),
)
