"""One rule for every cell of every CSV the project writes: no cell is a formula.

A spreadsheet runs a cell that starts with =, +, -, @ (or a tab or carriage return before one)
as a formula: a household's name like `=HYPERLINK("http://…")` in an export would run on the
committee's computer. Such a text cell gets a leading single quote (OWASP's rule), which the
spreadsheet shows as text. Numbers stay numbers: a number, or a text that is exactly a number
as we write them ("-12.5", "1e-05"), is no formula and is written unchanged.

No Django here: the simulator (pomochi.sim) writes CSV too.
"""

import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def csv_cell(value):
    """The value as it may safely go into a CSV cell (None becomes an empty cell)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
