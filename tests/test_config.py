"""credit.toml: the packaged defaults, partial files, and every message a clerk can get."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from decimal import Decimal

import pytest

from credit_workbook import config
from credit_workbook.config import default_policy_text, load_policy, load_policy_text
from credit_workbook.errors import ConfigError, UserError, WorkspaceError
from credit_workbook.guard.limits import InputLimits
from credit_workbook.policy import (
    DEFAULT_HEADER_ALIASES,
    MANAGER_ROLES,
    RULE_IDS,
    CheckPolicy,
    GradingPolicy,
    LedgerPolicy,
    LimitPolicy,
    MailPolicy,
    Policy,
    PrivacyPolicy,
)

DEFAULT = default_policy_text()


def edit(old: str, new: str) -> tuple[str, int]:
    """The default file with one line replaced, and that line's number."""
    lines = DEFAULT.split("\n")
    hits = [i for i, line in enumerate(lines) if line.startswith(old)]
    assert len(hits) == 1, (old, hits)
    lines[hits[0]] = new
    return "\n".join(lines), hits[0] + 1


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_policy_text(text)
    return str(info.value)


# --------------------------------------------------------------------------- the packaged file


def test_default_file_loads_as_the_policy_defaults():
    assert load_policy_text(DEFAULT) == Policy()


def test_default_file_spells_out_every_parameter():
    # Equality with Policy() alone would pass on an empty file: check each key is written.
    doc = tomllib.loads(DEFAULT)
    assert set(doc) == {"company", "grading", "limits", "checks", "ledger", "mail", "privacy", "inputs"}
    assert set(doc["company"]) == {"name"}
    for section, cls in (("grading", GradingPolicy), ("limits", LimitPolicy), ("checks", CheckPolicy),
                         ("ledger", LedgerPolicy), ("mail", MailPolicy), ("privacy", PrivacyPolicy),
                         ("inputs", InputLimits)):
        assert set(doc[section]) == {f.name for f in dataclasses.fields(cls)}, section
    assert set(doc["checks"]["severities"]) == set(RULE_IDS)
    assert set(doc["ledger"]["header_aliases"]) == set(DEFAULT_HEADER_ALIASES)
    assert list(doc["mail"]["recipients"]) == list(MANAGER_ROLES)
    assert all(v == [] for v in doc["mail"]["recipients"].values())
    assert doc["grading"]["annual_standard"] == "1000000.00"
    assert doc["limits"]["limit_rounding"] == "1000.00"
    assert "password" not in doc["mail"]


def test_every_key_in_the_default_file_has_a_chinese_comment():
    lines = DEFAULT.split("\n")
    doc = tomllib.loads(DEFAULT)
    spans = config._line_spans(DEFAULT)
    leaves = [path for path in spans if path and not isinstance(_get(doc, path), dict)]
    assert len(leaves) == 1 + 7 + 5 + 2 + 13 + 14 + 7 + 5 + 1 + 7
    for path in leaves:
        line = lines[spans[path][0] - 1]
        assert re.search(r"#.*[\u4e00-\u9fff]", line), line


def test_grading_and_limit_comments_cite_an_article():
    doc = tomllib.loads(DEFAULT)
    spans = config._line_spans(DEFAULT)
    lines = DEFAULT.split("\n")
    for section in ("grading", "limits", "checks"):
        for key in doc[section]:
            if key != "severities":
                assert re.search(r"第[一二三四五六七八九十、至]+条", lines[spans[(section, key)][0] - 1]), key


def _get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


def test_loader_schema_names_exactly_the_policy_fields():
    # A field added to policy.py must be readable from credit.toml.
    for schema, cls in ((config._GRADING, GradingPolicy), (config._LIMITS, LimitPolicy),
                        (config._CHECKS, CheckPolicy), (config._LEDGER, LedgerPolicy),
                        (config._MAIL, MailPolicy)):
        assert set(schema) == {f.name for f in dataclasses.fields(cls)}, cls
    shaped = {key for shape in config._LEDGER_SHAPES for key in shape}
    assert shaped == set(DEFAULT_HEADER_ALIASES)


# --------------------------------------------------------------------------- partial files


def test_empty_file_is_all_defaults():
    assert load_policy_text("") == Policy()
    assert load_policy_text("# 只有注释\n") == Policy()


def test_partial_file_changes_only_what_it_names():
    policy = load_policy_text("""
[company]
name = "华东贸易有限公司"
[grading]
bad_arrears_days = 60
[checks.severities]
R06 = ["黄"]
[ledger.header_aliases]
date = ["交易日期", " 业务日期 "]
[mail.recipients]
"总经理" = ["zhang@example.com", "李四 <li@example.cn>"]
""")
    default = Policy()
    assert policy.company == "华东贸易有限公司"
    assert policy.grading == dataclasses.replace(default.grading, bad_arrears_days=60)
    assert policy.limits == default.limits
    assert policy.checks.severities == {**default.checks.severities, "R06": ("黄",)}
    # configured aliases replace the default list of that key, the others stay
    assert policy.ledger.header_aliases["date"] == ("交易日期", "业务日期")
    assert policy.ledger.header_aliases["voucher"] == DEFAULT_HEADER_ALIASES["voucher"]
    assert policy.mail.recipients["总经理"] == ("zhang@example.com", "李四 <li@example.cn>")
    assert policy.mail.recipients["董事长"] == ()
    assert dataclasses.replace(policy.mail, recipients=default.mail.recipients) == default.mail


def test_dotted_keys_and_inline_tables_are_accepted():
    policy = load_policy_text('grading.window_months = 6\nmail = { smtp_port = 465, security = "SSL" }\n')
    assert policy.grading.window_months == 6
    assert (policy.mail.smtp_port, policy.mail.security) == (465, "ssl")


def test_a_lone_string_is_a_one_element_list():
    policy = load_policy_text('[checks.severities]\nR01 = "黄"\n[mail.recipients]\n"董事长" = "boss@example.com"\n')
    assert policy.checks.severities["R01"] == ("黄",)
    assert policy.mail.recipients["董事长"] == ("boss@example.com",)


def test_key_data_fields_accept_form_names_and_banks():
    policy = load_policy_text('[grading]\nkey_data_fields = ["customer_name", "banks", "total_assets"]\n')
    assert policy.grading.key_data_fields == ("customer_name", "banks", "total_assets")


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize("written", ['"1000000.00"', '"1000000"', "1000000", "1000000.0", "1_000_000",
                                     '"1,000,000.00"', "1e6", '" 1000000.00 "'])
def test_money_is_exact_whatever_the_spelling(written):
    value = load_policy_text(f"[grading]\nannual_standard = {written}\n").grading.annual_standard
    assert isinstance(value, Decimal)
    assert value == Decimal("1000000.00")
    assert str(value) == "1000000.00"


def test_money_keeps_cents_exactly():
    policy = load_policy_text('[grading]\nannual_standard = 0.1\n[limits]\nlimit_rounding = "500.55"\n')
    assert str(policy.grading.annual_standard) == "0.10"
    assert str(policy.limits.limit_rounding) == "500.55"


def test_money_float_branch_goes_through_repr():
    convert = config._money(positive=False)
    reader = config._Reader("", "credit.toml")
    assert convert(reader, ("grading", "annual_standard"), 0.1) == Decimal("0.10")
    assert convert(reader, ("grading", "annual_standard"), 1234.5) == Decimal("1234.50")
    assert convert(reader, ("grading", "annual_standard"), 0.125) is config._INVALID
    assert "最多两位小数" in reader.problems[0][1]


@pytest.mark.parametrize("old, new, expected", [
    ("annual_standard =", 'annual_standard = "1000.005"', '金额最多两位小数（到分），现为 "1000.005"'),
    ("annual_standard =", "annual_standard = 1234.5678", "金额最多两位小数（到分），现为 1234.5678"),
    ("annual_standard =", 'annual_standard = "-1"', '应为不小于 0 的金额（元），现为 "-1"'),
    ("annual_standard =", 'annual_standard = "一百万"', '应为不小于 0 的金额（元），如 "1000000.00"，现为 "一百万"'),
    ("annual_standard =", 'annual_standard = "NaN"', '应为不小于 0 的金额（元），现为 "NaN"'),
    ("annual_standard =", "annual_standard = inf", "应为不小于 0 的金额（元），现为 Infinity"),
    ("annual_standard =", "annual_standard = 1e30", "应为不小于 0 的金额（元），现为 1E+30"),
    ("annual_standard =", "annual_standard = true", "应为不小于 0 的金额（元），如 \"1000000.00\"，现为 true"),
    ("limit_rounding =", "limit_rounding = 0", "应为大于 0 的金额（元），现为 0"),
])
def test_bad_money_names_line_and_key(old, new, expected):
    text, line = edit(old, new)
    key = "grading.annual_standard" if old.startswith("annual") else "limits.limit_rounding"
    assert error_of(text) == f"credit.toml 第{line}行 {key}：{expected}"


# --------------------------------------------------------------------------- wrong values, exact lines


@pytest.mark.parametrize("old, new, message", [
    ("bad_arrears_days =", 'bad_arrears_days = "九十"', 'grading.bad_arrears_days：应为正整数，现为 "九十"'),
    ("bad_arrears_days =", 'bad_arrears_days = "90"',
     'grading.bad_arrears_days：应为正整数，现为 "90"（数字不要加引号）'),
    ("bad_arrears_days =", "bad_arrears_days = 0", "grading.bad_arrears_days：应为正整数，现为 0"),
    ("bad_arrears_days =", "bad_arrears_days = 90.5", "grading.bad_arrears_days：应为正整数，现为 90.5"),
    ("bad_arrears_days =", "bad_arrears_days = true", "grading.bad_arrears_days：应为正整数，现为 true"),
    ("window_months =", "window_months = 37", "grading.window_months：应为 1–36 之间的整数，现为 37"),
    ("window_months =", "window_months = 0", "grading.window_months：应为 1–36 之间的整数，现为 0"),
    ("survey_stale_months =", "survey_stale_months = -3", "grading.survey_stale_months：应为正整数，现为 -3"),
    ("coop_min_years =", "coop_min_years = 0", "grading.coop_min_years：应为正整数，现为 0"),
    ("b_temp_term_days =", "b_temp_term_days = 0", "limits.b_temp_term_days：应为正整数，现为 0"),
    ("contract_notice_days =", 'contract_notice_days = "一个月"',
     'checks.contract_notice_days：应为正整数，现为 "一个月"'),
    ('name = "示例', 'name = ""', "company.name：不能为空"),
    ('name = "示例', "name = 1", "company.name：应为文本（用英文双引号括起来），现为 1"),
    ("smtp_port =", "smtp_port = 0", "mail.smtp_port：应为 1–65535 之间的整数，现为 0"),
    ("smtp_port =", "smtp_port = 65536", "mail.smtp_port：应为 1–65535 之间的整数，现为 65536"),
    ("security =", 'security = "tls"', 'mail.security：应为 "starttls"、"ssl" 或 "none"，现为 "tls"'),
    ("enabled =", 'enabled = "true"', 'mail.enabled：应为 true 或 false，现为 "true"（不要加引号）'),
    ("enabled =", 'enabled = "是"', 'mail.enabled：应为 true 或 false，现为 "是"'),
    ("sender =", 'sender = "credit"',
     'mail.sender：不是有效的发件人地址（如 "credit@example.com" 或 "信用管理 <credit@example.com>"），现为 "credit"'),
    ("smtp_host =", "smtp_host = 25", "mail.smtp_host：应为文本（用英文双引号括起来），现为 25"),
])
def test_wrong_value_message_has_file_line_and_key(old, new, message):
    text, line = edit(old, new)
    assert error_of(text) == f"credit.toml 第{line}行 {message}"


def test_severities_keep_their_levels():
    text, line = edit("R04 =", 'R04 = ["红"]')
    assert error_of(text) == (f'credit.toml 第{line}行 checks.severities.R04：此规则有 2 级（默认 ["红", "黄"]），'
                              "现写了 1 级")
    text, line = edit("R01 =", 'R01 = ["紫"]')
    assert error_of(text) == f'credit.toml 第{line}行 checks.severities.R01：级别只能是 红、黄、蓝，现有 "紫"'
    text, line = edit("R02 =", 'R02 = ["黄", "红"]')
    assert error_of(text) == (f"credit.toml 第{line}行 checks.severities.R02：两级应先重后轻（红 > 黄 > 蓝），"
                              '现为 ["黄", "红"]')
    text, line = edit("R13 =", 'R14 = ["黄"]')
    assert error_of(text) == f"credit.toml 第{line}行 checks.severities.R14：未知的参数（规则编号为 R01–R13）"
    # both levels may be lowered together, worst first
    assert load_policy_text('[checks.severities]\nR04 = ["黄", "蓝"]\n').checks.severities["R04"] == ("黄", "蓝")


def test_key_data_fields_point_at_the_bad_element_line():
    text, line = edit('    "uscc",', '    "usc",')
    assert error_of(text) == (f'credit.toml 第{line}行 grading.key_data_fields：未知的评定表字段 "usc"'
                              '（是否想写 "uscc"？）')
    text, line = edit('    "legal_rep",', '    "result_grade",')
    assert error_of(text).startswith(f'credit.toml 第{line}行 grading.key_data_fields：未知的评定表字段 "result_grade"')
    text, line = edit('    "legal_rep",', '    "uscc",')
    # the duplicate is found on its first spelling, in the list's first lines
    assert error_of(text).endswith('grading.key_data_fields：字段 "uscc" 重复')
    assert error_of('[grading]\nkey_data_fields = "uscc, banks"\n').startswith(
        'credit.toml 第2行 grading.key_data_fields：未知的评定表字段 "uscc, banks"（是否想写 ')


def test_header_aliases():
    text, line = edit("summary =", "summary = []")
    assert error_of(text) == f"credit.toml 第{line}行 ledger.header_aliases.summary：至少要有一个表头名称"
    text, line = edit("summary =", 'summary = ["摘要", " "]')
    assert error_of(text) == f"credit.toml 第{line}行 ledger.header_aliases.summary：表头名称不能为空文本"
    text, line = edit("summary =", 'summary = ["摘要", 3]')
    assert error_of(text) == (f"credit.toml 第{line}行 ledger.header_aliases.summary："
                              "列表中的每一项都应为文本（用英文双引号括起来），现有 3")
    text, line = edit("summary =", 'sumary = ["摘要"]')
    assert error_of(text) == f"credit.toml 第{line}行 ledger.header_aliases.sumary：未知的参数（是否想写 summary？）"


def test_header_alias_shared_by_two_columns_of_one_ledger_shape_is_refused():
    assert error_of('[ledger.header_aliases]\n\ndebit = ["借方", "金额"]\ncredit = ["贷方", "金额"]\n') == (
        'credit.toml 第4行 ledger.header_aliases.credit：表头名称 "金额" 同时属于 debit 和 credit，读取账表时无法区分')
    # against a default list: blamed on the configured key
    assert error_of('[ledger.header_aliases]\nsummary = ["摘要", "日期"]\n') == (
        'credit.toml 第2行 ledger.header_aliases.summary：表头名称 "日期" 同时属于 date 和 summary，读取账表时无法区分')
    # 明细账 余额 and 余额表 期末余额 never meet in one file
    policy = load_policy_text('[ledger.header_aliases]\nclosing = ["期末余额", "余额"]\n')
    assert policy.ledger.header_aliases["closing"] == ("期末余额", "余额")


def test_recipients():
    text, line = edit('"总经理" =', '"总经理" = ["zhang@example.com", "zhang"]')
    assert error_of(text) == f'credit.toml 第{line}行 mail.recipients.总经理：不是有效的邮箱地址："zhang"'
    text, line = edit('"总经理" =', '"总经理" = ["a@example.com; b@example.com"]')
    assert error_of(text) == (f'credit.toml 第{line}行 mail.recipients.总经理：每个地址单独写一项，'
                              '如 ["a@example.com", "b@example.com"]，现为 "a@example.com; b@example.com"')
    text, line = edit('"总经理" =', '"总经里" = []')
    assert error_of(text) == f"credit.toml 第{line}行 mail.recipients.总经里：未知的参数（是否想写 总经理？）"
    text, line = edit('"总经理" =', '"财务部" = []')
    assert error_of(text) == (f"credit.toml 第{line}行 mail.recipients.财务部：未知的参数"
                              "（[mail.recipients] 中可用的项：营销副总、财务总监、总经理、董事长、营销部经理）")


# --------------------------------------------------------------------------- unknown keys and sections


def test_unknown_key_suggests_the_closest_known_key():
    text, line = edit("bad_arrears_days =", "bad_arears_days = 90")
    assert error_of(text) == (f"credit.toml 第{line}行 grading.bad_arears_days：未知的参数"
                              "（是否想写 bad_arrears_days？）")


def test_unknown_key_without_a_close_match_lists_the_known_ones():
    message = error_of("[limits]\nfoo = 1\n")
    assert message == ("credit.toml 第2行 limits.foo：未知的参数（[limits] 中可用的项：limit_rounding、"
                       "a_long_term_days、a_temp_term_days、b_long_term_days、b_temp_term_days）")


def test_unknown_section():
    assert error_of("[gradng]\nwindow_months = 12\n") == "credit.toml 第1行 [gradng]：未知的节（是否想写 [grading]？）"
    assert error_of("\n[checks.severity]\nR01 = []\n") == (
        "credit.toml 第2行 [checks.severity]：未知的节（是否想写 [checks.severities]？）")
    assert error_of("title = 1\n") == (
        "credit.toml 第1行 title：未知的参数（可用的节：[company]、[grading]、[limits]、[checks]、[ledger]、[mail]、[privacy]、"
        "[inputs]）")


def test_section_written_as_a_value():
    assert error_of('\ncompany = "华东贸易"\n') == 'credit.toml 第2行 company：应为节 [company]，现为 "华东贸易"'
    assert error_of("[checks]\nseverities = 1\n") == (
        "credit.toml 第2行 checks.severities：应为节 [checks.severities]，现为 1")


# --------------------------------------------------------------------------- the password


def test_password_in_mail_is_refused_without_echoing_it():
    text, line = edit("password_env =", 'password = "S3cret!"')
    message = error_of(text)
    assert message.startswith(f"credit.toml 第{line}行 mail.password：密码不能写在参数文件中")
    assert "环境变量 CREDIT_SMTP_PASSWORD" in message and "password_env" in message
    assert "S3cret" not in message


@pytest.mark.parametrize("text, line, key", [
    ('[mail]\npassword_env = "MY_PW"\nsmtp_password = "x1"\n', 3, "mail.smtp_password"),
    ('[mail.recipients]\n"密码" = "x1"\n', 2, "mail.recipients.密码"),
    ('mail.Password = "x1"\n', 1, "mail.Password"),
    ('[company]\npasswd = "x1"\n', 2, "company.passwd"),
])
def test_password_is_refused_anywhere(text, line, key):
    message = error_of(text)
    assert message.startswith(f"credit.toml 第{line}行 {key}：密码不能写在参数文件中")
    assert "x1" not in message
    if "MY_PW" in text:
        assert "环境变量 MY_PW" in message


def test_password_env_must_be_a_variable_name_and_is_not_echoed():
    text, line = edit("password_env =", 'password_env = "hunter 2!"')
    message = error_of(text)
    assert message.startswith(f"credit.toml 第{line}行 mail.password_env：应为环境变量的名字")
    assert "hunter" not in message
    assert load_policy_text('[mail]\npassword_env = "SMTP_PW_2"\n').mail.password_env == "SMTP_PW_2"


# --------------------------------------------------------------------------- several problems, syntax errors


def test_all_problems_are_reported_in_line_order():
    message = error_of('[mail]\nsmtp_port = 0\n[grading]\nwindow_months = 0\n\n[limits]\nfoo = 1\n')
    lines = message.split("\n")
    assert [re.search(r"第(\d+)行", m).group(1) for m in lines] == ["2", "4", "7"]


def test_error_is_a_user_error():
    with pytest.raises(UserError):
        load_policy_text("[grading]\nwindow_months = 0\n")


@pytest.mark.parametrize("text, expected", [
    ('[company]\nname = “示例”\n', "credit.toml 第2行第8列：TOML 语法错误（值的写法不对"),
    ("[grading]\nwindow_months 12\n", "credit.toml 第2行第15列：TOML 语法错误（键后面缺少英文等号 ="),
    ("[grading]\nwindow_months = 1\nwindow_months = 2\n", "credit.toml 第3行第18列：TOML 语法错误（同一个键写了两次"),
    ('[mail.recipients]\n总经理 = []\n', "credit.toml 第2行第1列：TOML 语法错误（键名含中文时要用英文双引号括起来"),
    ("[grading\n", "credit.toml 第1行第9列：TOML 语法错误（节名缺少结束的 ]"),
    ("[mail]\nuser = 1\n营销 = 2\n", "credit.toml 第3行第1列：TOML 语法错误（键名含中文时要用英文双引号括起来"),
    ("[mail]\nuser.营销 = 2\n", "credit.toml 第2行第6列：TOML 语法错误（键名含中文时要用英文双引号括起来"),
])
def test_syntax_error_names_line_and_column(text, expected):
    message = error_of(text)
    assert message.startswith(expected), message
    assert "原文：" in message


def test_syntax_error_in_the_default_file():
    text, line = edit("bad_arrears_days =", "bad_arrears_days = 90 天")
    assert error_of(text).startswith(f"credit.toml 第{line}行第23列：TOML 语法错误（一行只能写一项")


def test_unclosed_array_points_at_where_it_opened():
    message = error_of('[grading]\nwindow_months = 12\nkey_data_fields = [\n  "uscc",\n\n')
    assert message.startswith("credit.toml 第3行：TOML 语法错误（这一行开始的列表或多行文本直到文件末尾都没有结束")


def test_unknown_syntax_message_is_passed_through():
    assert config._syntax_message("Something new (at line 3, column 1)", "", "x.toml") == (
        "x.toml 第3行第1列：TOML 语法错误（Something new）")


# --------------------------------------------------------------------------- files


def test_load_policy_reads_utf8_with_or_without_bom(tmp_path):
    path = tmp_path / "credit.toml"
    path.write_bytes("\ufeff[grading]\nbad_arrears_days = 60\n".encode())
    assert load_policy(path).grading.bad_arrears_days == 60
    path.write_text(DEFAULT, encoding="utf-8")
    assert load_policy(path) == Policy()


def test_load_policy_names_the_file_it_read(tmp_path):
    path = tmp_path / "credit.toml"
    path.write_text("[grading]\n\nwindow_months = 99\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert str(info.value) == f"{path} 第3行 grading.window_months：应为 1–36 之间的整数，现为 99"


def test_gbk_file_is_refused_with_the_line(tmp_path):
    path = tmp_path / "credit.toml"
    path.write_bytes('[company]\n\nname = "华东贸易"\n'.encode("gbk"))
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert str(info.value).startswith(f"{path} 第3行：文件不是 UTF-8 编码")


def test_missing_file_is_a_workspace_error(tmp_path):
    with pytest.raises(WorkspaceError) as info:
        load_policy(tmp_path / "credit.toml")
    assert "找不到参数文件" in str(info.value)


# --------------------------------------------------------------------------- the line scanner


def test_line_spans_follow_headers_dotted_and_quoted_keys():
    text = "\n".join([
        "top = 1",                               # 1
        "a.b . c = 2  # comment",                # 2
        "[mail . 'recipients']",                 # 3
        '"总经理" = []',                          # 4
        '"a.b" = 1',                             # 5
        "[[arr]]",                               # 6
        "x = { y = 1 }",                         # 7
        '"esc\\u0041" = 1',                       # 8
    ])
    spans = config._line_spans(text)
    assert spans[("top",)] == [1, 1]
    assert spans[("a", "b", "c")] == [2, 2]
    assert spans[("a",)] == [2, 2]
    assert spans[("mail", "recipients")] == [3, 3]
    assert spans[("mail", "recipients", "总经理")] == [4, 4]
    assert spans[("mail", "recipients", "a.b")] == [5, 5]
    assert spans[("arr", "x")] == [7, 7]
    assert spans[("arr", "escA")] == [8, 8]
    assert ("arr", "x", "y") not in spans


def test_line_spans_skip_the_inside_of_multiline_values():
    text = "\n".join([
        "[grading]",                             # 1
        "key_data_fields = [",                   # 2
        '  "a = b",  # x = 1',                   # 3
        "  { window_months = 1 },",              # 4
        "]",                                     # 5
        'note = """',                            # 6
        "window_months = 3",                     # 7
        '[limits] \\""" still text',             # 8
        '"""',                                   # 9
        "lit = '''",                             # 10
        "[mail]'''",                             # 11
        "window_months = 12",                    # 12
    ])
    tomllib.loads(text)  # the fixture itself is valid TOML
    spans = config._line_spans(text)
    assert spans[("grading", "key_data_fields")] == [2, 5]
    assert spans[("grading", "note")] == [6, 9]
    assert spans[("grading", "lit")] == [10, 11]
    assert spans[("grading", "window_months")] == [12, 12]
    assert ("limits",) not in spans and ("mail",) not in spans


def test_crlf_files_get_the_same_lines():
    text, line = edit("window_months =", "window_months = 40")
    assert error_of(text.replace("\n", "\r\n")) == error_of(text)
    assert f"第{line}行" in error_of(text)


def test_value_in_inline_table_falls_back_to_the_table_line():
    assert error_of('\n\nmail = { smtp_port = 0 }\n') == "credit.toml 第3行 mail.smtp_port：应为 1–65535 之间的整数，现为 0"


def test_each_problem_stays_on_one_line_even_with_a_newline_in_the_value():
    assert error_of('[mail]\nsecurity = "ssl\\nx"\n') == (
        'credit.toml 第2行 mail.security：应为 "starttls"、"ssl" 或 "none"，现为 "ssl\\nx"')
