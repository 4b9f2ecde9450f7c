"""The one error an operator command reports as a single line (and a non-zero exit)."""

from __future__ import annotations


class CommandError(Exception):
    """The command cannot do what was asked; the message says why and what to do.

    ``exit_code`` is the process exit code: 1 when the input was refused, 2 when
    a file or the storage could not be used.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
