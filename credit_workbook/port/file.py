"""The workbook port over a file on disk: calamine reads, the project's writers write.

Reading goes through ``ledger.read_raw.open_raw`` (zip-bomb guard, encrypted
files, CSV/GBK, .xls) and, for .xlsx/.xlsm, the zip's ``workbook.xml`` and
table parts for defined names and tables — the same sources the fast survey
reader uses, so a form reads the same here as in ``rate``. ``open_raw`` runs
the guard when the port is made, so the openpyxl loads further down (marks,
write-backs) only ever see a file the guard has passed; an encrypted file
stops there too (calamine reads the decrypted copy, no write-back goes to it).

Writes are collected and carried out once by ``finish``, never half: the
survey through ``survey_writeback.write_marks`` (the writer ``rate`` uses),
plain values through openpyxl (refused when openpyxl says it would drop
content), cell marks through ``write_marks`` again (a mark is a problem at a
cell to it), a ledger's flags through ``ledger_highlight`` into a copy, and a
generated form by regenerating it. The workbook is backed up first and must
not be open in Excel/WPS/LibreOffice; every file is replaced atomically.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path

from credit_workbook.errors import UserError
from credit_workbook.port.base import (
    FILLS,
    Cell,
    CellMark,
    Mark,
    col_letter,
    parse_range,
)

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_MAX_PART = 16 << 20  # workbook.xml or a table part bigger than this is not a form we wrote
_DROP_WORDS = ("will be removed", "will be lost", "dropped", "not supported", "discarded")
_SHEET_IN_REF = re.compile(r"^=?'?(?P<sheet>.+?)'?!(?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)$")


def _xml(zf: zipfile.ZipFile, member: str):
    import defusedxml.ElementTree as ET

    info = zf.getinfo(member)
    if info.file_size > _MAX_PART:
        raise UserError(f"{member}: 部件过大（{info.file_size:,} 字节），不是本工具的表单")
    try:
        return ET.fromstring(zf.read(member))
    except Exception as exc:  # not well-formed (a damaged file), or a declaration defusedxml refuses
        raise UserError(f"{member}: 部件已损坏（{exc}）") from None


def names_and_tables(path: Path) -> tuple[dict[str, Cell], dict[str, tuple[str, str]]]:
    """Workbook-scoped single-cell defined names, and tables by name -> (sheet, ref), of an .xlsx/.xlsm."""
    names: dict[str, Cell] = {}
    tables: dict[str, tuple[str, str]] = {}
    with zipfile.ZipFile(path) as zf:
        members = set(zf.namelist())
        book = _xml(zf, "xl/workbook.xml")
        for dn in book.iter(f"{_MAIN_NS}definedName"):
            if "localSheetId" in dn.attrib or not dn.get("name"):
                continue
            cell = cell_of_reference(dn.text or "")
            if cell is not None:
                names[dn.get("name")] = cell
        sheets = {s.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"): s.get("name")
                  for s in book.iter(f"{_MAIN_NS}sheet")}
        rels = _rels(zf, "xl/_rels/workbook.xml.rels", "xl/", members)
        for rid, sheet in sheets.items():
            part = rels.get(rid)
            if part is None:
                continue
            sheet_rels = f"{part.rsplit('/', 1)[0]}/_rels/{part.rsplit('/', 1)[1]}.rels"
            for target in _rels(zf, sheet_rels, part.rsplit("/", 1)[0] + "/", members).values():
                if "/tables/" in target and target in members:
                    table = _xml(zf, target)
                    if table.get("name") and table.get("ref"):
                        tables[table.get("name")] = (sheet, table.get("ref"))
    return names, tables


def _rels(zf: zipfile.ZipFile, member: str, base: str, members: set[str]) -> dict[str, str]:
    """Relationship id -> zip member, targets resolved against ``base``."""
    if member not in members:
        return {}
    out = {}
    for rel in _xml(zf, member):
        target = rel.get("Target") or ""
        if rel.get("TargetMode") == "External":
            continue
        path = target.lstrip("/") if target.startswith("/") else base + target
        parts: list[str] = []
        for piece in path.split("/"):
            if piece == "..":
                if parts:
                    parts.pop()
            elif piece and piece != ".":
                parts.append(piece)
        out[rel.get("Id")] = "/".join(parts)
    return out


def cell_of_reference(text: str) -> Cell | None:
    """``'调查评定表'!$B$5`` (or ``=Sheet!B5``, or a 1×1 range) -> Cell; None for anything else."""
    m = _SHEET_IN_REF.match(text.strip())
    if not m:
        return None
    box = parse_range(m["ref"])
    if box is None or box[0] != box[2] or box[1] != box[3]:
        return None
    return Cell(m["sheet"].replace("''", "'"), box[0], box[1])


class FileBook:
    """A workbook file as the port; ``backup_dir`` is where the original goes before any write-back."""

    live = False

    def __init__(self, path: Path, backup_dir: Path | None = None, stamp: datetime | None = None):
        from credit_workbook.ledger.read_raw import open_raw

        self.path = Path(path)
        self.name = self.path.name
        self.backup_dir = backup_dir
        self.stamp = stamp  # what written files carry as their modified time (the run's, for equal bytes)
        self.messages: list[str] = []
        self.status_text = ""
        self._raw = open_raw(self.path)
        self._grids: dict[str, list[list]] = {}
        self._names: tuple[dict, dict] | None = None
        self._survey = None  # (problems, results)
        self._values: dict[str, dict[tuple[int, int], object]] = {}
        self._marks: list[CellMark] = []
        self._clear = False

    # ------------------------------------------------------------ reading
    @property
    def file_format(self) -> str:
        return self._raw.file_format

    def sheet_names(self) -> list[str]:
        return list(self._raw.sheet_names)

    def _zip_parts(self) -> tuple[dict, dict]:
        if self._names is None:
            try:
                self._names = names_and_tables(self.path) if self._raw.file_format == "xlsx" else ({}, {})
            except UserError as exc:  # its message names the part: the clerk needs the file first
                raise UserError(f"{self.path.name}: 无法读取该工作簿，文件可能已损坏（{exc}）") from None
        return self._names

    def defined_names(self) -> dict[str, Cell]:
        return dict(self._zip_parts()[0])

    def tables(self) -> dict[str, tuple[str, str]]:
        return dict(self._zip_parts()[1])

    def values(self, sheet: str, max_rows: int | None = None) -> list[list]:
        if sheet not in self._grids:
            if max_rows is not None:
                return [_plain(row) for row in self._raw.head(sheet, max_rows)]
            self._grids[sheet] = [_plain(row) for row in self._raw.rows(sheet)]
        grid = self._grids[sheet]
        return grid if max_rows is None else grid[:max_rows]

    def marks(self) -> dict[tuple[str, str], Mark]:
        """Our marks in the file: comments of ours with the colour of their conditional format or fill."""
        if self._raw.file_format != "xlsx":
            return {}
        import openpyxl

        from credit_workbook.forms.survey_writeback import (
            COMMENT_SEP,
            MARK_AUTHOR,
            MARK_TOKEN,
        )

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(self.path)
        out = {}
        levels = {"ERROR": "红", "WARNING": "黄"}
        fills = {v: k for k, v in FILLS.items()}
        for ws in wb.worksheets:
            cf_level: dict[str, str] = {}
            for cf in ws.conditional_formatting:
                for rule in cf.rules:
                    for formula in rule.formula or ():
                        m = re.search(rf"{MARK_TOKEN}:(\w+)", formula)
                        if m:
                            for ref in str(cf.sqref).split():
                                cf_level[ref] = levels.get(m.group(1))
            for row in ws.iter_rows():
                for cell in row:
                    c = cell.comment
                    if c is None or not (c.author == MARK_AUTHOR or COMMENT_SEP in c.text):
                        continue
                    text = c.text.split(COMMENT_SEP, 1)[1] if COMMENT_SEP in c.text else c.text
                    rgb = (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type == "solid" else ""
                    out[(ws.title, cell.coordinate)] = Mark(cf_level.get(cell.coordinate) or fills.get(rgb), text)
        wb.close()
        return out

    # ------------------------------------------------------------ writing (collected, done by finish)
    def write_survey(self, problems: Sequence, results) -> None:
        self._survey = (tuple(problems), results)

    def write_values(self, sheet: str, values: Mapping[tuple[int, int], object]) -> None:
        self._values.setdefault(sheet, {}).update(values)

    def mark_cells(self, marks: Sequence[CellMark]) -> None:
        self._marks = list(marks)

    def clear_marks(self) -> int:
        """Every mark of ours goes; a survey's result cells stay (a mark is a problem, a result is not)."""
        count = len(self.marks())
        if count:
            self._clear = True
        return count

    def mark_ledger(self, flags: Sequence, marks: Sequence[CellMark], out_dir: Path | None, stamp,
                    display_name: str | None = None) -> Path | None:
        """The highlighted copy in ``out_dir``, as ``run`` writes it; finance's export itself is never written
        to, so a ledger with errors (no ``out_dir``) gets its errors listed, not marked."""
        if out_dir is None:
            return None
        from credit_workbook.forms.ledger_highlight import highlight_ledger

        report = highlight_ledger(self.path, out_dir, list(flags), display_name or self.name, created=stamp)
        self.messages += [report.summary(), *report.notes]
        return report.target

    def replace_generated(self, write: Callable[[Path], None], target: Path | None = None) -> Path:
        """The file itself, regenerated after a backup (``target`` is where a live book would go)."""
        from credit_workbook.fileio import atomic_target

        self._check_writable()
        self._backup()
        with atomic_target(self.path) as tmp:
            write(tmp)
        return self.path

    def status(self, text: str) -> None:
        self.status_text = text

    def alert(self, text: str, title: str = "信用管理") -> None:
        self.messages.append(text)

    def finish(self) -> list[Path]:
        backups: list[Path | None] = []
        if not (self._survey or self._values or self._marks or self._clear):
            return []
        self._check_writable()
        if self._values or self._clear:
            backups.append(self._backup())
            self._write_openpyxl()
        if self._survey or self._marks:
            backups.append(self._write_marks(make_backup=not backups))
        self._survey, self._values, self._marks, self._clear = None, {}, [], False
        return [b for b in backups if b]

    # ------------------------------------------------------------ the writers
    def _check_writable(self) -> None:
        from credit_workbook.forms.survey_writeback import ensure_not_open

        if self._raw.file_format != "xlsx" or self.path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise UserError(f"{self.name}: 只能写回 .xlsx/.xlsm 工作簿（本文件为 {self._raw.file_format}）")
        ensure_not_open(self.path)

    def _backup(self) -> Path | None:
        from credit_workbook.forms.survey_writeback import backup

        if self.backup_dir is None:
            return None
        return backup(self.path, self.backup_dir, datetime.now())

    def _write_openpyxl(self) -> None:
        """Values and the clearing of marks: the small write-backs openpyxl keeps whole, or refuses."""
        import openpyxl

        from credit_workbook.fileio import atomic_write, workbook_bytes
        from credit_workbook.forms.survey_writeback import clear_marks

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wb = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm")
        dropped = [str(w.message) for w in caught if any(k in str(w.message) for k in _DROP_WORDS)]
        if dropped:
            raise UserError(f"{self.name}: 工作簿含有本工具无法完整保留的内容（{dropped[0]}），为避免丢失，未写回；"
                            "请在 Excel 中使用功能区按钮")
        if self._clear:
            clear_marks(wb)
        for sheet, cells in self._values.items():
            ws = wb[sheet]
            for (row, col), value in cells.items():
                cell = ws.cell(row, col)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        atomic_write(self.path, workbook_bytes(wb, modified=self.stamp))
        wb.close()

    def _write_marks(self, make_backup: bool) -> Path | None:
        """The survey's results, or cell marks as problems at those cells, through the writer ``rate`` uses."""
        from credit_workbook.core.model import Problem, ProblemLevel
        from credit_workbook.forms.survey_writeback import ResultCells, write_marks

        if self._survey is not None:
            problems, results = self._survey
        else:
            if any(n.startswith("result_") for n in self.defined_names()):
                raise ValueError("cell marks on a workbook with result cells would blank them: use write_survey")
            problems, results = (), ResultCells(None, "", None, None, None)
        levels = {"红": ProblemLevel.ERROR, "黄": ProblemLevel.WARNING, "蓝": ProblemLevel.WARNING}
        problems += tuple(Problem(levels[m.severity], "mark", f"{self.name}!{m.sheet}!{col_letter(m.col)}{m.row}",
                                  m.text) for m in self._marks)
        return write_marks(self.path, self.path, problems, results,
                           backup_dir=self.backup_dir if make_backup else None, stamp=self.stamp)


def _plain(row: list) -> list:
    """calamine's "" for an empty cell is None here, as in xlwings."""
    return [None if v == "" else v for v in row]

