"""Writing an operator command's output file: whole, or not at all, or one clear error."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

from cli.errors import CommandError


def write_output(path: Path | None, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path``, or to standard output when ``path`` is None.

    A regular file is written beside itself and renamed into place, so a full
    disk or an interruption never leaves half an export that looks whole.
    Devices and pipes (``/dev/stdout``) are written directly.

    Raises:
        CommandError: ``path`` is a folder, its folder is missing, or writing
            failed (no space, no permission); nothing is left behind.
    """
    data = text.encode("utf-8")
    if path is None:
        _write_stdout(data)
        return
    if path.is_dir():
        raise CommandError(f"cannot write {path}: it is a folder; name a file in it", 2)
    if not path.parent.is_dir():
        raise CommandError(f"cannot write {path}: the folder {path.parent} does not exist", 2)
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as device:
                device.write(data)
        else:
            _replace(path, data)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}", 2) from None


def _replace(path: Path, data: bytes) -> None:
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
    ) as part:
        temporary = Path(part.name)
        try:
            part.write(data)
            part.flush()
            os.fsync(part.fileno())
        except BaseException:
            part.close()
            temporary.unlink(missing_ok=True)
            raise
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except OSError as exc:
        # Nothing more can go there; keep the interpreter from failing again at exit.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):
            raise CommandError("standard output closed before the export was written", 1) from None
        raise CommandError(f"cannot write to standard output: {exc.strerror or exc}", 2) from None
