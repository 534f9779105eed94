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


def _object_paths(world):
    """``(path regex, (parameter, value))`` for each API path that names an object."""
    from .matrix_cases import API_OBJECTS, API_PARAMS

    for prefix, name in API_OBJECTS.items():
        if prefix == "integration-criteria":
            continue  # tick, verify and untick act on different criteria: ids stay generated
        yield f"^/api/v1/{prefix}/\\{{id\\}}", ("path.id", world[name].pk)
    for param, name in API_PARAMS.items():
        yield f"\\{{{param}\\}}", (f"path.{param}", world[name].pk)


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["pm", "rep"])
def test_schemathesis_finds_nothing(live_server, transactional_db, schema_file, tmp_path, role):
    # A request the schema allows may still be refused by a business rule the schema cannot
    # state (an id that does not exist, a participant's state that does not allow the move, a
    # decimal's range): a 400 with the reason is a correct answer to "valid" data, so the
    # positive-data check accepts it beside the defaults. Every other check keeps its defaults.
    config = (
        "[checks.positive_data_acceptance]\n"
        'expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "429"]\n'
    )
    world = build_world()
    # Path ids of the world's objects, so that operations on one object reach its logic
    # instead of answering 404 to generated ids (query and body values stay generated).
    for path, value in _object_paths(world):
        config += (
            f"\n[[operations]]\ninclude-path-regex = {json.dumps(path)}\n"
            f"parameters = {{ {json.dumps(value[0])} = {value[1]} }}\n"
        )
    token = Token.objects.create(user=world.users[role])
    # The token as the schema's tokenAuth scheme (not a fixed header), so the auth checks know
    # which credentials are real and try the operation without them, or with made-up ones.
    config += f'\n[auth.openapi.tokenAuth]\napi_key = "Token {token.key}"\n'
    (tmp_path / "schemathesis.toml").write_text(config)
    command = [
        str(SCHEMATHESIS),
        "run",
        str(schema_file),
        "--url",
        live_server.url,
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
