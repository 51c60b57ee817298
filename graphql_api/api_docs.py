"""``/docs`` (Swagger UI) served entirely from our own origin.

FastAPI's default page loads Swagger UI's script and stylesheet from a CDN, so on a machine
without general internet access (this one, an air-gapped deployment) the page stays blank.
The ``swagger-ui-bundle-v2`` package ships Swagger UI's dist files (version 5, which renders
OpenAPI 3.1: FastAPI's document); they are mounted under ``DOCS_ASSETS`` and the page is
FastAPI's public ``get_swagger_ui_html`` pointed at them. ReDoc ships no such package, so it
is off (``redoc_url=None``) rather than blank.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/docs"
#: Under ``/docs`` so the client's SPA fallback (``graphql_api.static.RESERVED``) never takes it.
DOCS_ASSETS = "/docs/assets"
SWAGGER_JS = f"{DOCS_ASSETS}/swagger-ui-bundle.js"
SWAGGER_CSS = f"{DOCS_ASSETS}/swagger-ui.css"
SWAGGER_FAVICON = f"{DOCS_ASSETS}/favicon-32x32.png"


def mount_docs(app: FastAPI) -> None:
    """Swagger UI at ``DOCS_URL``; create the app with ``docs_url=None, redoc_url=None``."""
    app.mount(
        DOCS_ASSETS, StaticFiles(directory=Path(str(swagger_ui_path))), name="swagger-ui-assets"
    )
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(DOCS_URL, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - docs",
            swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS,
            swagger_favicon_url=SWAGGER_FAVICON,
        )
