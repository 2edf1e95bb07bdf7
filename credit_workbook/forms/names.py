"""Resolve a workbook's defined names and tables to cells (openpyxl).

Code reads and writes fields by name, never by coordinates (SPEC §3), so
staff may restyle the form or insert rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CellRef:
    sheet: str
    coord: str  # e.g. "C5"

    def place(self, file_name: str) -> str:
        return f"{file_name}!{self.sheet}!{self.coord}"


def defined_cells(wb) -> dict[str, CellRef]:
    """Workbook-scoped defined names that point at a single cell."""
    out: dict[str, CellRef] = {}
    for name, dn in wb.defined_names.items():
        dests = list(dn.destinations)
        if len(dests) != 1:
            continue
        sheet, coord = dests[0]
        coord = coord.replace("$", "")
        if ":" in coord:
            first, last = coord.split(":")
            if first != last:
                continue
            coord = first
        out[name] = CellRef(sheet, coord)
    return out


def find_table(wb, name: str):
    """(worksheet, table) for an Excel table by name, or (None, None)."""
    for ws in wb.worksheets:
        if name in ws.tables:
            return ws, ws.tables[name]
    return None, None
