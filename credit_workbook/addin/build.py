"""Build ``credit_workbook.xlam`` from the xlwings ribbon template, reproducibly.

The add-in is the BSD "custom add-in" template of the pinned xlwings wheel
with three things changed, each a zip-level edit so every other part —
above all ``xl/vbaProject.bin``, the reviewed VBA — stays byte for byte:

* ``customUI/customUI.xml``: our tab, rendered from ``customUI.xml.j2``;
* the package relationship to it: the 2006 extensibility type that matches
  the 2006/01 customUI namespace (the template pairs it with the 2007 type);
* the conf sheet: ``_myaddin.conf`` renamed to ``myaddin.conf`` (that is what
  activates it: the VBA looks the sheet up as ``PROJECT_NAME & ".conf"``)
  with our interpreter and ``ADD_WORKBOOK_TO_PYTHONPATH`` off.

The template's VBA runs ``import <add-in file stem>; <stem>.main()``, so the
file must be called ``credit_workbook.xlam``. The template is pinned by its
SHA-256: a different xlwings means different VBA, which needs a new review
(``macros/vba/``) before anyone ships it.

Members are STORED, not deflated: deflate output depends on the zlib build
(zlib-ng gives other bytes than zlib), stored bytes do not, so a rebuild on
any machine equals the committed file. OPC requires readers to accept both.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from credit_workbook.errors import UserError

XLWINGS_VERSION = "0.37.8"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
TEMPLATE_SHA256 = "43010e1abd6e7a48b4693367f062196654a21c256683dccbaec810df7a6f4dbb"
ADDIN_NAME = "credit_workbook.xlam"

CONF_SHEET = "myaddin.conf"
# Expanded by the VBA (WScript.ExpandEnvironmentStrings) on every click, so
# one add-in file serves every user; install.py creates this environment.
INTERPRETER_WIN = r"%LOCALAPPDATA%\credit_workbook\venv\Scripts\pythonw.exe"
# Key -> value, in sheet order. Every key the template lists stays (an empty
# value on the add-in's sheet also stops a stray myaddin.conf file from
# overriding it); the VBA reads column A down to the first blank, so the
# extra key goes directly below.
CONF: tuple[tuple[str, str | bool], ...] = (
    ("Interpreter_Win", INTERPRETER_WIN),
    ("Interpreter_Mac", ""),
    ("PYTHONPATH", ""),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("UDF Modules", ""),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
    # Off: the package lives in the venv; the workbook's folder on sys.path
    # would let a stray credit_workbook.py or openpyxl.py beside a user's file
    # shadow it, and OneDrive/SharePoint URLs make xlwings search the disk.
    ("ADD_WORKBOOK_TO_PYTHONPATH", False),
)

RIBBON_NAMESPACE = "credit_workbook"
REL_TYPE_2006 = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
ON_ACTION = "RibbonMyAddin.RunMain"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Button:
    id: str
    label: str
    image_mso: str
    screentip: str
    supertip: str


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    buttons: tuple[Button, ...]


TAB_ID = "tabCredit"
TAB_LABEL = "信用管理"
GROUPS = (
    Group("grpWorkbook", "当前工作簿", (
        Button("btnMain", "检查并更新", "AcceptInvitation", "检查并更新当前工作簿",
               "按当前工作簿的种类处理：调查评定表——校验、评定等级并写入结果；"
               "授信台账或预付赊销汇总表——重算建议额度与占用；往来台账——检查并标注问题；"
               "执行评价表——刷新；发货申请单——判断这笔发货能否办理。"
               "处理结果显示在状态栏和提示框中。"),
    )),
)


def template_path() -> Path:
    """The template inside the installed xlwings, found without importing xlwings (slow, and pulls in COM on Windows)."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or not spec.submodule_search_locations:
        raise UserError(f"未安装 xlwings，无法生成加载项：请先 pip install \"credit_workbook[excel]\"（xlwings=={XLWINGS_VERSION}）")
    return Path(next(iter(spec.submodule_search_locations))) / TEMPLATE_NAME


def read_template(path: Path | None = None) -> bytes:
    path = path or template_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"读不到 xlwings 的加载项模板 {path}：{exc.strerror or exc}") from None
    if hashlib.sha256(data).hexdigest() != TEMPLATE_SHA256:
        raise UserError(
            f"{path} 不是 xlwings {XLWINGS_VERSION} 的模板（SHA-256 不符）：其中的 VBA 未经审阅。"
            f"请安装 xlwings=={XLWINGS_VERSION}（pip install \"credit_workbook[excel]\"）")
    return data


def render_custom_ui() -> bytes:
    from importlib import resources

    from jinja2 import Environment

    source = resources.files(__package__).joinpath("customUI.xml.j2").read_text(encoding="utf-8")
    text = Environment(autoescape=True, keep_trailing_newline=True).from_string(source).render(
        namespace=RIBBON_NAMESPACE, tab_id=TAB_ID, tab_label=TAB_LABEL, groups=GROUPS, on_action=ON_ACTION)
    return text.encode("utf-8")


def _replace_once(data: bytes, old: bytes, new: bytes, part: str) -> bytes:
    if data.count(old) != 1:
        raise AssertionError(f"{part}: expected exactly one {old!r} in the pinned template")
    return data.replace(old, new)


def _xml_text(value: str) -> bytes:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode("utf-8")


_SI = re.compile(rb"<si>.*?</si>", re.DOTALL)
_ROW = re.compile(rb'<row r="(\d+)"[^>]*>(.*?)</row>', re.DOTALL)
_CELL_A = re.compile(rb'<c r="A\d+" s="\d+" t="s"><v>(\d+)</v></c>')


def configure_sheet(sheet: bytes, strings: bytes) -> tuple[bytes, bytes]:
    """Write ``CONF`` into the conf sheet's columns A/B; new texts go to the shared strings."""
    table = [re.sub(rb"<[^>]+>", b"", si).decode("utf-8") for si in _SI.findall(strings)]
    added: list[str] = []

    def string_index(text: str) -> int:
        if text in table:
            return table.index(text)
        table.append(text)
        added.append(text)
        return len(table) - 1

    rows = {int(m.group(1)): m for m in _ROW.finditer(sheet)}
    keys = {}
    for number, m in rows.items():
        a = _CELL_A.search(m.group(2))
        if a:
            keys[table[int(a.group(1))]] = number
    new_rows: dict[int, bytes] = {}
    next_row = max(keys.values()) + 1
    for key, value in CONF:
        number = keys.get(key)
        if number is None:
            number, next_row = next_row, next_row + 1
            if number in rows:
                raise AssertionError(f"conf sheet row {number} is not free for {key}")
        a_cell = b'<c r="A%d" s="1" t="s"><v>%d</v></c>' % (number, string_index(key))
        if isinstance(value, bool):
            b_cell = b'<c r="B%d" s="1" t="b"><v>%d</v></c>' % (number, value)
        elif value:
            b_cell = b'<c r="B%d" s="1" t="s"><v>%d</v></c>' % (number, string_index(value))
        else:
            b_cell = b""
        spans = b"1:2" if b_cell else b"1:1"
        new_rows[number] = b'<row r="%d" spans="%s" ht="15.75">%s%s</row>' % (number, spans, a_cell, b_cell)

    changed = {n: xml for n, xml in new_rows.items() if n not in rows or rows[n].group(0) != xml}
    out = sheet
    for number in sorted(changed):
        xml = changed[number]
        if number in rows:
            out = _replace_once(out, rows[number].group(0), xml, "sheet1.xml")
        else:
            later = min(n for n in rows if n > number)  # the template's styled A13 stays last
            out = _replace_once(out, rows[later].group(0), xml + rows[later].group(0), "sheet1.xml")
    if added:
        uses = len(re.findall(rb'<c [^>]*t="s"', out))  # count = references, uniqueCount = entries
        strings = re.sub(rb'count="\d+" uniqueCount="\d+"', b'count="%d" uniqueCount="%d"' % (uses, len(table)),
                         strings, count=1)
        extra = b"".join(b"<si><t>%s</t></si>" % _xml_text(text) for text in added)
        strings = _replace_once(strings, b"</sst>", extra + b"</sst>", "sharedStrings.xml")
    return out, strings


def build_addin(template: bytes | None = None) -> bytes:
    """The add-in's bytes: a pure function of the pinned template and this module."""
    src = zipfile.ZipFile(io.BytesIO(template if template is not None else read_template()))
    parts = {info.filename: src.read(info.filename) for info in src.infolist()}
    parts["customUI/customUI.xml"] = render_custom_ui()
    parts["_rels/.rels"] = _replace_once(
        parts["_rels/.rels"], b"http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
        REL_TYPE_2006.encode(), "_rels/.rels")
    parts["xl/workbook.xml"] = _replace_once(
        parts["xl/workbook.xml"], b'<sheet name="_myaddin.conf"', b'<sheet name="%s"' % CONF_SHEET.encode(),
        "xl/workbook.xml")
    parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"] = configure_sheet(
        parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():  # the template's member order
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            member.compress_type = zipfile.ZIP_STORED
            member.create_system = 0  # ZipInfo's default depends on the OS building it
            member.external_attr = 0o644 << 16  # zipfile replaces 0 with its own default: say it
            dst.writestr(member, parts[info.filename])
    return out.getvalue()


def write_addin(out_dir: Path) -> tuple[Path, bool]:
    """Write the add-in into ``out_dir``; says whether the file changed (atomic, so Excel never loads half a file)."""
    from credit_workbook.fileio import atomic_write

    data = build_addin()
    path = Path(out_dir) / ADDIN_NAME
    if path.is_file() and path.read_bytes() == data:
        return path, False
    atomic_write(path, data)
    return path, True
