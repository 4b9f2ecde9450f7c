"""Operator commands behind ``python app.py <command>`` (import, export, ...)."""
