"""Masking 统一社会信用代码 and account numbers in what leaves the workspace ([privacy] mask_outgoing, export --mask)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from credit_workbook.privacy import mask_id, mask_text, mask_xlsx

from .conftest import cli, process
from .hostile import ACCOUNT, LEAKY, PERIOD, USCC
from .scan import all_text, eml

SECRETS = tuple(USCC.values()) + tuple(ACCOUNT.values())
CODE, ACCT = "91330100000000108P", "6222021200000000009"


def test_mask_keeps_the_first_and_last_four():
    assert mask_id(CODE) == "9133****108P"
    assert mask_id("6222 0212 0000 0000 009") == "6222****0009"
    assert mask_id("6222-0212-3456-7890") == "6222****7890"
    assert mask_id("12345678") == "********" and mask_id(None) is None


def test_masking_free_text_finds_codes_and_accounts_but_not_amounts_or_phones():
    text = f"供应商（{CODE.lower()}）账号{ACCT}，另一账户 6222 0212 3456 7890；金额 1,234,567,890,123.00 元，电话 13812345678"
    masked = mask_text(text)
    assert masked == ("供应商（9133****108p）账号6222****0009，另一账户 6222****7890；"
                      "金额 1,234,567,890,123.00 元，电话 13812345678")
    assert mask_text(masked) == masked  # masking twice changes nothing


def _book_with_secrets(constant_memory: bool) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "constant_memory": constant_memory})
    wb.set_properties({"title": f"客户 {CODE}", "created": datetime(2026, 1, 1)})
    ws = wb.add_worksheet("表")
    ws.write_string(0, 0, f"名称（{CODE}）")
    ws.write_string(1, 0, f"账号 {ACCT}")
    ws.write_number(2, 0, 123456789012345)  # a number, not text: never touched
    ws.write_formula(3, 0, '="账号"&"x"', None, f"账号 {ACCT}")  # cached text of a formula
    ws.write_comment(0, 0, f"备注：{ACCT}")
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": ["表", 0, 0, 1, 0], "values": ["表", 2, 0, 3, 0]})
    ws.insert_chart("C1", chart)
    wb.close()
    return buf.getvalue()


@pytest.mark.parametrize("constant_memory", [False, True], ids=["shared strings", "inline strings"])
def test_mask_xlsx_reaches_every_text_part_and_nothing_else(constant_memory):
    data = _book_with_secrets(constant_memory)
    assert CODE in all_text(data) and ACCT in all_text(data)
    masked = mask_xlsx(data)
    text = all_text(masked)
    assert CODE not in text and ACCT not in text
    assert "9133****108P" in text and "6222****0009" in text
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(masked)).get_sheet_by_name("表").to_python()
    assert sheet[0][0] == "名称（9133****108P）" and sheet[1][0] == "账号 6222****0009"
    assert sheet[2][0] == 123456789012345  # numbers untouched


def _outgoing(ws) -> list[tuple[str, str]]:
    """(where, text) of everything the dry run would send: both bodies, every attachment's text."""
    found = []
    for path in sorted((ws.out_dir(PERIOD) / "mail").glob("*.eml")):
        msg = eml(path)
        found.append((path.name, msg.get_body(("plain",)).get_content()))
        found.append((path.name, msg.get_body(("html",)).get_content()))
        found += [(f"{path.name}/{a.get_filename()}", all_text(a.get_content())) for a in msg.iter_attachments()]
    return found


def _csv_rows(ws) -> list[dict]:
    raw = (ws.out_dir(PERIOD) / f"客户信用等级_{PERIOD}.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(raw, newline="")))


def test_without_masking_the_attachments_and_the_export_carry_the_codes(hostile):
    outgoing = _outgoing(hostile)
    assert all(USCC[LEAKY] not in text for where, text in outgoing if where.endswith(".eml"))  # bodies: never
    assert any(USCC[LEAKY] in text for where, text in outgoing if where.endswith(".xlsx"))  # typed into a name
    rows = {r["客户编码"]: r for r in _csv_rows(hostile)}
    assert rows["KH001"]["统一社会信用代码"] == USCC["KH001"]
    assert rows["KH002"]["统一社会信用代码"] == "\t" + USCC["KH002"]  # all digits: a tab keeps Excel from 9.13E+17
    assert rows["KH002"]["结算账号"].strip() == ACCOUNT["KH002"]


def test_mask_outgoing_masks_every_code_and_account_that_leaves(hostile_copy):
    ws = hostile_copy
    text = ws.config_path.read_text(encoding="utf-8")
    ws.config_path.write_text(text.replace("mask_outgoing = false", "mask_outgoing = true", 1), encoding="utf-8")
    process(ws)
    outgoing = _outgoing(ws)
    assert len(outgoing) == 4 * (2 + 3)
    for where, text in outgoing:
        leaked = [s for s in SECRETS if s in text]
        assert leaked == [], (where, leaked)
    form2 = next(text for where, text in outgoing if "客户信用等级分类汇总表" in where)
    assert mask_id(USCC[LEAKY]) in form2 and mask_id(ACCOUNT[LEAKY]) in form2
    raw = (ws.out_dir(PERIOD) / f"客户信用等级_{PERIOD}.csv").read_text(encoding="utf-8-sig")
    assert [s for s in SECRETS if s in raw] == []
    rows = {r["客户编码"]: r for r in _csv_rows(ws)}
    for code, uscc in USCC.items():
        assert rows[code]["统一社会信用代码"] == mask_id(uscc)
        assert rows[code]["结算账号"] == mask_id(ACCOUNT[code])
    # what stays in the workspace is the record, unmasked
    kept = (ws.out_dir(PERIOD) / f"客户信用等级分类汇总表_{PERIOD}.xlsx").read_bytes()
    assert USCC[LEAKY] in all_text(kept)


def test_export_mask_flag_masks_without_the_setting(hostile_copy):
    ws = hostile_copy
    assert cli("run", ws.root, "--period", PERIOD)[0] == 0
    code, out, err = cli("export", ws.root, "--mask")
    assert code == 0 and "已隐去" in out and err == ""
    raw = (ws.out_dir(PERIOD) / f"客户信用等级_{PERIOD}.csv").read_text(encoding="utf-8-sig")
    assert [s for s in SECRETS if s in raw] == [] and mask_id(USCC["KH001"]) in raw


def test_export_names_what_it_could_not_read_and_refuses_before_any_run(hostile_copy, tmp_path):
    ws = hostile_copy
    code, _, err = cli("export", ws.root)
    assert code == 2 and err.startswith("错误：") and "credit-workbook run" in err and "Traceback" not in err
    assert cli("run", ws.root, "--period", PERIOD)[0] == 0
    (ws.surveys / "KH003.xlsx").unlink()  # gone since the run
    code, out, err = cli("export", ws.root)
    assert code == 0 and "已导出 9 户" in out
    assert "surveys/KH003.xlsx" in err and "留空" in err
    rows = {r["客户编码"]: r for r in _csv_rows(ws)}
    assert rows["KH003"]["统一社会信用代码"] == "" and rows["KH003"]["信用等级"] == "A"
