"""The OpenAPI document describes the real error body and the statuses operations return."""

from __future__ import annotations


def _spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_the_error_body_is_documented_as_the_one_shape(client):
    spec = _spec(client)
    detail = spec["components"]["schemas"]["ErrorDetail"]
    assert set(detail["required"]) == {"code", "message", "fields"}
    assert spec["components"]["schemas"]["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorDetail"}
    assert spec["components"]["responses"]["NOT_FOUND"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_every_operation_lists_its_error_statuses_and_no_catch_all(client):
    spec = _spec(client)
    operations = [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 130
    for path, method, op in operations:
        codes = set(op["responses"])
        assert "default" not in codes, (method, path)
        assert {"400", "401"} <= codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method != "get":
            assert {"403", "404", "409", "422"} <= codes, (method, path)
    token = spec["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert token["429"] == {"$ref": "#/components/responses/TOO_MANY_REQUESTS"}


def test_a_documented_error_matches_what_the_api_sends(client):
    body = client.get("/api/v1/challenges/999999").get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}


def test_path_ids_are_documented_as_integer_keys(client):
    spec = _spec(client)
    item = spec["paths"]["/api/v1/challenges/{challenge_id}"]
    (param,) = [
        p for p in item.get("parameters", []) + item["get"].get("parameters", []) if p["name"] == "challenge_id"
    ]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
