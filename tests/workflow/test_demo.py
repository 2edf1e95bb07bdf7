"""``credit-workbook demo``: the demo company end to end, checked against its own dataset and in real clients."""

from __future__ import annotations

import json

import pytest

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


def test_every_counterparty_gets_the_grade_its_form_deserves(demo):
    _, out, results = demo
    got = {c["code"]: c for c in results["counterparties"]}
    assert set(got) == {cp.code for cp in COUNTERPARTIES}
    for cp in COUNTERPARTIES:
        assert got[cp.code]["grade"] == cp.grade_from_form, (cp.code, cp.path, got[cp.code]["grade_reasons"])
        found = {f"{p['field']}:{p['level']}" for p in got[cp.code]["problems"]}
        assert found == set(cp.expected_problems), cp.code
    assert "已评定 43 户" in out


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
    rated = sorted((out / "调查评定表").glob("*.xlsx"))
    assert len(rated) == 43
    picks = [p for p in rated if p.name.startswith(("KH001", "KH032", "GY003"))]
    pdfs = soffice_convert_many(picks + [form2], "pdf", tmp_path)
    assert all(p.stat().st_size > 10_000 for p in pdfs)
    by_code = {c["code"]: c for c in results["counterparties"]}
    for path in picks:
        sheet = next(iter(gnumeric_sheets(path).values()))
        code = path.name.split("_")[0]
        assert f"编号：{code}" in [v for row in sheet for v in row]  # the 编号 formula, recalculated
        grade_row = find_row(sheet, "评定等级")
        assert grade_row[grade_row.index("评定等级") + 1] == by_code[code]["grade"]
