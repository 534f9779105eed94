"""Words for codes and money with its currency (portal/labels.py, the ``label``/``arr`` filters)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from portal.labels import human_label, money


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("cs_rep", "CS rep"),
        ("product_manager", "Product manager"),
        ("public_sector", "Public sector"),
        ("mid_market", "Mid-market"),
        ("yellow", "Yellow"),
        ("at_risk", "At risk"),
        ("saas", "SaaS"),
        ("healthcare", "Healthcare"),
        ("Already Words", "Already Words"),
        ("", ""),
        (None, ""),
    ],
)
def test_codes_read_as_words(code, words):
    assert human_label(code) == words


def test_money_has_its_currency_and_thousands():
    assert money(Decimal("23359.40")) == "$23,359"
    assert money(0) == "$0"
    assert money(None) == "—"
    assert money("not a number") == "—"


def test_template_filters():
    html = Template(
        "{% load portal_tags %}{{ seg|label }} {{ arr|arr }} {{ segs|labels|join:', ' }}"
    ).render(Context({"seg": "public_sector", "arr": 1234567, "segs": ["saas", "mid_market"]}))
    assert html == "Public sector $1,234,567 SaaS, Mid-market"
