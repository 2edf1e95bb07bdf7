"""The CLI contract of SPEC §6 for init / rate / run, on real folders, files and SQLite."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from credit_workbook.cli import main
from formfill import COMPLETE_A, fill
from oracles import find_row, gnumeric_sheets, requires_gnumeric, requires_soffice, soffice_values

AMOUNT = re.compile(r"^-?\d+\.\d{2}$")
SPEC_KEYS = {"code", "name", "type", "grade", "grade_reasons", "avg_debit", "avg_credit", "cap_long",
             "cap_temp", "max_term_long_days", "max_term_temp_days", "proposed_type", "proposed_limit",
             "approved_type", "approved_limit", "approved_term_days", "opening", "debit", "credit",
             "closing", "peak", "overdue", "max_overdue_days", "aging", "flags"}


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert cli("init", root)[0] == 0
    s = root / "surveys"
    fill(s / "KH901.xlsx", COMPLETE_A)
    fill(s / "KH902.xlsx", {**COMPLETE_A, "customer_code": "KH902", "customer_name": "宁波一般贸易有限公司",
                            "operation_2y": "一般"}, banks=())
    fill(s / "KH903.xlsx", {**COMPLETE_A, "customer_code": "KH903", "customer_name": "温州纠纷实业有限公司",
                            "debt_disputes": "是"}, banks=())
    return root


def test_init_makes_the_workspace_of_spec_2(tmp_path):
    root = tmp_path / "new"
    code, out, _ = cli("init", root)
    assert code == 0 and "credit.toml" in out
    for sub in ("surveys", "inbox", "archive", "quarantine", "out", ".credit", "templates"):
        assert (root / sub).is_dir()
    assert sorted(p.name for p in (root / "templates").glob("*.xlsx")) == sorted(
        p.name for p in (Path(__file__).resolve().parents[2] / "templates").glob("*.xlsx"))
    assert cli("init", root)[0] == 0  # again: nothing overwritten, no error


def test_rate_writes_results_json_per_spec(workspace):
    code, out, err = cli("rate", workspace, "--period", "2026-10")
    assert code == 0, err
    assert "A级 1，B级 1，C级 1" in out
    results = json.loads((workspace / "out/2026-10/results.json").read_text(encoding="utf-8"))
    assert results["period"] == "2026-10" and results["as_of"] == "2026-10-31"
    grades = {c["code"]: c["grade"] for c in results["counterparties"]}
    assert grades == {"KH901": "A", "KH902": "B", "KH903": "C"}
    for c in results["counterparties"]:
        assert SPEC_KEYS <= c.keys()
        for key in ("avg_debit", "cap_long", "cap_temp", "proposed_limit", "closing", "peak", "overdue"):
            assert AMOUNT.match(c[key]), (key, c[key])
        assert set(c["aging"]) == {"未到期", "1-30", "31-60", "61-90", "91-180", "181-360", ">360"}
    c903 = next(c for c in results["counterparties"] if c["code"] == "KH903")
    assert any("第十六条(3)" in r for r in c903["grade_reasons"])
    assert results["total"]["jan1_exposure"] is None and results["rejected_inputs"] == []
    # The user's forms are untouched; the marked copies are in out/.
    assert (workspace / "out/2026-10/调查评定表/KH901.xlsx").exists()


def test_rerunning_a_period_gives_identical_outputs(workspace):
    assert cli("rate", workspace, "--period", "2026-10")[0] == 0
    out = workspace / "out/2026-10"
    first = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert cli("run", workspace, "--period", "2026-10")[0] == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == first


def test_rejected_form_gives_exit_2_and_is_listed(workspace):
    values = dict(COMPLETE_A)
    del values["customer_name"]
    fill(workspace / "surveys" / "bad.xlsx", {**values, "customer_code": "KH999"})
    (workspace / "surveys" / "~$bad.xlsx").write_bytes(b"lock")  # Excel's owner file: ignored
    (workspace / "surveys" / "notes.xlsx").write_bytes(b"not a workbook")
    code, out, err = cli("rate", workspace, "--period", "2026-10")
    assert code == 2
    results = json.loads((workspace / "out/2026-10/results.json").read_text(encoding="utf-8"))
    rejected = {r["file"]: r["errors"] for r in results["rejected_inputs"]}
    assert set(rejected) == {"surveys/bad.xlsx", "surveys/notes.xlsx"}
    assert any("bad.xlsx!调查评定表!" in e and "客户名称" in e for e in rejected["surveys/bad.xlsx"])
    assert rejected["surveys/notes.xlsx"][0].startswith("notes.xlsx: ")  # the reader's own Chinese reason
    assert "Traceback" not in out + err


def test_in_place_writes_back_after_backup_and_audits(workspace):
    original = (workspace / "surveys/KH902.xlsx").read_bytes()
    code, out, _ = cli("rate", workspace, "--period", "2026-10", "--in-place")
    assert code == 0 and "已备份原表" in out
    backups = list((workspace / ".credit/backups").glob("KH902.*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original
    db = sqlite3.connect(workspace / ".credit/credit.sqlite")
    actions = [a for (a,) in db.execute("SELECT action FROM audit ORDER BY id")]
    assert actions.count("backup") == 3 and "write_back" in actions and "rate" in actions


def test_grade_changes_against_the_previous_period_in_form_2(workspace):
    assert cli("rate", workspace, "--period", "2026-09", "--as-of", "2026-09-30")[0] == 0
    fill(workspace / "surveys/KH901.xlsx", {**COMPLETE_A, "solvency": "一般"})  # A -> B
    assert cli("rate", workspace, "--period", "2026-10")[0] == 0
    import openpyxl

    ws = openpyxl.load_workbook(workspace / "out/2026-10/客户信用等级分类汇总表_2026-10.xlsx").active
    rows = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    kh901 = next(r for r in rows if "KH901" in r)
    assert "B" in kh901 and "A" in kh901 and "降级" in kh901


def test_user_errors_are_one_chinese_line_without_traceback(tmp_path):
    code, out, err = cli("rate", tmp_path)
    assert code == 2 and err.startswith("错误：") and "credit-workbook init" in err
    assert "Traceback" not in err
    code, _, err = cli("-v", "rate", tmp_path)
    assert "Traceback" in err and "错误：" in err


def test_bad_credit_toml_names_key_and_line(workspace):
    toml = workspace / "credit.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    n = next(i for i, l in enumerate(lines) if l.startswith("bad_arrears_days"))
    lines[n] = 'bad_arrears_days = "九十"'
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = cli("rate", workspace)
    assert code == 2 and f"第{n + 1}行" in err and "bad_arrears_days" in err


def test_bad_period_is_a_usage_error():
    assert cli("rate", ".", "--period", "2026-13")[0] == 2


@pytest.mark.oracle
@requires_gnumeric
@requires_soffice
def test_form_2_opens_in_real_clients_and_its_formulas_match_results_json(workspace):
    assert cli("rate", workspace, "--period", "2026-10")[0] == 0
    results = json.loads((workspace / "out/2026-10/results.json").read_text(encoding="utf-8"))
    form2 = workspace / "out/2026-10/客户信用等级分类汇总表_2026-10.xlsx"
    for sheets in (gnumeric_sheets(form2), soffice_values(form2)):
        rows = next(iter(sheets.values()))
        for grade in "ABC":
            expected = sum(1 for c in results["counterparties"] if c["grade"] == grade)
            subtotal = find_row(rows, f"{grade}级小计")
            assert subtotal[2] == str(expected), subtotal  # the count column (shown as “n户”)
        total = find_row(rows, "合计")
        assert total[2] == str(len(results["counterparties"])), total
