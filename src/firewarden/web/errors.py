"""How errors reach people: JSON with a message and a hint for the API, a page for browsers.
User mistakes never show a traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from firewarden.errors import FirewardenError, NotFound
from firewarden.review.states import RoleRequired, WorkflowError
from firewarden.web.deps import ApiError, CsrfFailed, Forbidden, NotSignedIn, session_principal
from firewarden.web.render import login_redirect, page


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json(status: int, message: str, hint: str = "", where: str = "") -> JSONResponse:
    body = {"error": message, "hint": hint, "where": where}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def status_of(exc: FirewardenError) -> int:
    """404 for something not in the organisation, 403 for a step the user's roles do not
    allow, 409 for one the draft's state or the policy refuses, else 400."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, RoleRequired):
        return 403
    if isinstance(exc, WorkflowError):
        return 409
    return 400


def _error_page(
    request: Request, status: int, title: str, message: str, hint: str = ""
) -> Response:
    return page(
        request,
        "error.html",
        session_principal(request),
        status=status,
        title=title,
        message=message,
        hint=hint,
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return _json(exc.status, exc.message, exc.hint, exc.where)

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        return login_redirect(exc.next_url)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(request, 403, "Not allowed", exc.message)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error_page(
            request,
            403,
            "The form has expired",
            "This form was not sent from a page of this site, or your session changed.",
            "Go back, reload the page and send the form again.",
        )

    @app.exception_handler(FirewardenError)
    async def user_error(request: Request, exc: FirewardenError) -> Response:
        status = status_of(exc)
        if _is_api(request):
            return _json(status, exc.message, exc.hint, exc.where)
        return _error_page(request, status, "That did not work", str(exc.message), exc.hint)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
            problems.append(f"{where}: {err.get('msg', 'invalid')}")
        message = "; ".join(problems) or "the request is not valid"
        if _is_api(request):
            return _json(422, message, "see /api/v1/openapi.json for the expected fields")
        if all(err.get("loc", ("",))[0] == "path" for err in exc.errors()):
            # /watches/abc: an address that names no page, not a form to fill in.
            return _error_page(request, 404, "Not found", "There is no page at this address.")
        return _error_page(request, 400, "Something is missing", message, "Go back and fill it in.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return _json(exc.status_code, str(exc.detail))
        if exc.status_code == 404:
            return _error_page(request, 404, "Not found", "There is no page at this address.")
        return _error_page(request, exc.status_code, "Error", str(exc.detail))
