"""The connectors' shape: each kind registers itself, nothing branches on kinds in runs.py or
``Connection.clean``, and the connector modules import each other without a cycle (the old
``runs ↔ {jira,crm,analytics}/sync ↔ tasks`` one included): the import graph is read from the
source (imports at the top and inside functions alike), so a lazy import cannot hide a cycle."""

import ast
import inspect
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from integrations.connectors import registry
from integrations.connectors.analytics.sync import AnalyticsImportSyncer
from integrations.connectors.analytics.webhooks import AnalyticsWebhookView
from integrations.connectors.crm.sync import CrmSyncer
from integrations.connectors.jira.sync import JiraSyncer
from integrations.connectors.jira.webhooks import JiraWebhookView
from integrations.connectors.outbound.client import SlackClient, WebhookClient
from integrations.models import Connection, ConnectionKind

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("integrations/connectors", "integrations/models")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    files = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    modules = {module_name(p): p for p in files if "migrations" not in p.parts}
    return {name: imports_of(path) & set(modules) - {name} for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_connector_modules_import_each_other_without_a_cycle():
    graph = import_graph()
    assert "integrations.connectors.tasks" in graph
    assert "integrations.connectors.runs" in graph["integrations.connectors.tasks"]
    assert cycles(graph) == []
    # Only Celery imports the tasks: the services queue them by name.
    importers = [name for name, deps in graph.items() if "integrations.connectors.tasks" in deps]
    assert importers == []


def test_a_cycle_would_be_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_runs_and_the_model_do_not_branch_on_kinds():
    runs = (ROOT / "integrations/connectors/runs.py").read_text()
    assert "ConnectionKind" not in runs and "import_module" not in runs
    for member in (Connection.clean, Connection.is_pull.fget, Connection.is_outbound.fget):
        assert "kind ==" not in inspect.getsource(member)
        assert "ConnectionKind" not in inspect.getsource(member)
    model = (ROOT / "integrations/models/connectors.py").read_text()
    assert "PULL_KINDS" not in model and "OUTBOUND_KINDS" not in model


def test_each_kind_registers_its_parts():
    jira = registry.connector_for(ConnectionKind.JIRA)
    assert (jira.syncer, jira.webhook, jira.needs_base_url) == (JiraSyncer, JiraWebhookView, True)
    assert registry.connector_for(ConnectionKind.CRM).syncer is CrmSyncer
    analytics = registry.connector_for(ConnectionKind.ANALYTICS)
    assert (analytics.import_syncer, analytics.webhook) == (
        AnalyticsImportSyncer,
        AnalyticsWebhookView,
    )
    assert registry.connector_for(ConnectionKind.WEBHOOK).client is WebhookClient
    assert registry.connector_for(ConnectionKind.SLACK).client is SlackClient
    assert sorted(registry.pull_kinds()) == ["crm", "jira"]
    assert sorted(registry.outbound_kinds()) == ["slack", "webhook"]
    assert {c.kind for c in registry.connectors()} == set(ConnectionKind.values)


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("jira", {"project_key": "bad key"}, "project_key must be a Jira project key"),
        ("jira", {"timezone": "Mars/Olympus"}, "is not a time zone name"),
        ("crm", {"properties": ["arr"]}, "properties must be an object"),
        ("crm", {"properties": {"revenue": "x"}}, "Unknown properties: revenue"),
        ("analytics", {"feature_property": 3}, "must be a property name"),
        ("webhook", {"events": ["nope"]}, "Unknown events: nope."),
        ("slack", {"events": "item_shipped"}, "events must be a list"),
    ],
)
def test_each_kind_validates_its_own_settings(kind, options, message):
    connection = Connection(name="X", kind=kind, base_url="https://example.com", settings=options)
    with pytest.raises(ValidationError) as exc:
        connection.clean()
    assert message in " ".join(exc.value.message_dict["settings"])


def test_options_of_another_kind_are_not_checked():
    """A CRM connection is not told about Jira project keys (each kind checks only its own)."""
    Connection(name="X", kind="crm", base_url="https://h", settings={"project_key": "x"}).clean()
