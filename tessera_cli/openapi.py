"""The OpenAPI documents of the four HTTP apps, built without starting them.

Each app is built as its process builds it (stores, drivers and clients open only at start-up,
so building opens nothing) and asked for its document. `tessera schemas openapi` writes them
into schemas/openapi/; the web build generates its TypeScript types from them, so it needs no
Python, and a unit test fails when they are stale.
"""

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from services.alerts.config import Settings as AlertsSettings
from services.alerts.main import create_app as create_alerts_app
from services.ingest.config import Settings as IngestSettings
from services.ingest.main import create_app as create_ingest_app
from services.network.analyst.main import create_app as create_network_app
from services.network.config import Settings as NetworkSettings
from services.web.config import Settings as WebSettings
from services.web.main import create_app as create_web_app

# File name -> how to build the app it documents.
APPS: dict[str, Callable[[], FastAPI]] = {
    "ingest.json": lambda: create_ingest_app(IngestSettings()),
    "network.json": lambda: create_network_app(NetworkSettings()),
    "alerts.json": lambda: create_alerts_app(AlertsSettings()),
    "web.json": lambda: create_web_app(WebSettings()),
}


def documents() -> dict[str, dict[str, Any]]:
    """Every app's OpenAPI document: file name -> document."""
    return {name: build().openapi() for name, build in APPS.items()}


def rendered() -> dict[str, str]:
    """Every OpenAPI file as the exporter writes it: file name -> text."""
    return {
        name: json.dumps(document, indent=2, sort_keys=True) + "\n"
        for name, document in documents().items()
    }
