"""The one way a service says no: ``Refusal``.

A service refuses by raising ``Refusal`` (or ``Conflict``, when someone else acted first) with a
message written for the person holding the tablet — what is wrong and where — and nothing is
changed (the service's transaction rolls back). ``code`` names the kind of refusal for code and
tests; ``field`` names the form field it is about, when there is one, so a view can show it on
that field.

Views catch ``Refusal`` where they show it in place (a form, a person's row); anything not caught
is answered by ``RefusalMiddleware`` with the message in words and the refusal's ``status``
(400, or 409 for a conflict), never a raw error."""

from __future__ import annotations


class Refusal(Exception):
    """Refused: the message says what is wrong and where. Nothing was changed."""

    status = 400
    default_code = "refused"

    def __init__(self, message: str, *, code: str = "", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.field = field

    def __str__(self) -> str:
        return self.message


class Conflict(Refusal):
    """Refused because the record is no longer as the person saw it: another officer decided it,
    another tablet moved the person. The message says who did what, and when."""

    status = 409
    default_code = "conflict"
