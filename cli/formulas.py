"""Keep spreadsheets from running CSV cells as formulas (OWASP's CSV-injection rule).

A spreadsheet treats a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula, and one that begins with a tab or carriage return may be trimmed into
one. Titles come from people (typed in Teams or imported), so an export could
carry ``=HYPERLINK("https://phish.example", "Click")`` or ``+cmd|' /C calc'!A0``
to a colleague's Excel.

Export prefixes such a text cell with a single quote, which spreadsheets show as
text; import removes that quote again, so export then import gives the same text
back. A cell that itself begins with a quote is prefixed too, so the round trip
is exact for every text: ``restore(neutralise(cell)) == cell``.
"""

from __future__ import annotations

# What a spreadsheet may read as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_PREFIXED = (*FORMULA_STARTS, _QUOTE)


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet will show it as text: quoted if it could start a formula."""
    return _QUOTE + cell if cell.startswith(_PREFIXED) else cell


def restore(cell: str) -> str:
    """The text :func:`neutralise` was given: the leading quote it added removed."""
    if cell.startswith(_QUOTE) and cell[1:].startswith(_PREFIXED):
        return cell[1:]
    return cell
