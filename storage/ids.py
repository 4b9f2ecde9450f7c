"""Ids for new entities that sort in creation order.

Lists order by ``created_at`` and then by id; entities created in the same
instant (one form, one import) keep the order they were made in because the id
starts with a nanosecond counter. The random tail keeps ids unguessable and
unique across app instances.
"""

from __future__ import annotations

import secrets
import threading
import time

_lock = threading.Lock()
_last = 0


def new_id() -> str:
    """A 32-character hex id, increasing within this process."""
    global _last  # noqa: PLW0603 - one counter per process is the point
    with _lock:
        now = max(time.time_ns(), _last + 1)
        _last = now
    return f"{now:016x}{secrets.token_hex(8)}"
