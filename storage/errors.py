"""Errors every backend raises the same way."""


class StoreError(Exception):
    """Base class for storage failures callers may handle."""


class ConflictError(StoreError):
    """A write carried an ETag that is no longer current: someone else wrote first.

    Nothing was changed. Read again, re-apply the change, write again.
    """


class NotFoundError(StoreError):
    """The document to update or delete does not exist (in this tenant)."""


class AlreadyExistsError(StoreError):
    """A create found a document with the same id (in this tenant)."""


class StoreUnavailableError(StoreError):
    """Storage could not be reached, or did not answer within its deadline.

    The write may not have happened: callers tell the person "couldn't save,
    please try again" and keep what they typed. Raised by every backend for
    timeouts, lost connections, a deleted or unwritable SQLite file, and a
    Cosmos account that does not answer.
    """
