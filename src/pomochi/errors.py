"""Domain errors: each carries a message a coordinator can read, already translated.

The web and API layers show `message` (and `field`, when the error belongs to one form field);
they never repeat the business rule that raised it.
"""


class DomainError(Exception):
    """A request the rules refuse. Nothing was changed."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return self.message


class NotAllowed(DomainError):
    """The actor's role or community does not permit this."""


class InvalidInput(DomainError):
    """The request is malformed or inconsistent (wrong community, wrong kind, bad number)."""


class Conflict(DomainError):
    """The request contradicts what is recorded (a reused idempotency key, a second reversal)."""
