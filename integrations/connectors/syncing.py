"""What a connector's sync is made of: pages of remote records, the result of applying one, and the
``Syncer`` base class each connector's ``<tool>/sync.py`` extends. The runs (``runs.py``) drive a
syncer; a syncer never imports the runs."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Page:
    """One page of remote records and the cursor to store once the page is applied."""

    records: list
    cursor: dict


@dataclass
class PageResult:
    """Counts per outcome, the notes that go into the run's error text, and the reports (skipped
    or applied-with-a-note records, with reasons) the sync page lists."""

    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    reports: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, outcome: str, note: str = "") -> None:
        self.counts[outcome] += 1
        if note:
            self.notes.append(note)

    def skip(self, external_id: str, reason: str) -> None:
        """One record not applied (counted as failed), the rest of the page goes on."""
        self.add("failed", f"{external_id or '?'}: {reason}")
        self.reports.append(("skipped", external_id, reason))

    def report(self, external_id: str, reason: str) -> None:
        """A record applied with a value left alone: no count, a report with the reason."""
        self.reports.append(("reported", external_id, reason))


class Syncer:
    """Base class of a connector's sync: ``pages()`` fetches, ``apply()`` writes one page (inside
    the page's transaction), ``finish()`` runs in the last transaction with the final cursor."""

    def __init__(self, connection, run):
        self.connection = connection
        self.run = run
        self.cursor = dict(connection.cursor)

    def pages(self) -> Iterable[Page]:
        raise NotImplementedError

    def apply(self, page: Page) -> PageResult:
        raise NotImplementedError

    def finish(self) -> dict:
        """Return the cursor to keep after a complete run."""
        return self.cursor
