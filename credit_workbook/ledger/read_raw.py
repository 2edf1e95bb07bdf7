"""A ledger file as rows of raw cell values, whatever it really is.

Finance renames files freely (an .xls that is really a tab-separated text,
an .xlsx saved as .csv), so the format is recognised from the first bytes,
never from the suffix. Rows keep absolute positions — ``rows[0]`` is sheet
row 1 and index 0 is column A — so every later message can name the exact
cell. calamine does the reading: openpyxl takes ~9 s for 100k rows.
"""

from __future__ import annotations

import codecs
import csv
import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from credit_workbook.errors import InputRejected
from credit_workbook.port.base import col_letter

ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

CSV_DELIMITERS = (",", "\t", ";")
_SNIFF_LINES = 50
_PROBE_CHARS = 1 << 16
_DECODE_CHUNK = 1 << 18


class UnreadableLedger(InputRejected):
    """The file cannot be opened as a table at all; the message is for the clerk."""


@dataclass
class RawBook:
    """An opened ledger file; sheets are read on demand.

    Header detection needs only the top of each sheet, so only the sheet that
    turns out to hold the ledger is read in full — and ``iter_rows`` hands
    its rows over one at a time, so a million-line export never exists as
    Python lists all at once (calamine's own copy of the cells is the one
    full copy; a CSV is not held at all).
    """

    file_name: str
    file_format: str  # xlsx / xls / csv
    sheet_names: list[str]
    encoding: str | None = None
    _workbook: object = None
    _csv: CsvSource | None = None
    _sheets: dict[str, object] = field(default_factory=dict)

    def head(self, sheet: str, nrows: int) -> list[list[object]]:
        """The first ``nrows`` rows; a CSV's are padded to the widest of them."""
        if self._csv is not None:
            return _rectangular(list(itertools.islice(self._csv.rows(), nrows)))
        data = self._sheet(sheet)
        try:
            return data.to_python(skip_empty_area=False, nrows=nrows)
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":
                raise
            raise _undated(self.file_name, sheet, data) from None

    def rows(self, sheet: str) -> list[list[object]]:
        """Every row of the sheet, each as wide as the sheet's widest row."""
        if self._csv is not None:
            return _rectangular(list(self._csv.rows()))
        data = self._sheet(sheet)
        del self._sheets[sheet]  # calamine's own copy of the cells is no longer needed
        try:
            return data.to_python(skip_empty_area=False)
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":
                raise
            raise _undated(self.file_name, sheet, data) from None

    def iter_rows(self, sheet: str) -> Iterator[list[object]]:
        """The rows one by one, absolute like ``rows`` (index 0 is column A) but not padded to one width.

        calamine's ``iter_rows`` starts at sheet row 1 but at the first
        used column, so rows of a sheet whose data starts right of A are
        shifted back into place here.
        """
        if self._csv is not None:
            yield from self._csv.rows()
            return
        data = self._sheet(sheet)
        del self._sheets[sheet]  # freed as soon as the caller lets go of the iterator
        start = data.start
        pad = [""] * start[1] if start else []
        try:
            if pad:
                for row in data.iter_rows():
                    yield pad + row
            else:
                yield from data.iter_rows()
        except BaseException as exc:
            if type(exc).__name__ != "PanicException":
                raise
            raise _undated(self.file_name, sheet, data) from None

    def keep_only(self, sheet: str) -> None:
        """Let go of every other sheet calamine has read (header detection reads each one)."""
        for name in [n for n in self._sheets if n != sheet]:
            del self._sheets[name]

    def merged(self, sheet: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges as 0-based inclusive (row0, col0, row1, col1)."""
        if self._csv is not None:
            return []
        ranges = self._sheet(sheet).merged_cell_ranges or []
        return [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]

    def visible(self, sheet: str) -> bool:
        if self._workbook is None:
            return True
        import python_calamine as pc

        for meta in self._workbook.sheets_metadata:
            if meta.name == sheet:
                return meta.visible == pc.SheetVisibleEnum.Visible
        return True

    def _sheet(self, sheet: str):
        # calamine parses the whole sheet here (0.5 s for 100k rows): once per sheet
        if sheet not in self._sheets:
            try:
                self._sheets[sheet] = self._workbook.get_sheet_by_name(sheet)
            except BaseException as exc:  # the sheet's part is missing or broken: calamine says so only now
                if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
                    raise
                raise UnreadableLedger(f"{self.file_name}!{sheet}: 无法读取该工作表，文件可能已损坏或不完整"
                                       f"（{type(exc).__name__}: {exc}）") from None
        return self._sheets[sheet]


def _undated(name: str, sheet: str, data) -> UnreadableLedger:
    """calamine panics — a BaseException, past every ``except Exception`` — on a date-formatted cell
    holding a number no date can be (a large negative one; Excel shows ####): the clerk's error, at its row."""
    row = 0
    try:
        for row, _ in enumerate(data.iter_rows(), start=1):
            pass
    except BaseException as again:
        if type(again).__name__ != "PanicException":
            raise
        where = f"第{row + 1}行有"
    else:
        where = "有"
    return UnreadableLedger(f"{name}!{sheet}: {where}日期格式的单元格填了无法作为日期的数值（Excel 中显示为 ####），"
                            "请改正该单元格后重新导出")


@dataclass(frozen=True)
class CsvSource:
    """A text file read afresh, row by row, on every pass: its rows are never all held.

    A full pass ends by judging the last record (``_cut_reason``): a copy that
    died inside a row still parses — as a row without its amounts — so the
    whole file is refused there, at that row, rather than taken as a month.
    """

    path: Path
    encoding: str  # a Python codec: utf-8-sig / utf-8 / gb18030
    delimiter: str
    file_name: str = ""
    sheet: str = ""
    width: int = 0  # fields of the table's own lines (header, data), from the sniffed top
    cut_char: bool = False  # the bytes end inside a character: cut, whatever the last record looks like

    def rows(self) -> Iterator[list[str]]:
        errors = "replace" if self.cut_char else "strict"  # only the cut character itself is undecodable
        with open(self.path, encoding=self.encoding, errors=errors, newline="") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            last, index, gaps = None, -1, 0
            w = self.width
            for index, last in enumerate(reader):
                # a row whose next-to-last cell is filled but last cell blank: such a row is normal in
                # this file unless none but the last one has it (counted here, judged at the end)
                if w > 1 and len(last) == w and not last[-1] and last[-2]:
                    gaps += 1
                yield last
            if last is not None:
                reason = self._cut_reason(last, gaps)
                if reason:
                    col = max(len(last) - 1, 0)
                    raise UnreadableLedger(
                        f"{self.file_name}!{self.sheet}!{col_letter(col + 1)}{index + 1}: 第{index + 1}行{reason}，"
                        "文件不完整（可能在传输或复制中中断）；请重新导出后再放入 inbox/")

    def _cut_reason(self, last: list[str], gaps: int) -> str | None:
        """Why the last record is a cut-off row, or None when it is whole.

        An export ends its last row with a line break; a last line without
        one is still taken as whole when nothing of it is missing (some
        programs omit the final break) — only a row that stops short is cut.
        """
        if self.cut_char:
            return "末尾的字符不完整"
        with open(self.path, "rb") as fh:
            fh.seek(0, 2)
            if fh.tell() == 0:
                return None
            fh.seek(-1, 2)
            if fh.read(1) in (b"\n", b"\r"):
                return None
        if _open_quote(self.path, self.encoding):
            return f"在 {col_letter(len(last))} 列的引号内中断（没有换行）"
        w = self.width
        if len(last) < w and not _text_only(last):
            return f"只有 {len(last)} 列（表格有 {w} 列）且没有换行，在 {col_letter(len(last))} 列中断"
        if w > 1 and len(last) == w and not last[-1] and last[-2] and gaps == 1:
            return f"最后一列（{col_letter(w)} 列）为空且没有换行，而其他各行 {col_letter(w - 1)} 列有值时该列都有值"
        return None


def _open_quote(path: Path, encoding: str) -> bool:
    """The file's last line ends inside a quoted field (e.g. ``"16,831.5`` with no closing quote).

    Only the bytes after the last line break are read: neither GBK nor UTF-8
    uses the byte 0x0A inside a character, so that is a safe place to start.
    """
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        start = max(0, size - _PROBE_CHARS)
        fh.seek(start)
        tail = fh.read()
    cut = max(tail.rfind(b"\n"), tail.rfind(b"\r"))
    if cut < 0 and start > 0:
        return False  # one line longer than the probe: no judgement from a piece of it
    text = tail[cut + 1:].decode(encoding, errors="replace").lstrip("\ufeff")
    try:
        for _ in csv.reader([text], strict=True):
            pass
    except csv.Error:
        return True
    return False


def _text_only(fields: list[str]) -> bool:
    """A lone note with no delimiter (制表人：张三) ends a file whole; a lone date or amount is a cut row."""
    if len(fields) != 1:
        return False
    text = fields[0].strip()
    return not text or not any(ch.isdigit() for ch in text)


def _rectangular(rows: list[list[object]]) -> list[list[object]]:
    """Pad to the widest row, like calamine's grid, so a column index never runs off a row."""
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([""] * (width - len(r)))
    return rows


def sniff_format(head: bytes) -> str:
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head.startswith(OLE2_MAGIC):
        return "xls"
    return "csv"


def open_raw(path: Path, display_name: str | None = None) -> RawBook:
    """Open ``path``; raise ``UnreadableLedger`` with a Chinese reason when it is no table.

    The guard comes first: it recognises the content (never the suffix),
    refuses bombs, DTDs and oversized sheets, and opens encrypted exports
    in memory when a password is configured.
    """
    from credit_workbook import guard
    from credit_workbook.errors import UnsafeInput

    path = Path(path)
    name = display_name or path.name
    try:
        checked = guard.check_workbook(path, name)
    except UnsafeInput as exc:
        raise UnreadableLedger(str(exc)) from exc
    if checked.kind is guard.Kind.CSV:
        return _open_csv(path, name)
    return _open_excel(checked.open(), name, "xls" if checked.kind is guard.Kind.XLS else "xlsx")


def _open_excel(fh, name: str, kind: str) -> RawBook:
    import python_calamine as pc

    try:
        # from_filelike sniffs the content; from_path would trust the suffix
        with fh:
            wb = pc.CalamineWorkbook.from_filelike(fh)
    except Exception as exc:  # calamine raises several unrelated types for bad files
        raise UnreadableLedger(f"{name}: 无法读取 Excel 文件（{type(exc).__name__}: {exc}）") from None
    except BaseException as exc:  # and panics on some damaged .xls: past every `except Exception`
        if type(exc).__name__ != "PanicException":
            raise
        raise UnreadableLedger(f"{name}: 无法读取 Excel 文件，文件已损坏（{exc}）") from None
    sheets = [m.name for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
    if any(not s for s in sheets):  # calamine reads a broken xl/workbook.xml leniently: a sheet without a name
        raise UnreadableLedger(f"{name}: 文件已损坏（工作簿目录中的工作表没有名称），请重新导出")
    return RawBook(file_name=name, file_format=kind, sheet_names=sheets, _workbook=wb)


def _open_csv(path: Path, name: str) -> RawBook:
    encoding, cut_char = _text_encoding(path, name)
    with open(path, encoding=encoding, errors="replace" if cut_char else "strict", newline="") as fh:
        start = fh.read(_PROBE_CHARS)
        probe = start.lstrip()[:512].lower()
        if probe.startswith("<") and ("<table" in probe or "<html" in probe or "<?xml" in probe):
            raise UnreadableLedger(
                f"{name}: 文件是网页（HTML/XML）格式，不是真正的 Excel 文件；请在 Excel 中打开后另存为 .xlsx"
            )
        lines = _first_lines(fh, start, _SNIFF_LINES)
    sheet = Path(name).stem or name  # Excel names a CSV's only sheet after the file
    delimiter, width = _sniff(lines)
    return RawBook(
        file_name=name, file_format="csv", sheet_names=[sheet], encoding=encoding,
        _csv=CsvSource(path, encoding, delimiter, name, sheet, width, cut_char),
    )


def _first_lines(fh, text: str, count: int) -> list[str]:
    """The first ``count`` lines as ``str.splitlines`` cuts the whole text, reading no further than needed."""
    while True:
        lines = text.splitlines()
        if len(lines) > count:
            return lines[:count]
        more = fh.read(_PROBE_CHARS)
        if not more:
            return lines[:count]
        text += more


_NOT_TEXT = "不是 Excel 或 CSV 文件（二进制内容无法识别）"
_BAD_BOM = "文件标明为 UTF-8 编码，但内容有乱码"
_UNKNOWN_ENCODING = "文件编码无法识别（应为 UTF-8 或 GBK）"


def text_encoding(path: Path, name: str) -> str:
    """The codec ``decode_text`` would choose, found without holding the file's text.

    Each candidate decodes the file chunk by chunk and the text is thrown
    away: a 100 MB CSV costs a few MB here instead of its size three times.
    """
    encoding, _ = _text_encoding(path, name)
    return encoding


def _text_encoding(path: Path, name: str) -> tuple[str, bool]:
    """(codec, cut): ``cut`` when the text decodes whole but for a character its last bytes only begin —
    a copy cut in transfer, which the reader then refuses at its last row instead of calling it no text."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if b"\x00" in head:
        raise UnreadableLedger(f"{name}: {_NOT_TEXT}")
    if head.startswith(b"\xef\xbb\xbf"):
        found = _decodes(path, "utf-8-sig")
        if found is None:
            raise UnreadableLedger(f"{name}: {_BAD_BOM}")
        return "utf-8-sig", found == _CUT
    for encoding in ("utf-8", "gb18030"):
        found = _decodes(path, encoding)
        if found is not None:
            return encoding, found == _CUT
    raise UnreadableLedger(f"{name}: {_UNKNOWN_ENCODING}")


_WHOLE, _CUT = "whole", "cut"


def _decodes(path: Path, encoding: str) -> str | None:
    """_WHOLE, _CUT (all decodes but a character the file's end cuts short), or None (not this codec)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(_DECODE_CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return None
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _CUT
    return _WHOLE


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """UTF-8 (BOM or not) first, GB18030 (a superset of GBK) second.

    UTF-8 is tried first because GBK text almost never decodes as UTF-8,
    while UTF-8 text often decodes as (wrong) GB18030.
    """
    if b"\x00" in data[:4096]:
        raise UnreadableLedger(f"{name}: {_NOT_TEXT}")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise UnreadableLedger(f"{name}: {_BAD_BOM}") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise UnreadableLedger(f"{name}: {_UNKNOWN_ENCODING}") from None


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most lines into the same number of fields.

    csv.Sniffer is thrown off by the title rows above the header and by the
    thousands separators inside quoted amounts; counting parsed fields is not.
    """
    return _sniff(lines)[0]


def _sniff(lines: list[str]) -> tuple[str, int]:
    """(delimiter, the field count most lines share): that count is the table's width for the cut check."""
    best, best_score = ",", (0, 0)
    for delim in CSV_DELIMITERS:
        widths = [len(r) for r in csv.reader(lines, delimiter=delim) if any(c.strip() for c in r)]
        widths = [w for w in widths if w > 1]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        if (count, width) > best_score:
            best, best_score = delim, (count, width)
    return best, best_score[1]
