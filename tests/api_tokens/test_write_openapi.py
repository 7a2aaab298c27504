"""The OpenAPI document describes the write API from the schemas the views validate and send."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi

from matcher.api.write_schemas import OpportunityInput
from tests.api_tokens.conftest import bearer
from tests.api_tokens.test_write_api import body


def _validator(document: dict, name: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    )


def test_the_write_operations_are_documented_and_valid(client, partners):
    document = client.get("/api/v1/openapi.json").get_json()
    validate_openapi(document)
    paths = document["paths"]
    create = paths["/api/v1/opportunities"]["post"]
    update = paths["/api/v1/opportunities/{opportunity_id}"]["put"]
    for operation in (create, update):
        schema = operation["requestBody"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/OpportunityInput"}
        assert {"401", "403", "422", "429"} <= set(operation["responses"])
    for action in ("publish", "close"):
        assert paths[f"/api/v1/opportunities/{{opportunity_id}}/{action}"]["post"]["security"] == [
            {"bearerToken": []}
        ]
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert {} in paths["/api/v1/opportunities"]["get"]["security"]  # reading needs no token
    # The documented body is the schema the view validates with, field for field.
    documented = document["components"]["schemas"]["OpportunityInput"]
    assert set(documented["properties"]) == set(OpportunityInput.model_fields)
    assert set(documented["required"]) == {
        n for n, f in OpportunityInput.model_fields.items() if f.is_required()
    }
    assert _validator(document, "OpportunityInput").is_valid(body())
    assert not _validator(document, "OpportunityInput").is_valid(body(colour="blue"))
    # What the views send matches the document.
    key = bearer(partners.token("write"))
    made = client.post("/api/v1/opportunities", json=body(), headers=key)
    _validator(document, "OpportunityRecord").validate(made.get_json())
    refused = client.post("/api/v1/opportunities", json=body(capacity=0), headers=key)
    _validator(document, "ErrorBody").validate(refused.get_json())


def test_the_api_page_says_which_operations_need_a_write_token(client):
    page = client.get("/api").get_data(as_text=True)
    assert "POST /api/v1/opportunities/{opportunity_id}/publish" in page
    assert "Needs a write token" in page and 'href="#schema-OpportunityInput"' in page
