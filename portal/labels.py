"""Words for codes: what a page shows instead of ``cs_rep``, ``public_sector`` or ``mid_market``,
and money with its currency. Used by the template filters ``label`` and ``arr``."""

from decimal import Decimal, InvalidOperation

from .choices import HealthBand, LifecycleStage, Role, Tier

CURRENCY_SYMBOL = "$"  # ARR is kept in US dollars (the CRM's amount field).

# Known codes first (the choices' own labels), then words whose case a plain title would lose.
_KNOWN = {
    **dict(Role.choices),
    **dict(Tier.choices),
    **dict(HealthBand.choices),
    **dict(LifecycleStage.choices),
}
_WORDS = {"saas": "SaaS", "smb": "SMB", "eu": "EU", "us": "US", "api": "API", "crm": "CRM"}


def human_label(code) -> str:
    """``public_sector`` → "Public sector", ``cs_rep`` → "CS rep"; free text stays as typed
    apart from underscores and the first letter."""
    if code is None:
        return ""
    text = str(code).strip()
    if not text:
        return ""
    if text in _KNOWN:
        return str(_KNOWN[text])
    words = text.replace("_", " ").split()
    words = [_WORDS.get(word.lower(), word) for word in words]
    first = words[0]
    if first == first.lower():
        words[0] = first[:1].upper() + first[1:]
    return " ".join(words)


def money(value, *, places: int = 0) -> str:
    """``23359.5`` → "$23,360"; an unknown amount (None or not a number) → "—"."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    sign = "−" if amount < 0 else ""
    return f"{sign}{CURRENCY_SYMBOL}{abs(amount):,.{places}f}"
