"""The errors ConflictKG reports to users.

``KGError`` and its subclasses carry a one-line message meant for a person;
the CLI prints it on stderr and exits with ``exit_code``, never a traceback.
"""


class KGError(Exception):
    exit_code = 2


class UsageError(KGError):
    """Bad usage or bad input: exit status 2."""


class InputError(KGError):
    """One unreadable input (file, line): reported, skipped, exit status 2 at the end."""

    def __init__(self, origin: str, message: str) -> None:
        super().__init__(f"{origin}: {message}")
        self.origin = origin
        self.reason = message


class StoreError(KGError):
    """The store cannot be opened, read or written."""


class ValidationFailed(KGError):
    """Data does not conform to the shapes: exit status 1."""

    exit_code = 1


class InternalError(KGError):
    """A defect of ConflictKG or of its installation, not of the user's input: exit status 3."""

    exit_code = 3


class ResourceMissing(InternalError):
    """A file the package needs (ontology, shapes, queries, web libraries) is not installed: exit status 3."""
