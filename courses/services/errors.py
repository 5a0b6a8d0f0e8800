"""The one error the courses services raise."""

from __future__ import annotations

from dataclasses import dataclass

from lms.http import DomainError


@dataclass
class QuizError(DomainError):
    """A refusal of a courses service: a machine ``code``, a translated ``message`` and the HTTP
    ``status`` (409 state conflict by default, 400 bad input). ``DomainErrorMiddleware`` renders
    one a view lets through; the quiz views answer the ones they catch themselves."""

    code: str
    message: str
    status: int = 409
    # The question an invalid answer belongs to (its position in the attempt), if any.
    position: int | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
