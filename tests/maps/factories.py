"""Helpers for integration-map tests: documents on disk and small documents written in tests."""

from pathlib import Path

from integrations.maps.importer import map_import
from integrations.models import IntegrationMap

ROOT = Path(__file__).resolve().parents[2]
# The seed documents the repository ships (the project's own files).
SEEDS = ROOT / "integrations" / "maps" / "seeds"
SEED_000 = SEEDS / "developer-product-integration-map.md"
SEED_001 = SEEDS / "product-systems-integration-map.md"


def import_text(text: str | bytes, *, name: str = "doc.md", actor=None, **kwargs):
    report = map_import(data=text, source_name=name, actor=actor, **kwargs)
    imap = IntegrationMap.objects.get(pk=report.map_id) if report.map_id else None
    return imap, report


def import_seed(path: Path = SEED_000, *, actor=None, **kwargs):
    return import_text(path.read_bytes(), name=path.name, actor=actor, **kwargs)


SMALL = """\
---
title: "Small map"
owner: CS ops
---

# Small map

## Onboarding

### 1.1 Accounts

#### Integration Point 1.1.1: Account sync

**Integration Flow**: CRM ↔ Portal
**Coordination Protocol**: Nightly sync reviewed weekly

**Acceptance Criteria**:

- Accounts imported
- Owners mapped

**Business Framework Integration**: [CS Framework](/docs/cs) + [Data Framework](/docs/data)

#### Integration Point 1.1.2: Health scores

**Integration Flow**: Analytics ↔ Portal

**Acceptance Criteria**:

- Scores computed
- Bands shown

## Timeline

#### Phase 1: Foundation (Weeks 1-2)

- Account sync (Integration Point 1.1.1)

#### Phase 2: Insight (Weeks 3-4)

- Health scores (Integration Point 1.1.2)
"""
