"""Schemathesis against the portal served for real (pytest-django's ``live_server``), with a PM's
and a CS rep's token: every operation of the OpenAPI schema, a bounded number of generated
requests each, every check (no server error, every answer's status, headers, content type and
body as the schema states them, invalid input refused, valid input accepted, …).

The run is bounded by ``SCHEMATHESIS_MAX_EXAMPLES`` (examples per operation, default 10) and
``SCHEMATHESIS_MAX_TIME`` (seconds per token, default 100).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from .world import build_world

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10"))
MAX_TIME = int(os.environ.get("SCHEMATHESIS_MAX_TIME", "100"))
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture
def schema_file(tmp_path):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(schema, default=str))
    return path


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["pm", "rep"])
def test_schemathesis_finds_nothing(live_server, transactional_db, schema_file, tmp_path, role):
    # A request the schema allows may still be refused by a business rule the schema cannot
    # state (an id that does not exist, a participant's state that does not allow the move, a
    # decimal's range): a 400 with the reason is a correct answer to "valid" data, so the
    # positive-data check accepts it beside the defaults. Every other check keeps its defaults.
    (tmp_path / "schemathesis.toml").write_text(
        "[checks.positive_data_acceptance]\n"
        'expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]\n'
    )
    world = build_world()
    token = Token.objects.create(user=world.users[role])
    command = [
        str(SCHEMATHESIS),
        "run",
        str(schema_file),
        "--url",
        live_server.url,
        "--header",
        f"Authorization: Token {token.key}",
        "--checks",
        "all",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--max-time",
        str(MAX_TIME),
        "--workers",
        "1",
        "--seed",
        "15",
        "--request-timeout",
        "30",
        "--output-truncate",
        "false",
        "--no-color",
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=MAX_TIME * 3 + 120,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
        cwd=tmp_path,
    )
    print(result.stdout[-3000:])  # the summary: operations, phases, test cases (pytest -s)
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
