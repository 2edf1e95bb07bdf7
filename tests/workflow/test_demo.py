"""``credit-workbook demo``: the demo company end to end, checked against its own dataset and in real clients."""

from __future__ import annotations

import json

import pytest

from credit_workbook.forms.register import REGISTER_HEADERS
from credit_workbook.samples.company import COUNTERPARTIES
from oracles import find_row, gnumeric_sheets, requires_gnumeric, requires_soffice, soffice_convert_many
from test_cli_rate import cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "ws"
    code, out, err = cli("demo", root)
    assert code == 0, err
    results = json.loads((root / "out/2026-10/results.json").read_text(encoding="utf-8"))
    return root, out, results


def test_every_counterparty_gets_the_grade_its_form_and_ledger_deserve(demo):
    _, out, results = demo
    got = {c["code"]: c for c in results["counterparties"]}
    assert set(got) == {cp.code for cp in COUNTERPARTIES} | {"KH038"}  # KH038: ledger only, no survey
    for cp in COUNTERPARTIES:
        assert got[cp.code]["grade"] == cp.expected_grade, (cp.code, cp.path, got[cp.code]["grade_reasons"])
        found = {f"{p['field']}:{p['level']}" for p in got[cp.code]["problems"]}
        assert found == set(cp.expected_problems), cp.code
    assert got["KH038"]["grade"] is None and "第十三条" in got["KH038"]["grade_reasons"][0]
    assert "已评定 43 户" in out


def test_ledger_evidence_reaches_the_grade_and_the_contradiction_is_reported(demo):
    _, _, results = demo
    kh022 = next(c for c in results["counterparties"] if c["code"] == "KH022")
    assert kh022["grade"] == "C"  # its form says 近两年无不良欠款 = 是; the ledger says otherwise
    assert any(r.startswith("C级：第十六条(1)") and "逾期" in r for r in kh022["grade_reasons"])
    assert any(r.startswith("第十一条") for r in kh022["grade_reasons"])
    assert kh022["cap_long"] == kh022["cap_temp"] == "0.00" and kh022["max_overdue_days"] > 90


def test_finance_drops_are_archived_and_the_broken_one_quarantined(demo):
    root, out, results = demo
    assert not [p for p in (root / "inbox").iterdir()]
    archived = sorted(p.parent.name for p in (root / "archive").rglob("*") if p.is_file())
    assert len(archived) == 27 and archived[0] == "2025-10" and archived[-1] == "2026-10"
    quarantined = root / "quarantine" / "应收账款明细账_202610_手工修改.xlsx"
    assert quarantined.exists()
    reason = (root / "quarantine" / "应收账款明细账_202610_手工修改.xlsx.error.txt").read_text(encoding="utf-8")
    assert "明细账!I313" in reason and "550,000.00" in reason
    september = json.loads((root / "out/2026-09/results.json").read_text(encoding="utf-8"))
    assert [r["file"] for r in september["rejected_inputs"]] == ["inbox/应收账款明细账_202610_手工修改.xlsx"]
    assert results["rejected_inputs"] == []  # October's run found nothing new in inbox/


def test_totals_and_caps_come_from_real_history(demo):
    _, _, results = demo
    total = results["total"]
    assert (total["approved"], total["jan1_exposure"]) == ("8000000.00", "7905000.00")
    [r11] = total["flags"]
    assert (r11["rule"], r11["severity"], r11["article"], r11["amount"]) == ("R11", "红", "第二十四条", "95000.00")
    kh001 = next(c for c in results["counterparties"] if c["code"] == "KH001")
    # A with prior credit: cap = min(avg debit 654,166.67, avg credit 654,166.67) rounded down to 1,000
    # (第二十六条(2)); the register's 800,000 is higher, so 从低 does not apply and R09/R10 say so.
    assert (kh001["avg_debit"], kh001["cap_long"], kh001["approved_limit"]) == ("654166.67", "654000.00", "800000.00")
    assert {f["rule"] for f in kh001["flags"]} == {"R09", "R10"}


def test_every_rule_flags_at_least_once_with_its_article(demo):
    _, _, results = demo
    flags = [f for c in results["counterparties"] for f in c["flags"]] + results["total"]["flags"]
    assert {f["rule"] for f in flags} == {f"R{i:02d}" for i in range(1, 14)}
    for f in flags:
        assert f["article"].startswith("第") and f["article"].endswith("条") and f["message"]
        assert f["severity"] in ("红", "黄", "蓝")


def test_form_2_compares_with_september(demo):
    root, _, _ = demo
    import openpyxl

    ws = openpyxl.load_workbook(root / "out/2026-10/客户信用等级分类汇总表_2026-10.xlsx").active
    rows = [row for row in ws.iter_rows(values_only=True) if any(str(v).startswith(("KH", "GY")) for v in row)]
    changes = [v for row in rows for v in row if v in ("升级", "降级", "不变", "新评")]
    assert len(changes) == 43 and "不变" in changes and "新评" not in changes


def test_the_demo_carries_the_demo_company_name(demo):
    root, _, _ = demo
    import openpyxl

    ws = openpyxl.load_workbook(root / "out/2026-10/客户信用等级分类汇总表_2026-10.xlsx").active
    text = " ".join(str(v) for row in ws.iter_rows(max_row=4, values_only=True) for v in row if v)
    assert "浙江江南华盛实业有限公司" in text


@pytest.mark.oracle
@requires_gnumeric
@requires_soffice
def test_demo_outputs_open_in_libreoffice_and_gnumeric_with_the_numbers_of_results_json(demo, tmp_path):
    root, _, results = demo
    out = root / "out/2026-10"
    form2 = out / "客户信用等级分类汇总表_2026-10.xlsx"
    rows = next(iter(gnumeric_sheets(form2).values()))
    for grade in "ABC":
        assert find_row(rows, f"{grade}级小计")[2] == str(sum(c["grade"] == grade for c in results["counterparties"]))
    form3 = out / "预付赊销客户汇总表_2026-10.xlsx"
    from decimal import Decimal

    rows3 = next(iter(gnumeric_sheets(form3).values()))
    approved = sum(Decimal(c["approved_limit"]) for c in results["counterparties"] if c["approved_limit"])
    total3 = find_row(rows3, "合计")
    assert Decimal(total3[REGISTER_HEADERS.index("核定额度")]) == approved  # the 合计 formula, recalculated
    rated = sorted((out / "调查评定表").glob("*.xlsx"))
    # run returns to the clerks only the forms with problems to correct
    assert {p.name.split("_")[0] for p in rated} == {cp.code for cp in COUNTERPARTIES if cp.expected_problems}
    picks = [p for p in rated if p.name.startswith(("KH007", "KH032", "GY003"))]
    form4 = out / "客户授信额度执行评价表_2026-10.xlsx"
    sheets4 = gnumeric_sheets(form4)
    rows4 = sheets4["执行评价表"]
    header = next(r for r in rows4 if "逾期金额" in r)
    total4 = find_row(rows4, "合计")
    overdue = sum(Decimal(c["overdue"]) for c in results["counterparties"])
    assert Decimal(total4[header.index("逾期金额")]) == overdue  # the 合计 formula, recalculated
    closing = sum(Decimal(c["closing"]) for c in results["counterparties"]
                  if Decimal(c["closing"]) or c["approved_limit"] or Decimal(c["debit"]) or Decimal(c["credit"]))
    assert Decimal(total4[header.index("期末余额")]) == closing
    breaches = sheets4["超限逾期清单"]
    flags = [f for c in results["counterparties"] for f in c["flags"]] + results["total"]["flags"]
    assert sum(1 for r in breaches if r and r[0] in {f["rule"] for f in flags}) == len(flags)
    copies = sorted(out.glob("*_标注.xlsx"))
    assert len(copies) == 3
    for copy in copies:
        assert "标注说明" in gnumeric_sheets(copy)
    pdfs = soffice_convert_many(picks + [form2, form3, form4] + copies, "pdf", tmp_path)
    assert all(p.stat().st_size > 10_000 for p in pdfs)
    by_code = {c["code"]: c for c in results["counterparties"]}
    for path in picks:
        sheet = next(iter(gnumeric_sheets(path).values()))
        code = path.name.split("_")[0]
        assert f"编号：{code}" in [v for row in sheet for v in row]  # the 编号 formula, recalculated
        grade_row = find_row(sheet, "评定等级")
        assert grade_row[grade_row.index("评定等级") + 1] == by_code[code]["grade"]


@pytest.mark.parametrize("code, amount, expected", [
    ("KH001", "370000.00", 0),   # exposure 430,000 + 370,000 = the 800,000 limit exactly: allowed (最高不超过)
    ("KH001", "370000.01", 4),   # one fen over, no over-limit approval (第三十二条)
    ("KH005", "100000", 3),      # over the limit but within 华盛信审〔2026〕017号
    ("KH022", "1000", 4),        # C grade and 120 days overdue (第二十八条, 第三十五条)
])
def test_check_answers_with_the_exit_codes_of_spec_6(demo, code, amount, expected):
    root, _, _ = demo
    status, out, err = cli("check", root, "--customer", code, "--amount", amount, "--date", "2026-10-31", "--json")
    assert status == expected, err
    answer = json.loads(out)
    assert answer["decision"] == expected and answer["customer"] == code
    assert all(r["rule"].startswith("R") and r["article"].startswith("第") for r in answer["reasons"])
    if expected == 3:
        assert answer["approval"]["doc_no"] == "华盛信审〔2026〕017号"
    if code == "KH022":
        assert {r["rule"] for r in answer["reasons"]} >= {"R07", "R03"}


def test_check_of_an_unknown_customer_is_a_user_error(demo):
    root, _, _ = demo
    status, out, err = cli("check", root, "--customer", "KH999", "--amount", "5")
    assert status == 2 and err.startswith("错误：") and "KH999" in err


def test_rerunning_october_gives_identical_outputs(demo):
    root, _, _ = demo
    out = root / "out/2026-10"
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert cli("run", root, "--period", "2026-10")[0] == 0
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_highlighted_ledger_copy_colours_the_rows_behind_a_flag(demo):
    import openpyxl

    root, _, results = demo
    gy002 = next(c for c in results["counterparties"] if c["code"] == "GY002")
    [r01] = [f for f in gy002["flags"] if f["rule"] == "R01"]
    copy = root / "out/2026-10/预付账款明细账2026年10月_标注.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb.sheetnames[-1] == "标注说明"
    ws = wb.worksheets[0]
    red = [row[0].row for row in ws.iter_rows() if any(c.fill.fgColor.rgb == "FFFFC7CE" for c in row)]
    # The day the 900,000 prepayment pushed 华翔 over its limit is among the red rows, commented with R01.
    big = next(r for r in ws.iter_rows() if any(c.value == 900000 for c in r))
    assert big[0].row in red
    comments = " ".join(c.comment.text for row in ws.iter_rows() for c in row if c.comment)
    assert "R01" in comments and "第三十二条" in comments
    assert "601,936.30" in r01["message"]
