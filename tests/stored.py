"""What the store holds, compared before and after a request."""

from __future__ import annotations

import json

from storage.backend import SYSTEM_PARTITION
from storage.store import OkrStore
from tests import factories as f

# Kinds a refused or malformed request must leave exactly as they were.
# (Members and conversations are refreshed by every turn, by design.)
GUARDED_KINDS = ("objective", "key_result", "initiative", "kpi", "checkin", "team")


async def snapshot(store: OkrStore) -> str:
    """Every guarded document of the test tenants (bodies only), as canonical JSON."""
    docs = {}
    for partition in (f.TENANT_ID, f.OTHER_TENANT_ID, SYSTEM_PARTITION):
        for kind in GUARDED_KINDS:
            found = await store.backend.query(partition, kind)
            docs[f"{partition}/{kind}"] = sorted(json.dumps(d.body, sort_keys=True) for d in found)
    return json.dumps(docs, sort_keys=True)
