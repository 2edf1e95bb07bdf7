"""The ceilings a received file must stay under before any parser may open it.

They live apart from the policy's numbers because they protect the process,
not the rules: a parser handed a zip bomb or a sheet whose two cells sit at
A1 and XFD1048576 spends gigabytes (calamine aborts the whole process on the
failed allocation) before it could report anything. The defaults let the
largest real input through — a 1,000,000-line 明细账 is 391 MiB of sheet XML
in 9 parts, compressed 8.4 : 1, 1,007,737 rows × 9 columns — with room to
spare, and stop a bomb from the zip directory alone.
"""

from __future__ import annotations

from dataclasses import dataclass

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
DEFAULT_PASSWORD_ENV = "CREDIT_WORKBOOK_PASSWORD"


@dataclass(frozen=True)
class InputLimits:
    max_parts: int = 10_000  # members of one .xlsx/.xlsm zip (a workbook has tens)
    max_unpacked_mb: int = 1024  # MiB once unpacked (a CSV: its size); 1M ledger lines are 391 MiB
    max_ratio: int = 200  # unpacked/packed of one part over 1 MiB (real XML: 8–120, a bomb ~1,000)
    max_rows: int = EXCEL_MAX_ROWS  # per sheet
    max_columns: int = EXCEL_MAX_COLUMNS  # per sheet
    max_cells: int = 30_000_000  # rows × columns of a sheet's used area (~1 GiB as calamine cells)
    workbook_password_env: str = DEFAULT_PASSWORD_ENV  # names the variable; the password never lives in a file

    @property
    def max_unpacked_bytes(self) -> int:
        return self.max_unpacked_mb << 20
