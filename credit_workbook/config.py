"""Read a workspace's credit.toml into a typed ``Policy``, strictly.

The file is edited by hand by finance staff, so every mistake must be caught
here, before a wrong number silently changes a grade or a limit, and reported
the way a clerk can act on it: file, line, dotted key, what was expected and
what is there, in Chinese. All problems are collected and raised together in
one ``ConfigError`` so the file can be fixed in one pass.

This module is imported by every command and every Excel ribbon click: it uses
the standard library only, and the costly parts (line numbers, suggestions)
run only when there is something to report.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from credit_workbook.errors import ConfigError, WorkspaceError
from credit_workbook.forms.fields import BY_NAME
from credit_workbook.guard.limits import EXCEL_MAX_COLUMNS, EXCEL_MAX_ROWS, InputLimits
from credit_workbook.policy import (
    DEFAULT_HEADER_ALIASES,
    MANAGER_ROLES,
    CheckPolicy,
    GradingPolicy,
    LedgerPolicy,
    LimitPolicy,
    MailPolicy,
    Policy,
    PrivacyPolicy,
)

__all__ = ["default_policy_text", "load_policy", "load_policy_text"]

KeyPath = tuple[str, ...]

SEVERITIES = ("红", "黄", "蓝")  # worst first
SECURITY_MODES = ("starttls", "ssl", "none")
# Output fields are written by the tool, so they can never be "missing key data".
KEY_DATA_CHOICES = tuple(name for name, f in BY_NAME.items() if not f.output) + ("banks",)
# SPEC §4: the two ledger shapes. One header may not mean two columns of the same shape.
_LEDGER_SHAPES = (
    ("date", "voucher", "code", "name", "summary", "debit", "credit", "direction", "balance", "account"),
    ("code", "name", "opening", "period_debit", "period_credit", "closing", "direction"),
)

_CENT = Decimal("0.01")
_MAX_MONEY = Decimal("999999999999999.99")  # keeps quantize() inside the default 28-digit context
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ADDR = r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\".]+"
_MAILBOX = re.compile(rf"(?:{_ADDR}|[^<>@]*<{_ADDR}>)")


# --------------------------------------------------------------------------- public API


def default_policy_text() -> str:
    """The packaged credit.toml, which ``init`` copies and the tests hold equal to ``Policy()``."""
    from importlib.resources import files

    return (files("credit_workbook") / "data" / "credit.toml").read_text(encoding="utf-8")


def load_policy(path: Path) -> Policy:
    """Load a workspace's credit.toml; messages name the file by the path given."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WorkspaceError(f"找不到参数文件 {path}（可用 credit-workbook init 新建工作区）") from None
    except OSError as e:
        raise ConfigError(f"{path}：无法读取（{e.strerror or e}）") from None
    try:
        # utf-8-sig: Windows Notepad writes a BOM, which TOML itself refuses.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise ConfigError(
            f"{path} 第{line}行：文件不是 UTF-8 编码（可能被另存为 ANSI/GBK），请用 UTF-8 编码重新保存"
        ) from None
    return load_policy_text(text, str(path))


def load_policy_text(text: str, file_name: str = "credit.toml") -> Policy:
    """Parse and validate credit.toml text; keys left out keep the policy's defaults."""
    text = text.removeprefix("\ufeff")
    try:
        # parse_float=Decimal: a float written for money keeps its exact decimal digits.
        doc = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(_syntax_message(str(e), text, file_name)) from None
    reader = _Reader(text, file_name)
    policy = reader.build(doc)
    if reader.problems:
        reader.problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
        raise ConfigError("\n".join(message for _, message in reader.problems))
    assert policy is not None
    return policy


# --------------------------------------------------------------------------- syntax errors

_TOML_HINTS = (
    ("Invalid value", "值的写法不对：文本要用英文双引号括起来，数字和 true/false 不加引号"),
    ("Invalid statement", "无法识别这一行：每行应为 键 = 值、[节名] 或 # 注释"),
    ("Expected '=' after a key", "键后面缺少英文等号 ="),
    ("Cannot overwrite a value", "同一个键写了两次"),
    ("Cannot declare", "同一个节写了两次"),
    ("Cannot redefine namespace", "同一个节写了两次"),
    ("Cannot mutate immutable namespace", "这个节已在别处整体写出，不能再补充"),
    ("Unterminated string", "文本缺少结束的引号"),
    ("Unclosed array", "列表缺少结束的 ]"),
    ("Unclosed inline table", "花括号缺少结束的 }"),
    ("Expected ']' at the end of a table", "节名缺少结束的 ]"),
    ("Expected newline or end of document", "一行只能写一项（其余内容可用 # 变成注释）"),
    ("Invalid initial character for a key part", "键名写法不对：只能用英文字母、数字、_ 和 -，其余要用英文双引号括起来"),
    ("Unescaped '\\' in a string", "文本中的 \\ 要写成 \\\\，或改用英文单引号括起来"),
    ("Illegal character", "含有不允许的控制字符"),
    ("Found invalid character", "含有不允许的字符"),
    ("Invalid date or datetime", "日期写法不对，应为 2026-01-05"),
)


def _syntax_message(error: str, text: str, file_name: str) -> str:
    """Turn tomllib's English "msg (at line L, column C)" into the clerk's Chinese form."""
    m = re.fullmatch(r"(.*) \(at (?:line (\d+), column (\d+)|end of document)\)", error, re.S)
    what = m.group(1) if m else error
    hint = next((cn for en, cn in _TOML_HINTS if what.startswith(en)), None)
    if m is None:
        where = ""
    elif m.group(2):
        line, column = int(m.group(2)), int(m.group(3))
        where = f" 第{line}行第{column}列"
        lines = text.split("\n")
        char = lines[line - 1][column - 1:column] if line <= len(lines) else ""
        if what in ("Invalid statement", "Invalid initial character for a key part") and char > "\x7f":
            hint = '键名含中文时要用英文双引号括起来，如 "总经理" = []'
    else:
        where = " 文件末尾"
        opened = _line_spans(text).get(())
        if opened:  # "end of document" helps nobody when a bracket or quote was never closed
            where = f" 第{opened[0]}行"
            hint = "这一行开始的列表或多行文本直到文件末尾都没有结束，缺少 ] 或结束的引号"
    detail = f"{hint}；原文：{what}" if hint else what
    return f"{file_name}{where}：TOML 语法错误（{detail}）"


# --------------------------------------------------------------------------- line numbers
#
# tomllib reports no positions for values it parsed, so the text is scanned
# once, only when a message needs a line: [table] headers set the current
# table, "key =" lines (bare, quoted and dotted keys) give a path. Values that
# continue over several lines (arrays, multi-line strings) are skipped so that
# nothing inside them is taken for a key. The file already parsed, so the
# scanner may assume valid TOML.

_SIMPLE_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_KEY = rf"{_SIMPLE_KEY}(?:[ \t]*\.[ \t]*{_SIMPLE_KEY})*"
_KEY_LINE = re.compile(rf"[ \t]*({_KEY})[ \t]*=")
_HEADER_LINE = re.compile(rf"[ \t]*\[\[?[ \t]*({_KEY})[ \t]*\]")


def _split_key(key: str) -> KeyPath:
    parts = []
    for m in re.finditer(_SIMPLE_KEY, key):
        part = m.group(0)
        if part.startswith('"'):
            try:
                part = tomllib.loads(f"k = {part}")["k"]  # exact TOML escapes
            except tomllib.TOMLDecodeError:  # only while locating a syntax error
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _scan_value(s: str, i: int, depth: int, ml: str | None) -> tuple[int, str | None]:
    """Bracket depth and open multi-line string after reading ``s[i:]``."""
    n = len(s)
    while i < n:
        if ml is not None:
            if ml == '"""' and s[i] == "\\":
                i += 2
            elif s.startswith(ml, i):
                i += 3
                while i < n and s[i] == ml[0]:  # up to two quotes may end the content
                    i += 1
                ml = None
            else:
                i += 1
            continue
        c = s[i]
        if c == "#":
            break
        if s.startswith('"""', i) or s.startswith("'''", i):
            ml, i = s[i:i + 3], i + 3
        elif c == '"':
            i += 1
            while i < n and s[i] != '"':
                i += 2 if s[i] == "\\" else 1
            i += 1
        elif c == "'":
            j = s.find("'", i + 1)
            i = n if j < 0 else j + 1
        else:
            depth += c in "[{"
            depth -= c in "]}"
            i += 1
    return depth, ml


def _line_spans(text: str) -> dict[KeyPath, list[int]]:
    """Path -> [first line, last line] of its first definition (1-based).

    A value still open at the end of the text (an unclosed array) is stored
    under the key ``()``, for the syntax message that tomllib can only place
    at "end of document".
    """
    spans: dict[KeyPath, list[int]] = {}
    table: KeyPath = ()
    depth, ml, current, opened = 0, None, None, 0
    for no, line in enumerate(text.split("\n"), 1):
        if depth > 0 or ml is not None:
            depth, ml = _scan_value(line, 0, depth, ml)
            if current is not None:
                spans[current][1] = no
            continue
        if m := _HEADER_LINE.match(line):
            table = _split_key(m.group(1))
            spans.setdefault(table, [no, no])
            current = None
        elif m := _KEY_LINE.match(line):
            path = table + _split_key(m.group(1))
            for k in range(1, len(path) + 1):
                spans.setdefault(path[:k], [no, no])
            current = path if spans[path][0] == no else None
            depth, ml = _scan_value(line, m.end(), 0, None)
            opened = no
    if depth > 0 or ml is not None:
        spans[()] = [opened, opened]
    return spans


# --------------------------------------------------------------------------- validation


class _Bad(Exception):
    """One value is wrong; ``needle`` is the list element to point the line at."""

    def __init__(self, problem: str, needle: str | None = None):
        super().__init__(problem)
        self.problem, self.needle = problem, needle


_INVALID = object()  # a converter recorded a problem; the key keeps no value

Converter = Callable[["_Reader", KeyPath, Any], Any]


class _Reader:
    """Walks the parsed document against the schema, collecting problems."""

    def __init__(self, text: str, file_name: str):
        self.text, self.file_name = text, file_name
        self.problems: list[tuple[int | None, str]] = []
        self._spans: dict[KeyPath, list[int]] | None = None
        self._lines: list[str] | None = None
        self.password_env = MailPolicy().password_env
        self.input_password_env = InputLimits().workbook_password_env

    # -- reporting

    def line_of(self, path: KeyPath, needle: str | None = None) -> int | None:
        if self._spans is None:
            self._spans = _line_spans(self.text)
            self._lines = self.text.split("\n")
        for k in range(len(path), 0, -1):
            span = self._spans.get(path[:k])
            if span is None:
                continue
            if needle is not None and k == len(path):
                quoted = (_show(needle), f"'{needle}'")
                for no in range(span[0], span[1] + 1):
                    if any(q in self._lines[no - 1] for q in quoted):
                        return no
            return span[0]
        return None

    def report(self, path: KeyPath, problem: str, needle: str | None = None, *, section: bool = False) -> None:
        line = self.line_of(path, needle)
        key = ".".join(path)
        key = f"[{key}]" if section else key
        where = f" 第{line}行" if line is not None else ""
        self.problems.append((line, f"{self.file_name}{where} {key}：{problem}"))

    def unknown(self, path: KeyPath, value: Any, known: Iterable[str]) -> None:
        import difflib

        known = list(known)
        is_table = isinstance(value, dict)
        close = difflib.get_close_matches(path[-1], known, n=1, cutoff=0.6)
        parent = ".".join(path[:-1])
        if close:
            shown = ".".join((*path[:-1], close[0]))
            hint = f"是否想写 [{shown}]？" if is_table else f"是否想写 {close[0]}？"
        elif path[:-1]:
            hint = f"[{parent}] 中可用的项：{'、'.join(known)}"
        else:
            hint = f"可用的节：{'、'.join(f'[{k}]' for k in known)}"
        what = "未知的节" if is_table else "未知的参数"
        self.report(path, f"{what}（{hint}）", section=is_table)

    # -- walking

    def table(self, path: KeyPath, value: Any, schema: dict[str, Converter],
              unknown_hint: str | None = None) -> dict[str, Any] | None:
        """Converted values of the keys present; None when ``value`` is not a table."""
        if not isinstance(value, dict):
            self.report(path, f"应为节 [{'.'.join(path)}]，现为 {_show(value)}")
            return None
        out: dict[str, Any] = {}
        for key, item in value.items():
            sub = (*path, key)
            if _is_password_key(key):
                self.refuse_password(sub)
            elif key not in schema:
                if unknown_hint is None:
                    self.unknown(sub, item, schema)
                else:
                    self.report(sub, f"未知的参数（{unknown_hint}）")
            else:
                result = schema[key](self, sub, item)
                if result is not _INVALID:
                    out[key] = result
        return out

    def refuse_password(self, path: KeyPath) -> None:
        # Never echo the value: it is a secret. Point at the variable of the section it was written in.
        key = "inputs.workbook_password_env" if path[:1] == ("inputs",) else "mail.password_env"
        env = self.input_password_env if path[:1] == ("inputs",) else self.password_env
        self.report(path, (
            "密码不能写在参数文件中（该文件会被复制、备份、发送）；请删除这一行，"
            f"把密码放在环境变量 {env} 中（变量名由 {key} 指定）"))

    def build(self, doc: dict[str, Any]) -> Policy | None:
        for section, key, attr in (("mail", "password_env", "password_env"),
                                   ("inputs", "workbook_password_env", "input_password_env")):
            table = doc.get(section)
            if isinstance(table, dict) and isinstance(table.get(key), str) and _ENV_NAME.fullmatch(table[key]):
                setattr(self, attr, table[key])
        sections = self.table((), doc, _TOP)
        if self.problems or sections is None:
            return None
        kwargs: dict[str, Any] = {}
        if "company" in sections:
            kwargs.update(sections["company"])
        for name, cls in (("grading", GradingPolicy), ("limits", LimitPolicy), ("checks", CheckPolicy),
                          ("ledger", LedgerPolicy), ("mail", MailPolicy), ("privacy", PrivacyPolicy),
                          ("inputs", InputLimits)):
            if name in sections:
                kwargs[name] = cls(**sections[name])
        return Policy(**kwargs)


def _is_password_key(key: str) -> bool:
    k = key.lower()
    return not k.endswith("password_env") and ("password" in k or "passwd" in k or "密码" in k or k in ("pwd", "pass"))


def _show(value: Any) -> str:
    """A value as the clerk would have typed it in TOML."""
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        s = '"' + escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'
    elif isinstance(value, bool):
        s = "true" if value else "false"
    elif isinstance(value, list):
        s = "[" + ", ".join(_show(v) for v in value) + "]"
    elif isinstance(value, dict):
        s = "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    elif hasattr(value, "isoformat"):
        s = value.isoformat()
    else:
        s = str(value)
    return s if len(s) <= 80 else s[:77] + "…"


def _simple(fn: Callable[[Any], Any]) -> Converter:
    """Adapt a one-value check raising ``_Bad`` to the reader's converter signature."""

    def convert(reader: _Reader, path: KeyPath, value: Any) -> Any:
        try:
            return fn(value)
        except _Bad as bad:
            reader.report(path, bad.problem, bad.needle)
            return _INVALID

    return convert


def _int_in(low: int, high: int | None = None) -> Converter:
    expected = "正整数" if high is None and low == 1 else f" {low}–{high} 之间的整数"

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            hint = "（数字不要加引号）" if isinstance(value, str) and value.strip().isdigit() else ""
            raise _Bad(f"应为{expected}，现为 {_show(value)}{hint}")
        if value < low or (high is not None and value > high):
            raise _Bad(f"应为{expected}，现为 {value}")
        return value

    return _simple(check)


def _money(*, positive: bool) -> Converter:
    expected = "大于 0 的金额（元）" if positive else "不小于 0 的金额（元）"

    def check(value: Any) -> Decimal:
        if isinstance(value, str):
            try:
                d = Decimal(value.strip().replace(",", "").replace("，", ""))
            except InvalidOperation:
                raise _Bad(f"应为{expected}，如 \"1000000.00\"，现为 {_show(value)}") from None
        elif isinstance(value, bool):
            raise _Bad(f"应为{expected}，如 \"1000000.00\"，现为 {_show(value)}")
        elif isinstance(value, int):
            d = Decimal(value)
        elif isinstance(value, float):
            d = Decimal(repr(value))
        elif isinstance(value, Decimal):
            d = value
        else:
            raise _Bad(f"应为{expected}，如 \"1000000.00\"，现为 {_show(value)}")
        if not d.is_finite() or d < 0 or (positive and d == 0) or d > _MAX_MONEY:
            raise _Bad(f"应为{expected}，现为 {_show(value)}")
        if d.quantize(_CENT) != d:
            raise _Bad(f"金额最多两位小数（到分），现为 {_show(value)}")
        return d.quantize(_CENT) if d else Decimal("0.00")

    return _simple(check)


def _text(*, required: bool = False) -> Converter:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Bad(f"应为文本（用英文双引号括起来），现为 {_show(value)}")
        if required and not value.strip():
            raise _Bad("不能为空")
        return value.strip()

    return _simple(check)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        hint = "（不要加引号）" if isinstance(value, str) and value.strip().lower() in ("true", "false") else ""
        raise _Bad(f"应为 true 或 false，现为 {_show(value)}{hint}")
    return value


def _str_list(value: Any, what: str) -> list[str]:
    """A TOML array of strings; a lone string is taken as a one-element list."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise _Bad(f"应为{what}列表，如 [\"…\", \"…\"]，现为 {_show(value)}")
    for item in value:
        if not isinstance(item, str):
            raise _Bad(f"列表中的每一项都应为文本（用英文双引号括起来），现有 {_show(item)}")
    return value


def _choose(value: str, choices: Iterable[str], what: str) -> _Bad:
    import difflib

    choices = list(choices)
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    hint = f"是否想写 {_show(close[0])}？" if close else f"可选：{'、'.join(choices)}"
    return _Bad(f"未知的{what} {_show(value)}（{hint}）", needle=value)


# -- section-specific checks


def _key_data_fields(value: Any) -> tuple[str, ...]:
    names = _str_list(value, "字段名")
    seen: set[str] = set()
    for name in names:
        if name not in KEY_DATA_CHOICES:
            raise _choose(name, KEY_DATA_CHOICES, "评定表字段")
        if name in seen:
            raise _Bad(f"字段 {_show(name)} 重复", needle=name)
        seen.add(name)
    return tuple(names)


def _severities(reader: _Reader, path: KeyPath, value: Any) -> Any:
    defaults = CheckPolicy().severities

    def one(levels_default: tuple[str, ...]) -> Converter:
        def check(item: Any) -> tuple[str, ...]:
            levels = _str_list(item, "级别")
            for level in levels:
                if level not in SEVERITIES:
                    raise _Bad(f"级别只能是 红、黄、蓝，现有 {_show(level)}", needle=level)
            if len(levels) != len(levels_default):
                raise _Bad(f"此规则有 {len(levels_default)} 级（默认 {_show(list(levels_default))}），"
                           f"现写了 {len(levels)} 级")
            ranks = [SEVERITIES.index(level) for level in levels]
            if ranks != sorted(ranks):
                raise _Bad(f"两级应先重后轻（红 > 黄 > 蓝），现为 {_show(levels)}")
            return tuple(levels)

        return _simple(check)

    table = reader.table(path, value, {rule: one(levels) for rule, levels in defaults.items()},
                         unknown_hint=f"规则编号为 {min(defaults)}–{max(defaults)}")
    return _INVALID if table is None else {**defaults, **table}


def _header_aliases(reader: _Reader, path: KeyPath, value: Any) -> Any:
    def check(item: Any) -> tuple[str, ...]:
        aliases = [a.strip() for a in _str_list(item, "表头名称")]
        if not aliases:
            raise _Bad("至少要有一个表头名称")
        if "" in aliases:
            raise _Bad("表头名称不能为空文本")
        return tuple(dict.fromkeys(aliases))

    table = reader.table(path, value, {key: _simple(check) for key in DEFAULT_HEADER_ALIASES})
    if table is None:
        return _INVALID
    merged = {**DEFAULT_HEADER_ALIASES, **table}
    reported: set[str] = set()
    for shape in _LEDGER_SHAPES:
        owner: dict[str, str] = {}
        for key in shape:
            for alias in merged[key]:
                other = owner.setdefault(alias, key)
                if other != key and alias not in reported:
                    reported.add(alias)
                    blame = key if key in table else other
                    reader.report((*path, blame),
                                  f"表头名称 {_show(alias)} 同时属于 {other} 和 {key}，读取账表时无法区分",
                                  needle=alias)
    return merged


def _recipients(reader: _Reader, path: KeyPath, value: Any) -> Any:
    def check(item: Any) -> tuple[str, ...]:
        addresses = [a.strip() for a in _str_list(item, "邮箱地址")]
        for address in addresses:
            if not _MAILBOX.fullmatch(address):
                if address.count("@") > 1:
                    raise _Bad(f"每个地址单独写一项，如 [\"a@example.com\", \"b@example.com\"]，现为 {_show(address)}",
                               needle=address)
                raise _Bad(f"不是有效的邮箱地址：{_show(address)}", needle=address)
        return tuple(addresses)

    table = reader.table(path, value, {role: _simple(check) for role in MANAGER_ROLES})
    return _INVALID if table is None else {**{role: () for role in MANAGER_ROLES}, **table}


def _security(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() not in SECURITY_MODES:
        raise _Bad(f"应为 \"starttls\"、\"ssl\" 或 \"none\"，现为 {_show(value)}")
    return value.strip().lower()


def _password_env(value: Any) -> str:
    # The value is not echoed: a password pasted here by mistake must not reach logs.
    if not isinstance(value, str) or not _ENV_NAME.fullmatch(value.strip()):
        raise _Bad("应为环境变量的名字（英文字母、数字、下划线，如 \"CREDIT_SMTP_PASSWORD\"）；"
                   "密码本身不要写在这里，而是放进该环境变量")
    return value.strip()


def _sender(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad(f"应为文本（用英文双引号括起来），现为 {_show(value)}")
    value = value.strip()
    if value and not _MAILBOX.fullmatch(value):
        raise _Bad(f"不是有效的发件人地址（如 \"credit@example.com\" 或 \"信用管理 <credit@example.com>\"），"
                   f"现为 {_show(value)}")
    return value


def _section(schema: dict[str, Converter]) -> Converter:
    def convert(reader: _Reader, path: KeyPath, value: Any) -> Any:
        table = reader.table(path, value, schema)
        return _INVALID if table is None else table

    return convert


_POSITIVE = _int_in(1)

_GRADING: dict[str, Converter] = {
    "window_months": _int_in(1, 36),
    "bad_arrears_days": _POSITIVE,
    "bad_arrears_lookback_months": _POSITIVE,
    "coop_min_years": _POSITIVE,
    "annual_standard": _money(positive=False),
    "survey_stale_months": _POSITIVE,
    "key_data_fields": _simple(_key_data_fields),
}
_LIMITS: dict[str, Converter] = {
    "limit_rounding": _money(positive=True),
    "a_long_term_days": _POSITIVE,
    "a_temp_term_days": _POSITIVE,
    "b_long_term_days": _POSITIVE,
    "b_temp_term_days": _POSITIVE,
}
_CHECKS: dict[str, Converter] = {
    "overdue_red_after_days": _POSITIVE,
    "contract_notice_days": _POSITIVE,
    "severities": _severities,
}
_LEDGER: dict[str, Converter] = {"header_aliases": _header_aliases}
_MAIL: dict[str, Converter] = {
    "enabled": _simple(_bool),
    "smtp_host": _text(),
    "smtp_port": _int_in(1, 65535),
    "security": _simple(_security),
    "user": _text(),
    "password_env": _simple(_password_env),
    "sender": _simple(_sender),
    "recipients": _recipients,
}

_PRIVACY: dict[str, Converter] = {"mask_outgoing": _simple(_bool)}
# The guard's ceilings for received files (credit_workbook.guard): positive, and never past
# what Excel itself allows (rows, columns) or deflate can reach (a ratio of ~1,032).
_INPUTS: dict[str, Converter] = {
    "max_parts": _POSITIVE,
    "max_unpacked_mb": _int_in(1, 65536),
    "max_ratio": _int_in(10, 1032),
    "max_rows": _int_in(1, EXCEL_MAX_ROWS),
    "max_columns": _int_in(1, EXCEL_MAX_COLUMNS),
    "max_cells": _POSITIVE,
    "workbook_password_env": _simple(_password_env),
}


def _company(reader: _Reader, path: KeyPath, value: Any) -> Any:
    table = reader.table(path, value, {"name": _text(required=True)})
    return _INVALID if table is None else {"company": table["name"]} if "name" in table else {}


_TOP: dict[str, Converter] = {
    "company": _company,
    "grading": _section(_GRADING),
    "limits": _section(_LIMITS),
    "checks": _section(_CHECKS),
    "ledger": _section(_LEDGER),
    "mail": _section(_MAIL),
    "privacy": _section(_PRIVACY),
    "inputs": _section(_INPUTS),
}

