"""Exceptions raised by the client.

Every ``application/problem+json`` answer of the server becomes a :class:`FeatureStoreError`
subclass chosen by its HTTP status; a connection that fails or a server that does not answer in
time becomes :class:`ServerUnreachable` or :class:`RequestTimeout`, so that no call hangs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """One field the server found at fault: its name (``rows[3].event_time``) and why."""

    field: str
    message: str


class FeatureStoreError(Exception):
    """A call the server refused or could not answer.

    Attributes:
        status: the HTTP status (None when no answer arrived).
        code: the server's error code (``INVALID_INPUT``, ``NOT_FOUND``...), or the client's own
            (``CONNECTION_FAILED``, ``TIMEOUT``) when no answer arrived.
        detail: the human-readable explanation.
        errors: the fields at fault, when the server named any.
    """

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        errors: list[FieldProblem] | None = None,
    ) -> None:
        super().__init__(f"{code or 'ERROR'} ({status}): {detail}" if status else detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = list(errors or [])

    @property
    def field(self) -> str | None:
        """The first field at fault, or None when the problem names none."""
        return self.errors[0].field if self.errors else None


class InvalidInput(FeatureStoreError):
    """The request was refused as invalid (400, 413, 415); ``field`` names what to fix."""


class NotFound(FeatureStoreError):
    """The entity, group, training set, model or job does not exist, or the key may not see it (404)."""


class Conflict(FeatureStoreError):
    """The request contradicts the current state, e.g. a name already taken (409, 410)."""


class Unauthorized(FeatureStoreError):
    """The API key is missing, unknown or revoked (401)."""


class Unavailable(FeatureStoreError):
    """The server cannot answer now (503, or no answer at all); retrying later may succeed."""


class ServerUnreachable(Unavailable):
    """No connection to the server could be made (wrong URL, server down)."""


class RequestTimeout(Unavailable):
    """The server did not answer within the client's timeout."""


_BY_STATUS: dict[int, type[FeatureStoreError]] = {
    400: InvalidInput,
    401: Unauthorized,
    404: NotFound,
    409: Conflict,
    410: Conflict,
    413: InvalidInput,
    415: InvalidInput,
    503: Unavailable,
}


def error_from_problem(status: int, problem: dict[str, Any] | None, fallback: str) -> FeatureStoreError:
    """The exception for a server answer with ``status`` and its problem+json body (if any)."""
    problem = problem or {}
    errors = [
        FieldProblem(str(item.get("field", "")), str(item.get("message", "")))
        for item in problem.get("errors") or []
        if isinstance(item, dict)
    ]
    detail = str(problem.get("detail") or problem.get("title") or fallback)
    error_class = _BY_STATUS.get(status, FeatureStoreError)
    return error_class(detail, status=status, code=problem.get("code"), errors=errors)
