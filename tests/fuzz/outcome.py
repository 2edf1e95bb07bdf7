"""What every fuzzed input must end as, and the count of how each ended.

An input ends either as a correct result (the fuzz test then proves it
against an independent read of the same bytes) or as a clear error: Chinese,
starting with the file's name and, where there is one, its
``sheet!cell``, with nothing of Python's insides in it. Anything else — an
exception escaping a public entry point, a message that is a wrapped crash —
fails the example. The counts are written at the end of the session
(``conftest.py``) for the README's table.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from hypothesis import currently_in_test_context, event

CORRECT = "correct"
CLEAR_ERROR = "clear_error"

COUNTS: dict[str, Counter] = defaultdict(Counter)


def record(target: str, outcome: str) -> None:
    COUNTS[target][outcome] += 1
    note(f"{target}: {outcome}")


def note(text: str) -> None:
    """hypothesis ``event`` (shown by --hypothesis-show-statistics), also callable from a plain replay."""
    if currently_in_test_context():
        event(text)


_CJK = re.compile(r"[\u3400-\u9fff]")
CELL_PLACE = re.compile(r"^!(?P<sheet>[^!]+)!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)")
# Python's own words: a message holding these is a crash dressed as a user error.
INTERNAL = (
    "Traceback", "NoneType", "object has no attribute", "not subscriptable", "unsupported operand",
    "index out of range", "KeyError", "AttributeError", "IndexError", "TypeError", "UnboundLocalError",
    "RecursionError", "ZeroDivisionError", "InvalidOperation", "decimal.", "<class ", "object at 0x",
    "OverflowError", "UnicodeDecodeError", "UnicodeEncodeError", "ValueError", "AssertionError",
    "invalid literal", "unhashable", "NotImplemented",
)


# "无法读取…（the reader's own reason）": a file the library cannot open, said so first in Chinese
UNREADABLE = ("无法读取",)


def assert_clear(message: str, file_name: str) -> None:
    """A message a clerk can act on: Chinese, naming the file first, then the sheet and cell if any."""
    assert _CJK.search(message), f"not Chinese: {message!r}"
    assert message.startswith(file_name), f"does not name the file {file_name!r} first: {message!r}"
    rest = message[len(file_name):]
    assert rest[:1] in ("!", ":", "：", "（", " "), f"file name not followed by a place or a colon: {message!r}"
    if rest.lstrip(":： ").startswith(UNREADABLE):
        return  # a library's own words about a broken file may follow, in brackets
    for marker in INTERNAL:
        assert marker not in message, f"Python internals ({marker}) in a user message: {message!r}"


ROW_PLACE = re.compile(r"^!(?P<sheet>[^!]+): 第\d+行")


def names_a_cell(message: str, file_name: str) -> bool:
    """``file!sheet!B12: …`` — or ``file!sheet: 第12行…`` where only the row can be known."""
    if not message.startswith(file_name):
        return False
    rest = message[len(file_name):]
    return bool(CELL_PLACE.match(rest) or ROW_PLACE.match(rest))
