"""The real GBK CSV ledger, re-encoded, re-delimited, edited and broken, through the real ingest."""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from .ledger_harness import (CSV_BASE, LEDGERS, check_accepted_files, check_common, check_rejected, ingest_bytes,
                             scratch, stored)
from .ledger_oracle import Grid, check_detail
from .mutations import rewrite
from .outcome import CORRECT, record
from .profile import fuzz
from .values import HOSTILE_TEXT

pytestmark = pytest.mark.fuzz

ROWS = list(csv.reader(io.StringIO((LEDGERS / CSV_BASE).read_bytes().decode("gbk"), newline="")))
HEADER = 3
WIDTH = max(len(r) for r in ROWS)


@dataclass(frozen=True)
class SetField:
    row: int
    col: int
    text: str

    def apply(self, rows):
        while len(rows) < self.row:
            rows.append([])
        line = rows[self.row - 1]
        while len(line) < self.col:
            line.append("")
        line[self.col - 1] = self.text


@dataclass(frozen=True)
class SameField:
    row: int
    col: int
    pick: int

    def apply(self, rows):
        if self.row <= len(rows) and self.col <= len(rows[self.row - 1]):
            new = rewrite(rows[self.row - 1][self.col - 1], False, self.col, self.pick)
            if new is not None:
                rows[self.row - 1][self.col - 1] = new if isinstance(new, str) else repr(new)


@dataclass(frozen=True)
class Lines:
    """Shuffle, duplicate or delete a run of lines."""

    how: str
    first: int
    count: int
    seed: int = 0

    def apply(self, rows):
        block = rows[self.first - 1:self.first - 1 + self.count]
        if self.how == "shuffle":
            random.Random(self.seed).shuffle(block)
        elif self.how == "duplicate":
            block = block + block
        else:
            block = []
        rows[self.first - 1:self.first - 1 + self.count] = block


@dataclass(frozen=True)
class Bytes:
    """A byte-level accident: truncation, an inserted run of bytes, a flipped byte."""

    how: str
    at: float  # fraction of the length
    junk: bytes = b""

    def apply(self, data: bytes) -> bytes:
        i = int(self.at * len(data))
        if self.how == "truncate":
            return data[:i]
        if self.how == "insert":
            return data[:i] + self.junk + data[i:]
        if not data:
            return data
        i = min(i, len(data) - 1)
        return data[:i] + bytes([data[i] ^ (self.junk[0] if self.junk and self.junk[0] else 0x80)]) + data[i + 1:]


ENCODINGS = ("gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "big5", "latin-1")
SAME_TEXT_ENCODINGS = ("gbk", "gb18030", "utf-8", "utf-8-sig")


def _field_text():
    return st.one_of(st.sampled_from(HOSTILE_TEXT).filter(lambda t: len(t) < 1000),
                     st.text(st.characters(blacklist_categories=("Cs",)), max_size=12))


def edits(last_row: int):
    rows = st.integers(1, last_row + 2)
    cols = st.integers(1, WIDTH + 1)
    return st.one_of(
        st.builds(SetField, rows, cols, _field_text()),
        st.builds(SameField, rows, cols, st.integers(0, 20)),
        st.builds(Lines, st.sampled_from(["shuffle", "duplicate", "delete"]), st.integers(1, last_row),
                  st.integers(1, 6), st.integers(0, 10**6)),
    )


@st.composite
def csv_example(draw):
    return {
        "edits": draw(st.lists(edits(len(ROWS)), max_size=3), label="edits"),
        "delimiter": draw(st.sampled_from([",", "\t", ";"]), label="delimiter"),
        "newline": draw(st.sampled_from(["\r\n", "\n", "\r"]), label="newline"),
        "quote_all": draw(st.booleans(), label="quote_all"),
        "encoding": draw(st.sampled_from(ENCODINGS), label="encoding"),
        "bytes": draw(st.lists(st.builds(Bytes, st.sampled_from(["truncate", "insert", "flip"]),
                                         st.floats(0, 1), st.binary(min_size=1, max_size=8)), max_size=2),
                      label="byte accidents"),
        "suffix": draw(st.sampled_from([".csv", ".csv", ".txt", ".xls", ".xlsx"]), label="suffix"),
    }


def render(example) -> tuple[str, bytes, bool]:
    """(text meant, bytes written, whether the bytes carry exactly that text)."""
    rows = [list(r) for r in ROWS]
    for edit in example["edits"]:
        edit.apply(rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=example["delimiter"], lineterminator=example["newline"],
                        quoting=csv.QUOTE_ALL if example["quote_all"] else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    text = out.getvalue()
    try:
        data = text.encode(example["encoding"])
        exact = True
    except UnicodeEncodeError:
        data = text.encode(example["encoding"], errors="replace")
        exact = False
    for accident in example["bytes"]:
        data = accident.apply(data)
    exact = exact and not example["bytes"]
    return text, data, exact


# found by this target: an empty line (a row of no fields) broke the detail reader's fast path (IndexError);
# a copy cut inside a row (…\t75,885.) was imported as a whole month (the long run)
@example(example={"edits": [SetField(len(ROWS) + 2, 1, "备注")], "delimiter": ",", "newline": "\r\n",
                  "quote_all": False, "encoding": "gbk", "bytes": [], "suffix": ".csv"})
@example(example={"edits": [], "delimiter": "\t", "newline": "\r\n", "quote_all": False, "encoding": "gbk",
                  "bytes": [Bytes("truncate", 0.02734375)], "suffix": ".csv"})
@fuzz(200)
@given(example=csv_example())
def test_mutated_csv_ledger_is_imported_correctly_or_quarantined_cleanly(templates, example):
    text, data, exact = render(example)
    untouched = not any(isinstance(e, (SetField, SameField)) and e.row <= HEADER
                        or isinstance(e, Lines) and e.first <= HEADER for e in example["edits"])
    outcome = ingest_and_prove(templates, Path(CSV_BASE).stem + example["suffix"], data,
                               text if exact else None, example["delimiter"], untouched)
    record("ledger .csv (encodings, bytes)", outcome)


def ingest_and_prove(templates, name: str, data: bytes, text: str | None, delimiter: str,
                     untouched: bool = False) -> str:
    """The oracle on the file's bytes, dropped into the inbox as ``name``: a correct import, proved
    against ``text`` (the text meant; None: what a UTF-8/GB18030 decoder makes of the bytes), or a
    clean quarantine."""
    with scratch() as tmp:
        result = ingest_bytes(templates.get(CSV_BASE, True), Path(tmp) / "ws", name, data)
        check_common(result)
        if not result.accepted:
            return check_rejected(result)
        rows = stored(result.ws.store_path, check_accepted_files(result))
        check_detail(rows, Grid.from_csv(_oracle_decode(data) if text is None else text, delimiter), untouched)
        return CORRECT


def _oracle_decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("accepted a file no UTF-8/GB18030 decoder reads")
