"""The OpenAPI schema: served at /api/v1/schema and its conventional alias /api/schema/, valid,
and every operation states its request, its answer and its error shapes."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client_for, cs_rep):
    response = client_for(cs_rep).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_aliases_serve_the_same_schema_and_docs(client_for, cs_rep, schema):
    client = client_for(cs_rep)
    versioned = client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert yaml.safe_load(versioned.content) == schema
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"/api/docs/?script=" in docs.content
    script = client.get("/api/docs/?script=")
    assert b"/api/v1/schema" in script.content


def test_anonymous_gets_no_schema(client):
    assert client.get("/api/schema/").status_code in {401, 403}


def test_every_operation_has_its_answers_and_error_shapes(schema):
    refs = {"400": "ValidationErrors", **{s: "Detail" for s in ("401", "403", "404", "429")}}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = operation["responses"]
            assert any(code.startswith("2") for code in responses), (method, path)
            for code in ("401", "403", "429"):
                assert code in responses, (method, path, code)
            if "{" in path:
                assert "404" in responses, (method, path)
            if "requestBody" in operation:
                assert {"400", "415"} <= set(responses), (method, path)
            for code, response in responses.items():
                if code[0] in "45":
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith(refs.get(code, "Detail")), (method, path, code)


def test_write_operations_are_in_the_schema(schema):
    paths = schema["paths"]
    expected = {
        "/api/v1/roadmap-items": ["post"],
        "/api/v1/roadmap-items/{id}": ["put", "patch"],
        "/api/v1/roadmap-items/{id}/move": ["post"],
        "/api/v1/beta-programs": ["post"],
        "/api/v1/beta-programs/{id}": ["put", "patch"],
        "/api/v1/beta-programs/{id}/nominate": ["post"],
        "/api/v1/beta-participants/{id}/transition": ["post"],
        "/api/v1/beta-participants/{id}/complete": ["post"],
        "/api/v1/launch-plans": ["post"],
        "/api/v1/launch-plans/{id}/move": ["post"],
        "/api/v1/launch-plans/{id}/milestones": ["post"],
        "/api/v1/milestones/{id}/move": ["post"],
        "/api/v1/milestones/{id}/tick": ["post"],
        "/api/v1/integration-maps/{id}/cycle-start": ["post"],
        "/api/v1/integration-points/{id}/owner": ["post"],
        "/api/v1/kpi-targets/{id}/measure": ["post"],
        "/api/v1/integration-map-imports": ["post"],
        "/api/v1/integration-map-imports/{id}/apply": ["post"],
        "/api/v1/connections": ["post"],
        "/api/v1/connections/{id}": ["put", "patch"],
        "/api/v1/deliveries/{id}/redeliver": ["post"],
    }
    for path, methods in expected.items():
        for method in methods:
            assert method in paths.get(path, {}), (method, path)
