"""User text stays text in every file we write.

Every string in a workbook, a CSV or a mail body came from a person or
another system: a customer named ``=HYPERLINK("http://x","点我")``, a 摘要
of ``+cmd|' /C calc'!A0``, a salesperson ``<script>``. A spreadsheet
program that opens our output must show those characters, never run them.
The rule lives here once, so a new writer cannot forget half of it:

* XlsxWriter: ``XLSXWRITER_OPTIONS`` on every ``Workbook`` (its ``write()``
  would otherwise turn ``=…`` into a formula, ``http…`` into a link and
  ``123`` into a number); writers still prefer ``write_string``.
* openpyxl: ``set_text`` — assigning a str starting with ``=`` makes a
  formula, so the cell is forced back to the string type.
* CSV: ``csv_field`` — Excel and LibreOffice evaluate a field starting with
  ``= + - @`` (or a tab / CR they strip first) even from a text file, so
  such a field gets a leading ``'`` (OWASP "CSV injection"). Our own numbers
  (Decimal, int) are never touched: ``-1234.50`` stays a number.
* HTML: Jinja2 autoescape (``credit_workbook.mail.render``), not here.
"""

from __future__ import annotations

import re
from decimal import Decimal

XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

# OWASP: = + - @ tab CR; LF and NUL too, which some importers strip the same way.
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# Leading spaces (ASCII, full-width) some importers drop before looking at the first character
_LEADING_BLANKS = " \u3000\u00a0"
# XML 1.0 cannot hold these; openpyxl raises IllegalCharacterError on them (XlsxWriter escapes them itself).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_field(value) -> str:
    """One CSV field that no spreadsheet program will evaluate."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (Decimal, int)):
        return str(value)
    text = str(value)
    if text.startswith(CSV_TRIGGERS) or text.lstrip(_LEADING_BLANKS).startswith(CSV_TRIGGERS):
        return "'" + text
    return text


def xml_text(text: str) -> str:
    """Text an XML part can hold: control characters become U+FFFD instead of failing the save."""
    return _ILLEGAL_XML.sub("\ufffd", text)


def set_text(cell, value) -> None:
    """Put ``value`` into an openpyxl cell; a str stays a string cell whatever it starts with."""
    if isinstance(value, str):
        cell.value = xml_text(value)
        cell.data_type = "s"
    else:
        cell.value = value
