"""Masking 统一社会信用代码 and bank account numbers in what leaves the workspace.

Credit data is confidential (客户信息保密): a mail is forwarded and kept on
phones, a CSV export is passed around. With ``[privacy] mask_outgoing =
true`` (or ``export --mask``) every code and account number in a mail's
attachments and in a CSV export keeps only its first and last four
characters — ``9133****123X`` — enough for a clerk to tell two apart,
useless to anyone else. Files that stay in the workspace (forms, ledgers,
results.json) are never masked: they are the records.

Free text is masked by shape, not by field: a 统一社会信用代码 typed into a
customer name or quoted in a message is masked as well as the one in its
own column.
"""

from __future__ import annotations

import io
import re
import zipfile

KEEP = 4
STARS = "****"
# GB 32100 shape: 2 code chars, 6-digit 区划码, 10 more. Lookarounds because \b does not
# separate Chinese characters from digits; the 31-letter alphabet has no I, O, S, V, Z.
USCC = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])", re.IGNORECASE)
# Bank account numbers: 12+ digits, or groups of four separated by spaces or hyphens
# (amounts never match: they carry thousands separators and a decimal point).
ACCOUNT = re.compile(r"(?<![\d*])(?:\d{12,}|\d{4}(?:[ -]\d{4}){2,}(?:[ -]\d{1,4})?)(?![\d*])")


def mask_id(value: str | None) -> str | None:
    """A code or account number with only its first and last four characters: ``9133****123X``."""
    if value is None:
        return None
    chars = re.sub(r"[\s-]", "", str(value))
    if not chars:
        return value
    if len(chars) <= 2 * KEEP:
        return "*" * len(chars)
    return chars[:KEEP] + STARS + chars[-KEEP:]


def mask_text(text: str) -> str:
    """Every code- or account-shaped run inside ``text`` masked with ``mask_id``."""
    text = USCC.sub(lambda m: mask_id(m.group()), text)
    return ACCOUNT.sub(lambda m: mask_id(m.group()), text)


# -- workbooks -----------------------------------------------------------------------------
# The parts of an xlsx that hold text a person reads: shared strings, inline strings and
# cached formula text in sheets, comments, chart category caches, document properties.
_TEXT_NODE = re.compile(rb"(<(?:\w+:)?t(?:\s[^>]*)?>)([^<]*)(</(?:\w+:)?t>)")
_STR_CELL = re.compile(rb"(<c\b[^>]*\bt=\"str\"[^>]*>(?:(?!</c>).)*?<v>)([^<]*)(</v>)", re.DOTALL)
_STR_CACHE = re.compile(rb"<c:strCache>.*?</c:strCache>", re.DOTALL)
_CACHE_VALUE = re.compile(rb"(<c:v>)([^<]*)(</c:v>)")
_PROPERTY = re.compile(rb"(<(?:dc:title|dc:subject|dc:description|cp:keywords|Company|Manager)>)([^<]*)(</)")


def _masked(m: re.Match) -> bytes:
    return m.group(1) + mask_text(m.group(2).decode("utf-8")).encode("utf-8") + m.group(3)


def _mask_part(name: str, data: bytes) -> bytes:
    if not name.endswith((".xml", ".vml")):
        return data
    if name.startswith("xl/charts/"):
        return _STR_CACHE.sub(lambda block: _CACHE_VALUE.sub(_masked, block.group()), data)
    if name.startswith("docProps/"):
        return _PROPERTY.sub(_masked, data)
    if name.startswith("xl/worksheets/"):
        data = _STR_CELL.sub(_masked, data)
    if name.startswith(("xl/worksheets/", "xl/sharedStrings", "xl/comments", "xl/threadedComments")):
        return _TEXT_NODE.sub(_masked, data)
    return data


def mask_xlsx(data: bytes) -> bytes:
    """An xlsx with every code and account number in its text masked; all else byte for byte.

    Member order, names and compression are kept, so the workbook is the
    same file a spreadsheet program opened before, minus the digits.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, _mask_part(info.filename, src.read(info.filename)), compress_type=info.compress_type)
    return out.getvalue()
