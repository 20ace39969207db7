"""The OpenAPI documents in schemas/openapi/ (the web's TypeScript types come from them) are
what the four apps would give now."""

import json
from pathlib import Path

import pytest

from tessera_cli import openapi

FOLDER = Path(__file__).resolve().parents[2] / "schemas" / "openapi"
RENDERED = openapi.rendered()


@pytest.mark.parametrize("name", sorted(RENDERED))
def test_openapi_document_is_current(name: str) -> None:
    path = FOLDER / name
    assert path.exists(), f"{name} is missing: run `make schemas`"
    assert path.read_text() == RENDERED[name], f"{name} is stale: run `make schemas`"


def test_no_orphaned_openapi_documents() -> None:
    assert {p.name for p in FOLDER.glob("*.json")} == set(RENDERED)


def test_the_web_documents_what_its_pages_read() -> None:
    schemas = json.loads(RENDERED["web.json"])["components"]["schemas"]
    assert {"SessionInfo", "ProfileSummary", "ProfileOut"} <= set(schemas)
