"""Formula, DDE and script payloads typed by staff stay inert text in every file the product writes.

The hostile workspace (hostile.py) puts the payloads into counterparty names,
salespeople, 摘要/凭证号, survey text fields, bank rows, the register's 批准文号
and the company name; ``run``, ``rate --in-place``, ``export`` and
``mail --dry-run`` then write every kind of output. Each output is read back
by an independent reader (the sheet XML, the csv module, the email parser)
and, for the workbooks and the CSV, by LibreOffice.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from oracles import requires_soffice, soffice_convert_many
from python_calamine import CalamineWorkbook

from .hostile import (
    COMPANY,
    CUSTOMERS,
    FORMULA_MARKERS,
    PAYLOADS,
    PERIOD,
    SHOWN,
    SUPPLIERS,
)
from .scan import eml, external_links, formulas, workbooks

FORMS = (f"客户信用等级分类汇总表_{PERIOD}.xlsx", f"预付赊销客户汇总表_{PERIOD}.xlsx",
         f"客户授信额度执行评价表_{PERIOD}.xlsx")
TEXT_COLUMNS = ("客户编码", "客户名称", "往来类型", "经办业务员", "信用等级", "评定依据", "建议授信类型", "核定类型")
MONEY_COLUMNS = ("长期额度上限", "临时额度上限", "建议授信额度", "核定额度", "期末余额", "逾期金额")


def _written_workbooks(ws) -> dict[str, bytes]:
    """Every workbook the commands wrote (out/, the rewritten surveys), and each mail attachment."""
    books = {str(p.relative_to(ws.root)): p.read_bytes() for p in workbooks(ws.root / "out")}
    books |= {str(p.relative_to(ws.root)): p.read_bytes() for p in workbooks(ws.surveys)}
    for path in sorted((ws.out_dir(PERIOD) / "mail").glob("*.eml")):
        for part in eml(path).iter_attachments():
            books[f"{path.name}/{part.get_filename()}"] = part.get_content()
    return books


def _payload_cells(data: bytes) -> dict[str, set[str]]:
    """payload (as shown) -> openpyxl data types of the cells holding it."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    found: dict[str, set[str]] = {}
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    for shown in SHOWN.values():
                        if shown in cell.value:
                            found.setdefault(shown, set()).add(cell.data_type)
    return found


def test_no_workbook_holds_a_formula_made_of_user_text(hostile):
    books = _written_workbooks(hostile)
    # the outputs, the surveys written in place, the marked copies, the highlighted ledgers, the attachments
    assert len(books) == 3 + 2 + 9 + 9 + 3 * 4, sorted(books)
    for name, data in books.items():
        bad = [f for f in formulas(data) if any(m in f[2] for m in FORMULA_MARKERS + ("http",))]
        assert bad == [], (name, bad)
        assert external_links(data) == [], name
        types = _payload_cells(data)
        assert types, f"{name}: no payload reached this workbook, so it proves nothing"
        assert all(t == {"s"} for t in types.values()), (name, types)


def test_every_payload_reaches_the_forms_as_the_text_typed(hostile):
    out = hostile.out_dir(PERIOD)
    names = {shown for shown in SHOWN.values()}
    for form in FORMS[0], FORMS[2]:  # Form 2 and Form 4 list every counterparty
        assert set(_payload_cells((out / form).read_bytes())) == names, form
    highlighted = _payload_cells((out / "应收账款明细账_202610_标注.xlsx").read_bytes())
    assert set(highlighted) == names  # names, 凭证号, 摘要 copied from the user's own cells


def test_results_json_keeps_the_payloads_exactly(hostile):
    results = json.loads((hostile.out_dir(PERIOD) / "results.json").read_text(encoding="utf-8"))
    by_code = {cp["code"]: cp["name"] for cp in results["counterparties"]}
    for code, name in CUSTOMERS + SUPPLIERS:
        assert by_code[code] == name.strip()


def _csv(ws) -> list[dict[str, str]]:
    raw = (ws.out_dir(PERIOD) / f"客户信用等级_{PERIOD}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8 Chinese correctly
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_export_neutralises_every_field_that_could_start_a_formula(hostile):
    rows = _csv(hostile)
    assert len(rows) == len(CUSTOMERS) + len(SUPPLIERS)
    for row in rows:
        for column in TEXT_COLUMNS:
            field = row[column]
            assert not field.lstrip(" \t\r\n\u3000").startswith(("=", "+", "-", "@")), (column, field)
        for column in MONEY_COLUMNS:  # our own numbers stay numbers, negative ones included
            assert row[column] == "" or Decimal(row[column]) is not None
    names = {row["客户编码"]: row["客户名称"] for row in rows}
    for code, name in CUSTOMERS + SUPPLIERS:
        shown = name.strip()
        assert names[code] == ("'" + shown if shown[0] in "=+-@" else shown)
    sales = {row["经办业务员"] for row in rows}
    assert "'=1+1" in sales and "'+cmd|' /C calc'!A0" in sales and "<script>alert(1)</script>" in sales


def test_mail_html_is_escaped_and_its_attachments_inert(hostile):
    messages = sorted((hostile.out_dir(PERIOD) / "mail").glob("*.eml"))
    assert len(messages) == 4
    for path in messages:
        msg = eml(path)
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        assert "<script" not in html.lower() and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<a " not in html and "href" not in html  # a payload never becomes a link
        assert "<b>示例</b>" not in html and "&lt;b&gt;示例&lt;/b&gt;" in html  # the company name, escaped
        assert "<script>alert(1)</script>" in text  # plain text is shown as typed
        assert msg["Subject"] == f"【信用管理】{COMPANY} 2026年10月 客户信用月报"  # a header, not markup


@pytest.mark.oracle
@requires_soffice
def test_libreoffice_shows_the_payloads_as_literal_text(hostile, tmp_path):
    out = hostile.out_dir(PERIOD)
    sources = [out / f for f in FORMS] + [out / "应收账款明细账_202610_标注.xlsx", hostile.surveys / "KH005.xlsx"]
    converted = soffice_convert_many(sources, "xlsx", tmp_path / "lo")
    for source, result in zip(sources, converted, strict=True):
        data = result.read_bytes()
        assert [f for f in formulas(data) if any(m in f[2] for m in FORMULA_MARKERS)] == [], source.name
        wb = CalamineWorkbook.from_path(str(result))
        cells = {str(v) for name in wb.sheet_names for row in wb.get_sheet_by_name(name).to_python() for v in row}
        shown = {s for s in SHOWN.values() if any(s in c for c in cells)}
        assert shown, source.name
        assert "=1+1" in cells or source.name.startswith("预付赊销"), source.name  # not 2: never evaluated
    form2 = CalamineWorkbook.from_path(str(converted[0]))
    rows = form2.get_sheet_by_name(form2.sheet_names[0]).to_python()
    header = next(r for r in rows if "客户编码" in r)
    code, name = header.index("客户编码"), header.index("客户名称")
    shown = {r[code]: r[name] for r in rows if str(r[code]).startswith(("KH", "GY"))}
    assert shown["KH001"] == PAYLOADS[0] and shown["KH003"] == "-2+3" and shown["KH005"] == "=1+1"


@pytest.mark.oracle
@requires_soffice
def test_libreoffice_imports_the_csv_without_evaluating_it(hostile, tmp_path):
    import shutil
    import subprocess

    from oracles import SOFFICE, _profile_dir

    src = tmp_path / "in" / "export.csv"
    src.parent.mkdir()
    shutil.copyfile(hostile.out_dir(PERIOD) / f"客户信用等级_{PERIOD}.csv", src)
    profile = _profile_dir()
    try:  # CSV filter: comma, double quote, UTF-8, from line 1
        subprocess.run([SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path / "out"),
                        str(src)], capture_output=True, timeout=120, check=True)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    data = (tmp_path / "out" / "export.xlsx").read_bytes()
    assert formulas(data) == []
    wb = CalamineWorkbook.from_path(str(tmp_path / "out" / "export.xlsx"))
    rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
    header = rows[0]
    col = {h: header.index(h) for h in header}
    by_code = {r[col["客户编码"]]: r for r in rows[1:]}
    assert by_code["KH005"][col["客户名称"]] == "'=1+1"  # shown, not computed
    assert isinstance(by_code["KH001"][col["期末余额"]], float)  # amounts are still numbers
    codes = {str(r[col["统一社会信用代码"]]).strip() for r in rows[1:]}
    assert all(len(c) == 18 for c in codes), codes  # 18 digits kept as text, not 9.13301E+17
