"""The ribbon's buttons: one entry per button, each a function over the workbook port.

``press(port, ws)`` is the main button's work on any port; Excel reaches it
through ``main_button`` (the live book via xlwings), the CLI through
``press_file`` (``credit-workbook button FILE``), so both run the same code.

A button never shows a traceback: a user's mistake (``UserError``) is said
as it is, anything else as a short Chinese message pointing to the log, and
the traceback goes to the log (``ribbon.home``).
"""

from __future__ import annotations

from pathlib import Path

from credit_workbook.errors import UserError
from credit_workbook.ribbon.outcome import Outcome

TITLE = "信用管理"


def _actions():
    from credit_workbook.ribbon import ledger, register, review, shipment, survey
    from credit_workbook.ribbon.recognise import (
        LEDGER,
        REGISTER,
        REVIEW,
        SHIPMENT,
        SURVEY,
    )

    return {SURVEY: survey.rate_survey, REGISTER: register.recompute_register, LEDGER: ledger.check_ledger,
            REVIEW: review.refresh_review, SHIPMENT: shipment.check_requests}


def press(port, ws) -> Outcome:
    """Recognise the workbook, run its action under the workspace lock, make the writes durable."""
    from credit_workbook.ribbon.recognise import UNKNOWN_HELP, recognise
    from credit_workbook.workspace import workspace_lock

    found = recognise(port, ws.policy().ledger.header_aliases)
    if found is None:
        outcome = Outcome(None, f"{port.name}：未识别的工作簿", UNKNOWN_HELP.splitlines(), exit_code=2)
        port.status(outcome.summary)
        return outcome
    port.status(f"正在处理{found.kind}：{port.name}……")
    with workspace_lock(ws):
        outcome = _actions()[found.kind](port, ws, found)
        outcome.backups += port.finish()
        _audit(ws, port, outcome)
    port.status(outcome.summary)
    return outcome


def _audit(ws, port, outcome: Outcome) -> None:
    """Write-backs into a user's workbook are audited like ``rate --in-place``; a ledger check writes nothing."""
    from credit_workbook.ribbon.recognise import LEDGER

    if outcome.kind == LEDGER or not (outcome.backups or port.live or outcome.written):
        return
    from credit_workbook.store import Store

    with Store(ws.store_path) as store:
        store.audit("ribbon", kind=outcome.kind, file=port.name, live=port.live,
                    backups=[str(p) for p in outcome.backups], written=[str(p) for p in outcome.written])


def press_file(path: Path, workspace: Path | None = None, *, clear: bool = False) -> Outcome:
    """The main button's action on a file (the CLI's ``button``); ``clear`` takes the tool's marks off instead."""
    from credit_workbook.port.file import FileBook
    from credit_workbook.ribbon.home import find_workspace

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: 文件不存在")
    ws = find_workspace(path, workspace)
    port = FileBook(path, backup_dir=ws.backups)
    return clear_marks(port, ws) if clear else press(port, ws)


def clear_marks(port, ws) -> Outcome:
    """The tool's colours and comments off a workbook, the user's own kept (after a backup, like any write-back)."""
    from credit_workbook.workspace import workspace_lock

    with workspace_lock(ws):
        count = port.clear_marks()
        outcome = Outcome(None, f"{port.name}：已清除 {count} 处标注" if count else f"{port.name}：没有本工具的标注")
        outcome.backups += port.finish()
        _audit(ws, port, outcome)
    return outcome


# ---------------------------------------------------------------- Excel


def _live(work, book=None) -> Outcome | None:
    """Run ``work(port, ws)`` on the calling book; every failure becomes a message, every traceback a log entry."""
    from credit_workbook.ribbon.home import find_workspace, log

    from credit_workbook import guard

    port = ws = None
    try:
        guard.require_defusedxml()  # before any workbook is read: refuse rather than parse XML unsafely
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        from credit_workbook.port.excel import ExcelBook

        port = ExcelBook(book)
        ws = find_workspace(port.path)
        outcome = work(port, ws)
        log(ws, f"{port.name}: {outcome.summary}")
        port.alert(outcome.message(), title=TITLE)
        return outcome
    except UserError as exc:
        log(ws, f"{getattr(port, 'name', '?')}: {exc}")
        _say(port, book, str(exc))
    except Exception as exc:  # noqa: BLE001 - a fault of ours: a short message, the traceback in the log
        path = log(ws, f"{getattr(port, 'name', '?')}: 内部错误", exc)
        _say(port, book, f"内部错误：{type(exc).__name__}: {exc}\n详细信息已记录在 {path}")
    return None


def _say(port, book, text: str) -> None:
    try:
        if port is not None:
            port.status(text.splitlines()[0])
            port.alert(text, title=TITLE)
        elif book is not None:
            book.app.alert(text, title=TITLE)
    except Exception as exc:  # noqa: BLE001 - Excel itself is gone: the log keeps what could not be said
        from credit_workbook.ribbon.home import log

        log(None, f"无法在 Excel 中显示：{text}", exc)


def main_button(book=None) -> Outcome | None:
    """信用管理 › 检查并评定: whatever the active workbook is, do what it needs."""
    return _live(press, book)
