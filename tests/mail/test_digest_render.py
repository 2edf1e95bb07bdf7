"""The mail's content without a server: shortening, masking, escaping, and a month without Form 4."""

from __future__ import annotations

import json
from decimal import Decimal
from html.parser import HTMLParser

from credit_workbook.mail.digest import (
    FlagLine,
    MonthDigest,
    SalespersonLine,
    UtilisationLine,
    load_digest,
    redact,
    shorten,
)
from credit_workbook.mail.message import body_context
from credit_workbook.mail.render import render_html, render_text

EVIL_NAME = '<script>alert(1)</script>=HYPERLINK("http://evil.example/x","点我")'
EVIL_MESSAGE = '<img src=x onerror="alert(2)">逾期 <b>未收回</b> 1,000.00 元'


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data):
        self.text += data


def _digest(**changes) -> MonthDigest:
    d = MonthDigest(
        period="2026-10", as_of="2026-10-31", grades={"A": 2, "B": 1, "C": 1, "未评定": 0},
        flags=[FlagLine("R01", "红", "第三十二条", "KH001", EVIL_NAME, Decimal("12345.60"), EVIL_MESSAGE),
               FlagLine("R09", "黄", "第二十六条", "KH002", "黄色客户有限公司", None, "核定额度超过上限。")],
        approved_total=Decimal("800000.00"), jan1_exposure=None, total_exceeded=None,
        top_utilisation=[UtilisationLine("KH001", EVIL_NAME, "A", Decimal("100.00"), Decimal("150.00"),
                                         Decimal("1.5"))],
        salespeople=[SalespersonLine("<i>王五</i>", 1, Decimal("0.00"), 1, 0)])
    for k, v in changes.items():
        setattr(d, k, v)
    return d


def _render(*roles: str, digest: MonthDigest | None = None) -> tuple[str, str]:
    ctx = body_context(roles or ("总经理",), "示例<公司>", digest or _digest(), ["表2.xlsx", "表3.xlsx", "表4.xlsx"])
    return render_html(ctx), render_text(ctx)


def test_html_escapes_what_came_from_workbooks():
    html, _ = _render()
    parsed = _Tags()
    parsed.feed(html)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "i" not in parsed.tags
    assert parsed.handlers == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '=HYPERLINK(&#34;http://evil.example/x&#34;,&#34;点我&#34;)' in html  # inert text, quotes escaped
    assert "示例&lt;公司&gt;" in html
    # the reader still sees the characters as typed
    assert EVIL_NAME in parsed.text and "&lt;i&gt;" in html


def test_plain_text_carries_the_same_facts_unescaped():
    html, text = _render()
    for fact in ("A级 2", "B级 1", "C级 1", "R01 红", "第三十二条", "12,345.60", "150.0%", "<i>王五</i>",
                 "未知（台账历史未覆盖1月1日）", "表4.xlsx"):
        assert fact in text, fact
    assert EVIL_NAME in text and "&lt;" not in text
    assert "未知（台账历史未覆盖1月1日）" in html and "150.0%" in html


def test_only_the_marketing_manager_gets_the_yellow_list():
    html_gm, text_gm = _render("总经理")
    html_mm, text_mm = _render("营销部经理")
    assert "黄色客户有限公司" not in text_gm and "黄色客户有限公司" not in html_gm
    assert "黄色客户有限公司" in text_mm and "黄色客户有限公司" in html_mm
    assert "第四十一条" in text_mm and "呈：总经理" in text_gm


def test_a_reader_holding_two_roles_is_greeted_in_both():
    html, text = _render("营销部经理", "营销副总", "财务总监")
    assert "呈：营销部经理、营销副总、财务总监" in text and "呈：营销部经理、营销副总、财务总监" in html
    assert "营销部经理：请核对《客户授信额度执行评价表》" in text
    assert text.count("营销副总、财务总监：请审核信用等级并审批授信") == 1  # one duty, said once
    assert "黄色客户有限公司" in text  # the fuller message wins


def test_audiences_send_each_address_one_message():
    from credit_workbook.mail.message import audiences
    from credit_workbook.policy import MailPolicy

    mail = MailPolicy(recipients={"营销副总": (), "财务总监": ("CFO <cfo@x.com>",), "总经理": ("boss@x.com",),
                                  "董事长": ("Boss@X.com", "chair@x.com"), "营销部经理": ("m@x.com", "cfo@x.com")})
    got = [(a.role, a.addresses, a.roles) for a in audiences(mail)]
    assert got == [("营销部经理", ("m@x.com", "cfo@x.com"), ("营销部经理", "财务总监")),
                   ("总经理", ("boss@x.com",), ("总经理", "董事长")),
                   ("董事长", ("chair@x.com",), ("董事长",))]


def test_shorten_drops_the_citation_and_keeps_whole_clauses():
    msg = ("本月最高占用 1,401,936.30 元（2026-10-23日终），超过核定额度 800,000.00 元，超出 601,936.30 元；"
           "日终占用超过额度 12 天：2026-10-20至2026-10-31；首次超额 2026-10-20；无超额审批。"
           "第三十二条：超出信用额度的预付款和发货须先取得正式批准文书方可办理")
    short = shorten(msg)
    assert short.startswith("本月最高占用 1,401,936.30 元（2026-10-23日终），超过核定额度 800,000.00 元")
    assert short.endswith("…") and "第三十二条" not in short and len(short) <= 91
    assert shorten("授信总额超出 95,000.00 元（第二十四条：授信总额原则上不能超过1月1日余额）") == "授信总额超出 95,000.00 元。"
    assert shorten("B级客户核定额度 100,000.00 元，调查评定表：未提供抵押等担保。") == \
        "B级客户核定额度 100,000.00 元，调查评定表：未提供抵押等担保。"
    # a bracket is never cut in half: the aside goes, the clause stays readable
    long_aside = "C级客户仍占用 200,000.00 元（评定依据：" + "很长的理由" * 30 + "）。第二十八条：应立即清收"
    assert shorten(long_aside) == "C级客户仍占用 200,000.00 元…"


def test_redact_masks_codes_and_accounts_but_not_amounts_or_dates():
    text = "统一社会信用代码91320509729694289Q，账号1102285109000412356，6222 0210 0112 3456 789；金额 1,401,936.30 元，2026-10-20至2026-10-31"
    masked = redact(text)
    assert "91320509729694289Q" not in masked and "1102285109000412356" not in masked
    assert "6222 0210" not in masked
    assert "1,401,936.30" in masked and "2026-10-20至2026-10-31" in masked


def test_month_without_form4_still_renders_and_says_so(tmp_path):
    results = {"period": "2026-01", "as_of": "2026-01-31",
               "counterparties": [{"code": "KH9", "name": "某公司", "grade": "B", "flags": [
                   {"rule": "R04", "severity": "红", "article": "第三十五条", "amount": "10.00",
                    "message": "逾期 账号 6222021001123456789 未收回"}]}],
               "total": {"approved": "0.00", "jan1_exposure": None, "flags": []},
               "rejected_inputs": [{"file": "inbox/坏.xlsx", "errors": [f"明细账!A{i}: 不是数字" for i in range(7)]}]}
    (tmp_path / "results.json").write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    d = load_digest(tmp_path, "2026-01")
    assert d.top_utilisation is None and d.salespeople is None and "客户授信额度执行评价表" in d.form4_problem
    assert d.jan1_exposure is None and d.total_exceeded is None
    assert d.flags[0].message == "逾期 账号 ［账号已隐去］ 未收回。"
    assert d.rejected[0].errors == tuple(f"明细账!A{i}: 不是数字" for i in range(5)) and d.rejected[0].more == 2
    html, text = _render(digest=d)
    assert "未能读取《客户授信额度执行评价表》" in text and "未能读取《客户授信额度执行评价表》" in html
    assert "inbox/坏.xlsx" in text and "另有 2 处问题" in text and "另有 2 处问题" in html
