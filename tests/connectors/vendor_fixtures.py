"""The vendors' documented payloads, kept as fixtures: ``fixtures/<vendor>/<name>.json``, each an
object with ``_source`` (the documentation page the example follows), an optional ``_note`` and
the ``example`` itself (a response body, a webhook body or a batch)."""

import copy
import json
from functools import cache
from pathlib import Path

ROOT = Path(__file__).parent / "fixtures"


@cache
def _read(vendor: str, name: str) -> dict:
    document = json.loads((ROOT / vendor / f"{name}.json").read_text())
    assert document.get("_source", "").startswith("https://"), f"{vendor}/{name}: no _source"
    return document


def example(vendor: str, name: str):
    """A fresh copy of the documented example (tests may change it)."""
    return copy.deepcopy(_read(vendor, name)["example"])


def sources() -> dict[str, str]:
    return {
        f"{path.parent.name}/{path.stem}": json.loads(path.read_text())["_source"]
        for path in sorted(ROOT.glob("*/*.json"))
    }
