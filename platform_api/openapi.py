"""The published OpenAPI document, made to say exactly what the server does.

FastAPI describes an optional header or query parameter (`str | None = None`) as
"a string or null". On the wire a parameter is absent or a string: there is no null, and a
client that believed the schema would send the text `null`. So optional parameters are
published as what they are (optional, and a string or number when present).

`allowed_methods` serves the 405 handler: one path may be served by several routes (`GET`
and `POST /v1/calls` live in different modules), and `Allow` must name them all.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.routing import compile_path
from starlette.types import Scope


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    kept = [b for b in branches if b != {"type": "null"}]
    if len(kept) != 1 or len(kept) == len(branches):
        return schema
    merged = {k: v for k, v in schema.items() if k != "anyOf"}
    merged.update(kept[0])
    return merged


def install(app: FastAPI) -> None:
    """Replace `app.openapi` with one that publishes parameters without `null`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                for parameter in operation.get("parameters", []):
                    if "schema" in parameter:
                        parameter["schema"] = _without_null(parameter["schema"])
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method the published document lists at this request's path (for `Allow`)."""
    path = scope.get("path", "")
    methods: set[str] = set()
    for template, item in app.openapi().get("paths", {}).items():
        regex, _, _ = compile_path(template)
        if regex.match(path):
            methods.update(m.upper() for m in item)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
