"""String catalogs, one module per language (``en.py``, ``vi.py``), keyed alike."""
