"""Static files carry their content's hash in the URL and are cached for a year.

On a weak phone connection every page view would otherwise revalidate style.css and the
icon (a round trip each). With `?v=<hash>` the browser keeps them until a release changes
the file, which changes the URL. A request without the current hash keeps Flask's
`no-cache`, so an old page never pins an old file.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request
from werkzeug.security import safe_join

YEAR = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    versions: dict[str, str | None] = {}

    def version(filename: str) -> str | None:
        if filename not in versions or app.debug:
            path = safe_join(app.static_folder, filename)
            try:
                with open(path, "rb") as f:  # type: ignore[arg-type]  (None: refused path)
                    versions[filename] = hashlib.sha256(f.read()).hexdigest()[:12]
            except (OSError, TypeError):
                versions[filename] = None
        return versions[filename]

    @app.url_defaults
    def _versioned(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values and "v" not in values:
            current = version(values["filename"])
            if current:
                values["v"] = current

    @app.after_request
    def _cache_for_a_year(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        wanted = request.args.get("v")
        if wanted and wanted == version((request.view_args or {}).get("filename", "")):
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        return response
