"""A port seen through the few openpyxl attributes the form readers use.

``forms.register_reader.raw_register_from_workbook`` reads an openpyxl
workbook (worksheets, titles, ``iter_rows(values_only=True)``, ``max_row``,
tables by name). Giving it the port's grids in that shape lets the ribbon
read a live register in Excel with the very reader ``run`` uses, instead of a
second register reader that could drift from the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class _Table:
    ref: str


class _Sheet:
    def __init__(self, port, title: str, tables: dict[str, _Table]):
        self._port = port
        self.title = title
        self.tables = tables

    @property
    def _grid(self) -> list[list]:
        return self._port.values(self.title)

    @property
    def max_row(self) -> int:
        return len(self._grid)

    def iter_rows(self, min_row: int = 1, max_row: int | None = None, values_only: bool = True):
        if not values_only:
            raise NotImplementedError("the port gives values only")
        grid = self._grid
        last = len(grid) if max_row is None else min(max_row, len(grid))
        for r in range(min_row, last + 1):
            yield tuple(grid[r - 1])


class GridBook:
    def __init__(self, port):
        tables: dict[str, dict[str, _Table]] = {}
        for name, (sheet, ref) in port.tables().items():
            tables.setdefault(sheet, {})[name] = _Table(ref)
        self.worksheets = [_Sheet(port, s, tables.get(s, {})) for s in port.sheet_names()]
        self.sheetnames = [ws.title for ws in self.worksheets]

    def __getitem__(self, name: str) -> _Sheet:
        return self.worksheets[self.sheetnames.index(name)]
