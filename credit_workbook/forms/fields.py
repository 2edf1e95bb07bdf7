"""Form 1 《客户信用调查评定表》: every field, its defined name, label and type.

This registry is the single description of the form. The template builder
lays it out, the reader parses it, the writer finds result cells through it,
and the tests check the template against it. The names are a contract
(SPEC §3): other tools script against them.
"""

from __future__ import annotations

from dataclasses import dataclass

YES_NO = ("是", "否")
COUNTERPARTY_TYPES = ("客户", "供应商")
OPERATION = ("良好", "一般", "较差")
CAPITAL = ("雄厚", "一般", "不足")
SOLVENCY = ("强", "一般", "较差")
PRIOR_SETTLEMENT = ("现款现货", "赊销", "预付")
CREDIT_TYPES = ("无", "临时", "长期")
COLLATERAL_TYPES = ("无", "抵押", "质押", "保证", "保证金")
ACCOUNT_KINDS = ("基本户", "一般户", "专用户", "临时户")


@dataclass(frozen=True)
class FieldSpec:
    """One single-cell field of Form 1.

    kind: text | code (text that must stay text: codes, account numbers) |
    date | number (Decimal) | integer | enum (one of ``choices``) | yesno.
    ``required``: the form is incomplete without it (error when blank).
    ``output``: written by the tool, never read as input.
    """

    name: str
    label: str
    kind: str
    section: str
    choices: tuple[str, ...] = ()
    required: bool = False
    output: bool = False
    unit: str = ""  # shown next to the label, e.g. 万元 / 元 / 天
    hint: str = ""  # input prompt shown by Excel's data validation


S_BASIC = "一、客户基本信息"
S_OFFICERS = "二、主要股东及负责人"
S_BANKS = "三、主要往来结算银行"
S_FINANCE = "四、经营及财务状况"
S_COOP = "五、与我公司业务往来情况"
S_RECORD = "六、业务信用记录"
S_REQUEST = "七、授信申请"
S_SIGN = "八、填报及审核"
S_RESULT = "九、评定结果（由系统填写）"

SECTIONS = (S_BASIC, S_OFFICERS, S_BANKS, S_FINANCE, S_COOP, S_RECORD, S_REQUEST, S_SIGN, S_RESULT)

FIELDS: tuple[FieldSpec, ...] = (
    # 一、客户基本信息
    FieldSpec("customer_code", "客户编码", "code", S_BASIC, required=True, hint="与财务台账中的客户编码一致"),
    FieldSpec("customer_name", "客户名称", "text", S_BASIC, required=True, hint="营业执照上的全称"),
    FieldSpec("counterparty_type", "往来类型", "enum", S_BASIC, COUNTERPARTY_TYPES, required=True,
              hint="客户＝我方赊销；供应商＝我方预付"),
    FieldSpec("uscc", "统一社会信用代码", "code", S_BASIC, hint="18位，营业执照右上角"),
    FieldSpec("legal_rep", "法定代表人", "text", S_BASIC),
    FieldSpec("established_on", "成立日期", "date", S_BASIC, hint="格式：2026-01-05"),
    FieldSpec("registered_capital", "注册资本", "number", S_BASIC, unit="万元"),
    FieldSpec("ownership", "企业性质", "text", S_BASIC),
    FieldSpec("address", "地址", "text", S_BASIC),
    FieldSpec("main_products", "主营产品", "text", S_BASIC),
    FieldSpec("salesperson", "经办业务员", "text", S_BASIC, required=True,
              hint="回收责任人（第三十六、四十三条）"),
    FieldSpec("department", "业务部门", "text", S_BASIC),
    # 四、经营及财务状况
    FieldSpec("revenue_y1", "上年营业收入", "number", S_FINANCE, unit="万元"),
    FieldSpec("revenue_y2", "前年营业收入", "number", S_FINANCE, unit="万元"),
    FieldSpec("net_profit_y1", "上年净利润", "number", S_FINANCE, unit="万元"),
    FieldSpec("net_profit_y2", "前年净利润", "number", S_FINANCE, unit="万元"),
    FieldSpec("total_assets", "总资产", "number", S_FINANCE, unit="万元"),
    FieldSpec("total_liabilities", "总负债", "number", S_FINANCE, unit="万元"),
    FieldSpec("operation_2y", "最近连续两年经营状况", "enum", S_FINANCE, OPERATION, required=True),
    FieldSpec("capital_strength", "资金实力", "enum", S_FINANCE, CAPITAL, required=True),
    FieldSpec("solvency", "偿债能力", "enum", S_FINANCE, SOLVENCY, required=True),
    # 五、与我公司业务往来情况
    FieldSpec("coop_start", "合作开始日期", "date", S_COOP),
    FieldSpec("prior_settlement", "以往结算方式", "enum", S_COOP, PRIOR_SETTLEMENT),
    FieldSpec("prior_limit", "以往核定信用额度", "number", S_COOP, unit="元"),
    FieldSpec("annual_standard_met", "年度回款、发货达到公司标准", "yesno", S_COOP, YES_NO,
              hint="台账历史不足12个月时使用"),
    # 六、业务信用记录
    FieldSpec("no_bad_debt_2y", "近两年无不良欠款、欠货及严重违约", "yesno", S_RECORD, YES_NO, required=True),
    FieldSpec("lawful_keeps_promises", "守法经营、严格履约、信守承诺", "yesno", S_RECORD, YES_NO, required=True),
    FieldSpec("breaks_promises", "经常不兑现承诺", "yesno", S_RECORD, YES_NO, required=True),
    FieldSpec("debt_disputes", "不良债务纠纷或严重转移资产", "yesno", S_RECORD, YES_NO, required=True),
    FieldSpec("poor_operation", "生产经营不良、严重亏损或营业额持续多月下滑", "yesno", S_RECORD, YES_NO,
              required=True),
    FieldSpec("sales_decline", "产品生产、销售连续严重下滑或有不公正行为", "yesno", S_RECORD, YES_NO,
              required=True),
    FieldSpec("illegal_operation", "严重违法经营", "yesno", S_RECORD, YES_NO, required=True),
    FieldSpec("ordered_closure", "被国家机关责令停业、整改", "yesno", S_RECORD, YES_NO, required=True),
    FieldSpec("account_freeze_risk", "有被查封、冻结银行账户的危险", "yesno", S_RECORD, YES_NO, required=True),
    # 七、授信申请
    FieldSpec("requested_type", "申请授信类型", "enum", S_REQUEST, CREDIT_TYPES, required=True),
    FieldSpec("requested_limit", "申请信用额度", "number", S_REQUEST, unit="元"),
    FieldSpec("requested_term_days", "申请期限", "integer", S_REQUEST, unit="天"),
    FieldSpec("collateral_type", "担保方式", "enum", S_REQUEST, COLLATERAL_TYPES),
    FieldSpec("collateral_value", "抵押资产价值", "number", S_REQUEST, unit="元"),
    # 八、填报及审核
    FieldSpec("surveyed_by", "填表人", "text", S_SIGN, required=True),
    FieldSpec("surveyed_on", "填表日期", "date", S_SIGN, required=True, hint="每季度全面更新一次（第十二条）"),
    FieldSpec("reviewed_by", "部门经理审核", "text", S_SIGN),
    FieldSpec("filed_by", "财务备案", "text", S_SIGN),
    # 九、评定结果（由系统填写）
    FieldSpec("result_grade", "评定等级", "text", S_RESULT, output=True),
    FieldSpec("result_reasons", "评定依据", "text", S_RESULT, output=True),
    FieldSpec("result_cap", "可授信额度上限", "number", S_RESULT, output=True, unit="元"),
    FieldSpec("result_max_term_days", "最长期限", "integer", S_RESULT, output=True, unit="天"),
    FieldSpec("result_rated_at", "评定时间", "date", S_RESULT, output=True),
)

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
INPUT_FIELDS = tuple(f for f in FIELDS if not f.output)
OUTPUT_FIELDS = tuple(f for f in FIELDS if f.output)


@dataclass(frozen=True)
class TableSpec:
    """A repeating block of Form 1, an Excel table (ListObject)."""

    name: str
    section: str
    columns: tuple[tuple[str, str, str], ...]  # (attribute, header, kind)
    rows: int  # blank rows laid out in the template


TABLES: tuple[TableSpec, ...] = (
    TableSpec("tbl_officers", S_OFFICERS,
              (("name", "姓名", "text"), ("title", "职务", "text"),
               ("share_pct", "持股比例", "percent"), ("phone", "电话", "code")), rows=5),
    TableSpec("tbl_banks", S_BANKS,
              (("bank", "开户银行", "text"), ("account_no", "账号", "code"),
               ("account_name", "账户名称", "text"), ("account_kind", "账户性质", "enum")), rows=3),
)

TABLE_BY_NAME: dict[str, TableSpec] = {t.name: t for t in TABLES}

# Key data of 第18条 (also a credit.toml parameter, grading.key_data_fields).
DEFAULT_KEY_DATA = (
    "customer_name", "uscc", "legal_rep", "established_on", "registered_capital",
    "coop_start", "banks", "revenue_y1", "net_profit_y1",
)

SURVEY_SHEET = "调查评定表"
