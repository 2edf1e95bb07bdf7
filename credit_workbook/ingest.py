"""Taking the ledger exports finance drops into ``inbox/`` into the ledger history (SPEC §2, §4).

A file either enters the history whole — its rows in the store, its bytes
in ``archive/YYYY-MM/`` — or not at all (moved whole to ``quarantine/``
with ``NAME.error.txt`` saying why, cell by cell). The caller holds
``workspace_lock``.

Crash safety. Each file goes: snapshot (a private copy in
``.credit/ingest/``, hashed while copying, so the bytes parsed, stored and
archived are the same even if Excel rewrites the inbox file meanwhile) →
parse → checks → ONE transaction (file row, rows, supersession, audit) →
archive copy (``atomic_copy``, then its sha256 verified) → inbox file
removed → ``archived_at`` set. A kill before the commit leaves nothing but
the file in the inbox; a kill after it leaves a row whose ``archived_at``
is NULL, and the next run finishes that file's archiving instead of calling
it a duplicate. Either way the end state is the one an uninterrupted run
gives.

Memory. The parse streams: each entry goes, as it is read, into a TEMP
staging table of the store's connection (``Store.stage_entries``), and only
per-counterparty figures stay in memory (``ledger.intake``). The checks
need nothing more, and the file's transaction copies the staged rows into
``ledger_entries`` in SQL. Files must be parsed before any is stored (they
are taken in period order), so several large files wait on disk, never in
RAM; a TEMP table dies with the connection, so a kill leaves nothing.

Corrections. A file for a period already in the history with different
bytes replaces the active files of the same period, the same shape
(明细账/余额表) and an overlapping account scope (应收/预付/预收; a file
whose rows name no account overlaps any). A 余额表 and a 明细账 of the same
month complement each other (the core prefers the detail), so neither
replaces the other. A correction must cover every account of the files it
replaces — a partial one would silently drop the rest of that month — or it
is rejected. The replaced files stay in the store and in archive/, marked
``superseded_by``.

Test hook: ``CREDIT_WORKBOOK_TEST_KILL_AT=<checkpoint>`` makes the process
SIGKILL itself at that checkpoint (see ``CHECKPOINTS``), so tests can prove
the promises above with a real kill. Unset, it costs one dict lookup.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from credit_workbook.core.history import add_months
from credit_workbook.core.model import ProblemLevel
from credit_workbook.fileio import atomic_copy, atomic_write, private_dir
from credit_workbook.ledger import stream_ledger
from credit_workbook.ledger.common import money
from credit_workbook.ledger.history_store import (
    FileFigures,
    Key,
    Link,
    balance_chain,
    canonical_key,
    file_accounts_json,
    stored_figures,
    types_for,
)
from credit_workbook.ledger.intake import CheckedFigures, LedgerIntake, store_text
from credit_workbook.ledger.model import SHAPE_DETAIL, ParsedLedger
from credit_workbook.policy import Policy
from credit_workbook.store import LedgerFile, Store
from credit_workbook.workspace import Workspace

KILL_ENV = "CREDIT_WORKBOOK_TEST_KILL_AT"
CHECKPOINTS = (
    "after_parse",  # the file is parsed, nothing stored
    "after_insert",  # rows inserted, transaction not committed
    "after_commit",  # committed, not archived
    "after_archive",  # archive copy verified, still in inbox
    "after_unlink",  # gone from inbox, archived_at not yet set
    "after_note",  # quarantine: .error.txt written, file not yet moved
)
STAGING = "ingest"  # under .credit/
_CHUNK = 1 << 20


def _checkpoint(name: str) -> None:
    """Test hook: die here, as a power cut would, when the environment asks for it."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


# ---------------------------------------------------------------- the report

@dataclass
class Accepted:
    file: str
    period: str
    shape: str
    entries: int  # 明细账 entries, or 余额表 lines
    superseded: list[str] = field(default_factory=list)  # archive paths of the files this one replaced
    warnings: list[str] = field(default_factory=list)
    archived: str = ""
    resumed: bool = False  # finished an ingest an earlier run committed but could not archive


@dataclass
class Rejected:
    file: str
    errors: list[str]  # "file!sheet!cell: message", as in NAME.error.txt
    quarantined: str | None = None  # quarantine/NAME, None when the file could not even be moved

    def to_json(self) -> dict:
        """The ``rejected_inputs`` item of results.json: places without the file name, which ``file`` gives."""
        prefix = f"{self.file}!"
        errors = []
        for text in self.errors:
            if text.startswith(prefix):
                text = text[len(prefix):]
            elif text.startswith(f"{self.file}: "):
                text = text[len(self.file) + 2:]
            errors.append(text)
        return {"file": f"inbox/{self.file}", "errors": errors}


@dataclass
class IngestReport:
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a clerk should read besides the lists

    @property
    def exit_code(self) -> int:
        return 2 if self.rejected else 0

    def rejected_inputs(self) -> list[dict]:
        return [r.to_json() for r in self.rejected]

    def summary_lines(self) -> list[str]:
        """What the CLI prints: one line per file, then what was replaced, refused or noted."""
        out = []
        for a in self.accepted:
            what = "笔明细" if a.shape == SHAPE_DETAIL else "行余额"
            done = "已完成上次中断的导入并归档" if a.resumed else "已导入"
            out.append(f"{a.file}：{a.period} {a.shape}，{a.entries} {what}，{done}（{a.archived}）")
            out += [superseded_message(a.period, a.file, old) for old in a.superseded]
            out += [f"  提示 {w}" for w in a.warnings]
        for r in self.rejected:
            where = f"已移入 {r.quarantined}" if r.quarantined else "仍在 inbox/"
            out.append(f"{r.file}：未导入，{where}：")
            out += [f"  {e}" for e in r.errors]
        out += self.notes
        return out

    lines = summary_lines


def superseded_message(period: str, new: str, old_archived: str) -> str:
    return f"{period} 的台账已由 {new} 替换（原文件仍在 {old_archived}）"


# ---------------------------------------------------------------- files and hashes

_NOT_LEDGERS = (".tmp", ".crdownload", ".part", ".partial", ".filepart", ".download")
_SYSTEM_FILES = ("thumbs.db", "desktop.ini", ".ds_store")


def ignored(name: str) -> bool:
    """Office lock files, temp files, unfinished downloads and system files are never ledgers."""
    lower = name.lower()
    return name.startswith(("~$", ".~lock.", ".")) or lower.endswith(_NOT_LEDGERS) or lower in _SYSTEM_FILES


def inbox_files(ws: Workspace) -> list[Path]:
    if not ws.inbox.is_dir():
        return []
    return sorted(p for p in ws.inbox.iterdir() if p.is_file() and not ignored(p.name))


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _same_bytes(path: Path, sha: str) -> bool:
    try:
        return path.is_file() and sha256_of(path) == sha
    except OSError:
        return False


def _name_variants(name: str):
    """NAME, then NAME-2, NAME-3 … before the suffix: a different file of the same name is never overwritten."""
    yield name
    p = Path(name)
    n = 2
    while True:
        yield f"{p.stem}-{n}{p.suffix}"
        n += 1


@dataclass
class _Candidate:
    path: Path  # in the inbox
    staged: Path  # private snapshot: what is parsed, stored and archived
    sha: str
    size: int
    mtime_ns: int
    parsed: ParsedLedger | None = None  # without its entries: they wait in ``entries`` (a store staging table)
    entries: str | None = None
    figures: CheckedFigures | None = None  # only for a file without parse errors

    @property
    def name(self) -> str:
        return self.path.name


# ---------------------------------------------------------------- rows of a parsed file

def _rows_for_store(parsed: ParsedLedger) -> tuple[list[tuple], list[tuple]]:
    """Openings and 余额表 lines as store rows (the entries went to staging while the file was read)."""
    t = store_text
    openings = [(o.code, o.name, o.account, t(o.balance), o.place) for o in parsed.openings]
    balances = [(b.code, b.name, b.account, t(b.opening), t(b.debit), t(b.credit), t(b.closing), b.place)
                for b in parsed.balances]
    return openings, balances


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return bool(a & b) or "" in a or "" in b


def _period_span(first: str, last: str) -> str:
    return first if first == last else f"{first} 至 {last}"


# ---------------------------------------------------------------- one run

@dataclass
class _Plan:
    replaces: list[FileFigures] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _Run:
    def __init__(self, ws: Workspace, store: Store, policy: Policy):
        self.ws, self.store, self.policy = ws, store, policy
        self.report = IngestReport()
        self.staging = ws.state / STAGING
        self.new: list[_Candidate] = []
        self.handled: set[int] = set()  # file ids finished in this run
        self._active: dict[int, FileFigures] | None = None

    # -- the active history, read once per run and kept up to date
    @property
    def active(self) -> dict[int, FileFigures]:
        if self._active is None:
            self._active = {f.file_id: f for f in stored_figures(self.store)}
        return self._active

    # -- step 1: snapshot every inbox file; known bytes are finished at once
    def take(self, path: Path) -> None:
        try:
            cand = self._snapshot(path)
        except FileNotFoundError:
            return  # gone since the listing (a save in progress): the next run sees the final file
        except OSError as exc:
            self.report.rejected.append(Rejected(path.name, [f"{path.name}: 无法读取文件（{exc.strerror}）"]))
            return
        row = self.store.ledger_file(cand.sha)
        if row is not None:
            self._known(cand, row)
            return
        self._parse(cand)
        _checkpoint("after_parse")
        self.new.append(cand)

    def _parse(self, cand: _Candidate) -> None:
        """Read the snapshot once: entries into a staging table as they come, figures and problems kept."""
        cand.entries = self.store.stage_entries()
        intake = LedgerIntake(lambda rows: self.store.add_staged_entries(cand.entries, rows))
        cand.parsed = stream_ledger(cand.staged, intake.entry, aliases=self.policy.ledger.header_aliases,
                                    display_name=cand.name)
        intake.flush()
        if cand.parsed.trusted:
            cand.figures = intake.finish(cand.parsed)

    def _snapshot(self, path: Path) -> _Candidate:
        private_dir(self.staging)
        stat = path.stat()
        part = self.staging / f".{uuid.uuid4().hex}.part"
        h = hashlib.sha256()
        size = 0
        try:
            with open(path, "rb") as src, open(part, "wb") as dst:
                while chunk := src.read(_CHUNK):
                    h.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
            shutil.copystat(path, part)  # the archive keeps the original's time
            sha = h.hexdigest()
            staged = self.staging / f"{sha}{path.suffix.lower()}"
            os.replace(part, staged)
        finally:
            part.unlink(missing_ok=True)
        return _Candidate(path, staged, sha, size, stat.st_mtime_ns)

    # -- step 2: new files in the order of their periods, so January is checked before February
    def process_new(self) -> None:
        self.new.sort(key=lambda c: (c.parsed.period or "", c.mtime_ns, c.name))
        for cand in self.new:
            row = self.store.ledger_file(cand.sha)  # the same bytes under another name, earlier in this run
            try:
                if row is not None:
                    self._known(cand, row)
                else:
                    self._ingest(cand)
            finally:
                self._drop_staged(cand)

    def _drop_staged(self, cand: _Candidate) -> None:
        if cand.entries is not None:
            self.store.drop_staged_entries(cand.entries)
            cand.entries = None

    def drop_staged(self) -> None:
        """Staging tables of files a failed run did not get to (the connection may serve a long watch)."""
        for cand in self.new:
            self._drop_staged(cand)

    def _ingest(self, cand: _Candidate) -> None:
        parsed, new = cand.parsed, cand.figures
        errors = [p.render() for p in parsed.errors]
        warnings = [p.render() for p in parsed.problems if p.level is not ProblemLevel.ERROR]
        plan = _Plan()
        if not errors:
            plan = self._plan(new)
            errors += plan.errors
            warnings += plan.warnings
        if errors:
            self._quarantine(cand, errors, warnings)
            return
        archived = self._archive_name(parsed.period, cand.name, cand.sha)
        openings, balances = _rows_for_store(parsed)
        replaced = [(f.file_id, self.store.ledger_file_by_id(f.file_id).archived_path) for f in plan.replaces]
        with self.store.transaction():
            file_id = self.store.insert_ledger_file(
                {"sha256": cand.sha, "original_name": cand.name, "archived_path": archived,
                 "period": parsed.period, "shape": parsed.shape,
                 "accounts": file_accounts_json(new.figures.accounts), "file_format": parsed.file_format,
                 "encoding": parsed.encoding, "size": cand.size,
                 "ingested_at": datetime.now().isoformat(timespec="seconds")},
                (), openings, balances,
            )
            entries = self.store.insert_staged_entries(cand.entries, file_id)
            self.store.supersede_ledger_files([i for i, _ in replaced], file_id)
            self.store.audit("ingest", file=cand.name, sha256=cand.sha, period=parsed.period, shape=parsed.shape,
                             entries=entries, openings=len(openings), balances=len(balances),
                             supersedes=[p for _, p in replaced])
            _checkpoint("after_insert")
        _checkpoint("after_commit")
        for f in plan.replaces:
            del self.active[f.file_id]
        new.figures.file_id = file_id
        self.active[file_id] = new.figures
        archived = self._archive(cand, file_id, archived)
        self.report.accepted.append(Accepted(
            cand.name, parsed.period, parsed.shape, entries or len(balances),
            [p for _, p in replaced], warnings, archived,
        ))

    # -- the history checks of SPEC §4
    def _plan(self, new: CheckedFigures) -> _Plan:
        plan = _Plan()
        f = new.figures
        if not f.keys():  # it would claim the month and say nothing about it
            plan.errors.append(f"{new.sheet_place}: 文件中没有任何往来单位的账行或余额行（是否导出了空表？）")
            return plan
        same = [o for o in self.active.values()
                if o.period == f.period and o.shape == f.shape and _overlap(o.accounts, f.accounts)]
        for old in same:
            missing = sorted(a for a in old.accounts if a and not f.covers(a))
            if missing:
                plan.errors.append(
                    f"{new.sheet_place}: 本文件将替换已导入的 {f.period} {old.shape} {old.name}，但缺少其中的"
                    f"{'、'.join(missing)}；更正文件须包含原文件的全部科目（请导出完整的台账）")
        plan.replaces = same
        replaced = {o.file_id for o in same}
        history = [o for o in self.active.values() if o.file_id not in replaced]
        roles = types_for(history + [f])
        prior = [o for o in history if o.period < f.period]
        self._check_openings(new, prior, roles, plan)
        self._check_gaps(f, prior, plan)
        self._check_next(new, history, roles, plan)
        return plan

    def _check_openings(self, new: CheckedFigures, prior: list[FileFigures], roles, plan: _Plan) -> None:
        """Each opening against the chain of the months before; a counterparty seen for the first time
        sets its own opening (see history_store), so only known ones can be out of step."""
        chain = balance_chain(prior, roles)
        previous = add_months(new.figures.period, -1)
        for key, (amount, place) in new.checked_openings.items():
            link = chain.get(canonical_key(key, roles))
            if link is None or link.balance == amount:
                continue
            covering = [o.period for o in prior if o.covers(key[1])]
            last = max(covering, default=link.last)
            if last == previous:
                where = f"上月（{previous}）期末余额 {money(link.balance)} 不符（断档或重述）"
            else:
                where = (f" {last} 期末余额 {money(link.balance)} 不符（缺少 "
                         f"{_period_span(add_months(last, 1), previous)} 的台账；断档或重述）")
            plan.errors.append(f"{place}: 期初余额 {money(amount)} 与{where}")

    def _check_gaps(self, f: FileFigures, prior: list[FileFigures], plan: _Plan) -> None:
        """A month missing from the history is not an error when the balances carry over, but it is
        counted as a month without turnover (averages), which the clerk should know."""
        previous = add_months(f.period, -1)
        for account in sorted(f.accounts):
            covering = [o.period for o in prior if o.accounts and o.covers(account)]
            if covering and max(covering) < previous:
                gap = _period_span(add_months(max(covering), 1), previous)
                plan.warnings.append(f"{f.name}: 台账历史中没有 {gap} 的{account or ''}台账，这些月份按无发生额计")

    def _check_next(self, new: CheckedFigures, history: list[FileFigures], roles, plan: _Plan) -> None:
        """A file slotted in before a month already in history must lead into that month's opening."""
        f = new.figures
        following = add_months(f.period, 1)
        later = [o for o in history if o.period == following and _overlap(o.accounts, f.accounts)]
        if not later:
            return
        chain: dict[Key, Link] = balance_chain([o for o in history if o.period <= f.period] + [f], roles)
        changed = {canonical_key(k, roles) for k in f.keys()}
        changed |= {canonical_key(k, roles) for o in plan.replaces for k in o.keys()}
        places = {canonical_key(k, roles): p for k, p in new.closing_places.items()}
        correction = bool(plan.replaces)
        seen: set[Key] = set()
        for o in sorted(later, key=lambda o: (o.shape != SHAPE_DETAIL, o.file_id or 0)):
            for key, (amount, _) in o.openings.items():
                k = canonical_key(key, roles)
                if k in seen or k not in changed or k not in chain:
                    continue
                seen.add(k)
                if chain[k].balance == amount:
                    continue
                message = (f"{places.get(k, new.sheet_place)}: 期末余额 {money(chain[k].balance)} 与下月（{following}）"
                           f"{o.name} 的期初余额 {money(amount)} 不符（断档或重述）")
                if correction:
                    plan.warnings.append(f"{message}；请一并更正 {following} 的台账")
                else:
                    plan.errors.append(message)

    # -- archive
    def _archive_name(self, period: str, name: str, sha: str) -> str:
        """archive/YYYY-MM/NAME, or NAME-2 … when a different file already has (or is promised) that name."""
        promised = {f.archived_path: f.sha256 for f in self.store.ledger_files()}
        for variant in _name_variants(name):
            rel = f"archive/{period}/{variant}"
            if promised.get(rel, sha) != sha:
                continue
            target = self.ws.root / rel
            if target.exists() and not _same_bytes(target, sha):
                continue
            return rel

    def _copy_verified(self, source: Path, target: Path, sha: str) -> None:
        atomic_copy(source, target)
        if not _same_bytes(target, sha):
            target.unlink(missing_ok=True)
            raise OSError(f"{target}: 归档副本校验失败（sha256 不一致），请检查磁盘")

    def _archive(self, cand: _Candidate, file_id: int, rel: str) -> str:
        """Copy the committed file into archive/, verify it, then let go of the inbox copy."""
        target = self.ws.root / rel
        if not _same_bytes(target, cand.sha):
            if target.exists():  # someone put another file there meanwhile: never overwrite it
                rel = self._archive_name(rel.split("/")[1], cand.name, cand.sha)
                target = self.ws.root / rel
                self.store.set_ledger_archived_path(file_id, rel)
            self._copy_verified(cand.staged, target, cand.sha)
        _checkpoint("after_archive")
        self._leave_inbox(cand)
        _checkpoint("after_unlink")
        self.store.mark_ledger_archived(file_id)
        self.handled.add(file_id)
        return rel

    def _leave_inbox(self, cand: _Candidate) -> None:
        if _same_bytes(cand.path, cand.sha):
            cand.path.unlink()
        elif cand.path.exists():
            self.report.notes.append(f"{cand.name}：处理期间 inbox 中的文件被改动，新内容留待下次处理")

    # -- files whose bytes the store already knows
    def _known(self, cand: _Candidate, row: LedgerFile) -> None:
        if row.archived_at is None:  # an earlier run committed it and was stopped before archiving
            rel = self._archive(cand, row.id, row.archived_path)
            replaced = [f.archived_path for f in self.store.ledger_files() if f.superseded_by == row.id]
            counts = self.store.ledger_file_row_counts(row.id)
            count = counts["ledger_entries"] or counts["ledger_balances"]
            self.report.accepted.append(Accepted(cand.name, row.period, row.shape, count, replaced, [], rel, True))
            return
        target = self.ws.root / row.archived_path
        if not _same_bytes(target, cand.sha):  # the archived copy went missing: this one takes its place
            rel = row.archived_path if not target.exists() else self._archive_name(row.period, cand.name, cand.sha)
            self._copy_verified(cand.staged, self.ws.root / rel, cand.sha)
            if rel != row.archived_path:
                self.store.set_ledger_archived_path(row.id, rel)
        self._leave_inbox(cand)
        state = "（该文件已被更正文件替换）" if row.superseded_by is not None else ""
        self.store.audit("ingest_duplicate", file=cand.name, sha256=cand.sha, period=row.period,
                         same_as=row.archived_path)
        self.report.duplicates.append(cand.name)
        self.report.notes.append(
            f"{cand.name}：与已导入的 {row.archived_path}{state} 完全相同，未重复导入，已移出 inbox/")

    # -- quarantine
    def _quarantine(self, cand: _Candidate, errors: list[str], warnings: list[str]) -> None:
        folder = self.ws.quarantine
        for variant in _name_variants(cand.name):
            target = folder / variant
            if not target.exists() or _same_bytes(target, cand.sha):
                break
        atomic_write(folder / f"{target.name}.error.txt", error_note(cand.name, target.name, errors, warnings))
        _checkpoint("after_note")
        if not _same_bytes(target, cand.sha):
            self._copy_verified(cand.staged, target, cand.sha)
        self._leave_inbox(cand)
        self.report.rejected.append(Rejected(cand.name, errors, f"quarantine/{target.name}"))

    # -- step 3: rows committed by a stopped run whose inbox file is gone
    def finish_interrupted(self) -> None:
        for row in self.store.ledger_files():
            if row.archived_at is not None or row.id in self.handled:
                continue
            target = self.ws.root / row.archived_path
            staged = next(iter(self.staging.glob(f"{row.sha256}*")), None) if self.staging.is_dir() else None
            if not _same_bytes(target, row.sha256) and staged is not None and _same_bytes(staged, row.sha256):
                self._copy_verified(staged, target, row.sha256)
            if _same_bytes(target, row.sha256):
                self.store.mark_ledger_archived(row.id)
            else:
                self.report.notes.append(
                    f"{row.original_name}（{row.period}）已导入，但原文件未能归档：请把该文件重新放入 inbox/")

    def clean_staging(self) -> None:
        if self.staging.is_dir():
            for p in self.staging.iterdir():
                if p.is_file():
                    p.unlink(missing_ok=True)


MAX_AUDITED_ERRORS = 20  # the .error.txt beside the quarantined file has them all


def abridged(r: Rejected) -> Rejected:
    """A refusal as the audit log and results.json keep it: the first problems, then where the rest are."""
    errors = r.errors[:MAX_AUDITED_ERRORS]
    if len(r.errors) > MAX_AUDITED_ERRORS:
        errors.append(f"{r.file}: ……共 {len(r.errors)} 个问题，其余见 {r.quarantined}.error.txt")
    return Rejected(r.file, errors, r.quarantined)


def audit_refusals(store, rejected: list[Rejected]) -> None:
    """Every quarantined file in the audit log (who, when, which file, why), in one transaction."""
    if rejected:
        with store.transaction():
            for r in map(abridged, rejected):
                store.audit("ingest_rejected", file=r.file, quarantined=r.quarantined, errors=r.errors)


def error_note(name: str, quarantined: str, errors: list[str], warnings: list[str]) -> bytes:
    """NAME.error.txt: what a clerk opens to see why a file was refused, each problem at its cell."""
    lines = [
        f"台账文件：{name}",
        f"检查时间：{datetime.now():%Y-%m-%d %H:%M:%S}",
        f"处理结果：未导入。整个文件已移到 quarantine/{quarantined}，台账历史没有任何改动。",
        f"请核对并改正以下 {len(errors)} 个问题，再把改好的文件放回 inbox/：",
        *errors,
    ]
    if warnings:
        lines += ["", f"另有 {len(warnings)} 条提示（不影响导入）：", *warnings]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ingest_files(ws: Workspace, store: Store, policy: Policy, paths) -> IngestReport:
    """These inbox files, oldest period first, then the finishing of any interrupted ingest.

    The caller holds ``workspace_lock``. The watcher passes only the files
    it has seen complete; ``ingest_inbox`` passes all of them.
    """
    run = _Run(ws, store, policy)
    try:
        for path in paths:
            path = Path(path)
            if not ignored(path.name) and path.is_file():
                run.take(path)
        run.process_new()
        run.finish_interrupted()
    finally:
        run.drop_staged()
        run.clean_staging()
    return run.report


def ingest_inbox(ws: Workspace, store: Store, policy: Policy) -> IngestReport:
    """Everything in inbox/."""
    return ingest_files(ws, store, policy, inbox_files(ws))


def ingest_file(ws: Workspace, store: Store, policy: Policy, path: Path) -> IngestReport:
    """One inbox file; ignored names are left alone."""
    return ingest_files(ws, store, policy, [path])
