"""The OKR domain: models and arithmetic. Pure Python, no I/O, no SDK imports."""
