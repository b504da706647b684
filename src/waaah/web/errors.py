"""Maps every error to the one JSON shape `{"error", "code", ...}`; no HTML error pages."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from waaah.domain.json_limits import MAX_DEPTH
from waaah.errors import BadRequest, NotFound, WaaahError

log = logging.getLogger(__name__)


def error_response(error: WaaahError) -> JSONResponse:
    return JSONResponse(error.to_json(), status_code=error.status)


def _validation_error(exc: RequestValidationError) -> BadRequest:
    first = exc.errors()[0] if exc.errors() else {}
    if first.get("type") == "json_invalid":
        return BadRequest("Malformed JSON body: " + str(first.get("ctx", {}).get("error", "")).strip(),
                          field="body")
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
    name = ".".join(loc) or "body"
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if first.get("type") == "missing":
        message = "required"
    return BadRequest(f"{name}: {message}", field=name)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(WaaahError)
    async def on_waaah_error(_: Request, exc: WaaahError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(_validation_error(exc))

    @app.exception_handler(HTTPException)
    async def on_http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error_response(NotFound(f"No route {request.method} {request.url.path}"))
        if isinstance(exc.__cause__, RecursionError):  # the JSON parser gave up on the body's nesting
            return error_response(BadRequest(f"body: is nested deeper than {MAX_DEPTH} levels", field="body"))
        error = WaaahError(str(exc.detail))
        error.status = exc.status_code
        error.code = "HTTP_ERROR"
        response = error_response(error)
        response.headers.update(exc.headers or {})  # 405 names the allowed methods in `Allow`
        return response

    @app.exception_handler(Exception)
    async def on_crash(request: Request, exc: Exception) -> JSONResponse:
        return crash_response(request.method, request.url.path)


def crash_response(method: str, path: str) -> JSONResponse:
    """The 500 for an exception nothing expected, logged with its traceback (call it in `except`)."""
    log.exception("unhandled error on %s %s", method, path)
    error = WaaahError("Internal error; the request changed nothing that was not committed")
    error.status, error.code = 500, "INTERNAL"
    return error_response(error)
