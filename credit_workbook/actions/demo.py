"""``credit-workbook demo DIR``: a workspace filled with the demo company, and its last two months run.

The demo replays how the company works: finance's thirteen monthly ledgers
land in inbox/, September is run with the register signed at the turn of
the year, then the approvers' mid-year version replaces it and October is
run — so Form 2 shows grade changes against September and the October
checks see a raised limit (R10) and the company total above 1 January (R11).

The committed ``sample_workbooks/`` are used when the package runs from a
checkout; an installed package rebuilds the same files from its dataset
(the build is reproducible, and a test keeps the two identical).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from credit_workbook.errors import WorkspaceError
from credit_workbook.workspace import Workspace, init_workspace

PREVIOUS_PERIOD, DEMO_PERIOD = "2026-09", "2026-10"
INITIAL_REGISTER = "register_2026年初.xlsx"
REPO_SAMPLES = Path(__file__).resolve().parents[2] / "sample_workbooks"


def sample_folder() -> Path:
    """sample_workbooks/ of the checkout, or a fresh build of it for an installed package."""
    if (REPO_SAMPLES / "surveys").is_dir() and (REPO_SAMPLES / INITIAL_REGISTER).is_file():
        return REPO_SAMPLES
    from credit_workbook.forms.build_templates import build_all
    from credit_workbook.samples import ledgers, register
    from credit_workbook.samples.build import build_surveys

    tmp = Path(tempfile.mkdtemp(prefix="credit-demo-"))
    build_all(tmp / "templates")
    build_surveys(tmp / "templates" / "客户信用调查评定表.xlsx", tmp / "surveys")
    ledgers.main([str(tmp / "ledgers")])
    register.main([str(tmp / "register.xlsx")])
    return tmp


def make_demo(root: Path) -> tuple[Workspace, bool]:
    """The workspace with surveys, and — when new — the ledgers in inbox/ and the initial register."""
    root = Path(root)
    if root.exists() and any(root.iterdir()) and not (root / "credit.toml").exists():
        raise WorkspaceError(f"{root}: 目录不为空且不是工作目录；请指定一个新目录")
    fresh = not (root / "credit.toml").exists()
    ws = init_workspace(root)
    if fresh:
        _name_the_company(ws)
    samples = sample_folder()
    copies = [(p, ws.surveys / p.name) for p in sorted((samples / "surveys").glob("*.xlsx"))]
    if fresh:  # finance's drops and the approvers' register arrive once, like in real life
        copies += [(p, ws.inbox / p.name) for p in sorted((samples / "ledgers").iterdir()) if p.is_file()]
        copies.append((samples / INITIAL_REGISTER, ws.register))
    for source, target in copies:
        if not target.exists():
            shutil.copy2(source, target)
    return ws, fresh


def sign_current_register(ws: Workspace) -> None:
    """The approvers' mid-year version of the register replaces the initial one."""
    from credit_workbook.fileio import atomic_copy

    atomic_copy(sample_folder() / "register.xlsx", ws.register)


def _name_the_company(ws: Workspace) -> None:
    """The demo's forms carry the demo company's name as 编制单位."""
    import json

    from credit_workbook.samples.company import COMPANY

    text = ws.config_path.read_text(encoding="utf-8")
    text = text.replace('name = "示例有限公司"', f"name = {json.dumps(COMPANY['name'], ensure_ascii=False)}", 1)
    ws.config_path.write_text(text, encoding="utf-8")
