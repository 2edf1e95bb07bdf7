"""What a button press did, said once for Excel (status bar, a short message) and for the CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# A message box taller than the screen hides its OK button: the rest is in the workbook's marks.
ALERT_LINES = 12


@dataclass
class Outcome:
    kind: str | None  # what the workbook was recognised as; None: not recognised
    summary: str  # one line, for the status bar
    details: list[str] = field(default_factory=list)
    exit_code: int = 0  # as the CLI's: 0 done, 2 something the user must fix, 3/4 shipment answers
    written: list[Path] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    def message(self, limit: int = ALERT_LINES) -> str:
        lines = [self.summary, *self.details]
        if len(lines) > limit:
            lines = lines[:limit - 1] + [f"……另有 {len(lines) - limit + 1} 条，详见工作簿中的批注"]
        lines += [f"已写入：{p}" for p in self.written]
        return "\n".join(lines)

    def lines(self) -> list[str]:
        """Everything, for the CLI."""
        return [self.summary, *self.details, *(f"已写入：{p}" for p in self.written),
                *(f"已备份原表：{p}" for p in self.backups)]
