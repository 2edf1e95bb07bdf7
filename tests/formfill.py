"""Fill a copy of the Form 1 template the way a clerk would, for tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.utils.cell import range_boundaries

from credit_workbook.forms.fields import TABLE_BY_NAME
from credit_workbook.forms.names import defined_cells, find_table

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates" / "客户信用调查评定表.xlsx"

COMPLETE_A = {
    "customer_code": "KH901", "customer_name": "杭州示例贸易有限公司", "counterparty_type": "客户",
    "uscc": "91110000600037341L", "legal_rep": "王五", "established_on": date(2010, 5, 18),
    "registered_capital": 5000, "ownership": "有限责任公司", "address": "杭州市西湖区文三路1号",
    "main_products": "建材", "salesperson": "张三", "department": "华东业务部",
    "revenue_y1": 12000, "revenue_y2": 11000, "net_profit_y1": 800, "net_profit_y2": 700,
    "operation_2y": "良好", "capital_strength": "雄厚", "solvency": "强",
    "coop_start": date(2020, 9, 1), "prior_settlement": "赊销", "prior_limit": 200000,
    "annual_standard_met": "是", "no_bad_debt_2y": "是", "lawful_keeps_promises": "是",
    "breaks_promises": "否", "debt_disputes": "否", "poor_operation": "否", "sales_decline": "否",
    "illegal_operation": "否", "ordered_closure": "否", "account_freeze_risk": "否",
    "requested_type": "长期", "requested_limit": 100000, "requested_term_days": 30,
    "collateral_type": "无", "surveyed_by": "张三", "surveyed_on": date(2026, 10, 8),
    "reviewed_by": "李四", "filed_by": "赵六",
}
BANK = {"bank": "中国工商银行杭州西湖支行", "account_no": "1202020109900012345",
        "account_name": "杭州示例贸易有限公司", "account_kind": "基本户"}


def fill(path: Path, values: dict, banks=(BANK,), officers=(), template: Path = TEMPLATE) -> Path:
    wb = openpyxl.load_workbook(template)
    cells = defined_cells(wb)
    for name, value in values.items():
        ref = cells[name]
        cell = wb[ref.sheet][ref.coord]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    for name, rows in (("tbl_banks", banks), ("tbl_officers", officers)):
        ws, table = find_table(wb, name)
        min_col, min_row, max_col, _ = range_boundaries(table.ref)
        headers = {ws.cell(min_row, c).value: c for c in range(min_col, max_col + 1)}
        spec = TABLE_BY_NAME[name]
        for i, row in enumerate(rows, start=1):
            for attr, header, _kind in spec.columns:
                if attr in row:
                    ws.cell(min_row + i, headers[header]).value = row[attr]
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
