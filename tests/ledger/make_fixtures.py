"""Small ledger exports in the styles finance really drops, with hand-checked figures.

Each builder writes one file and can take ``tweaks`` ({"I7": value}) so a
broken variant differs from the good one in exactly the cells named. The
expected figures live in ``EXPECTED`` next to the data they were computed
from by hand, not by the parser.

Run as a script to write them all into a folder: ``python make_fixtures.py DIR``.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import xlsxwriter

# ---------------------------------------------------------------- expected figures
# per counterparty: (opening, debit, credit, closing), signed + = 借

EXPECTED = {
    "yonyou": {
        "C001": (D("10000.00"), D("8456.78"), D("8000.00"), D("10456.78")),
        "C002": (D("-2000.00"), D("1500.00"), D("1234.56"), D("-1734.56")),
        "C003": (D("0.00"), D("20000.00"), D("20000.00"), D("0.00")),
    },
    "kingdee": {
        ("C001", "应收账款"): (D("10000.00"), D("3766.00"), D("8000.00"), D("5766.00")),
        ("S001", "预付账款"): (D("0.00"), D("30000.00"), D("12345.67"), D("17654.33")),
    },
    "gbk_csv": {
        "0001": (D("10000.00"), D("5000.00"), D("8000.00"), D("7000.00")),
        "0002": (D("-2000.00"), D("1500.00"), D("0.00"), D("-500.00")),
    },
}

# ---------------------------------------------------------------- (a) 用友 明细账

YONYOU_HEADER = ["日期", "凭证号", "客户编码", "客户名称", "摘要", "借方", "贷方", "方向", "余额"]


def yonyou_rows() -> dict[int, list]:
    """Sheet rows by 1-based row number; code and name only on each block's first row."""
    d = date
    return {
        1: ["应收账款明细账"],
        2: ["期间：2026年10月"],
        3: ["打印日期：2026-11-03", None, None, None, None, None, None, None, "单位：元"],
        4: YONYOU_HEADER,
        5: [None, None, "C001", "华东机械有限公司", "上月结转", None, None, "借", 10000],
        6: [d(2026, 10, 5), "记-0012", None, None, "销售发货", 5000, None, "借", 15000],
        7: [d(2026, 10, 12), "记-0025", None, None, "收到货款", None, 8000, "借", 7000],
        8: [d(2026, 10, 20), "记-0038", None, None, "销售发货", 3456.78, None, "借", 10456.78],
        9: [None, None, None, None, "本月合计", 8456.78, 8000, "借", 10456.78],
        10: [None, None, None, None, "本年累计", 98765.43, 88308.65, "借", 10456.78],
        12: [None, None, "C002", "南方贸易公司", "上月结转", None, None, "贷", 2000],
        13: [d(2026, 10, 8), "记-0018", None, None, "销售发货", 1500, None, "贷", 500],
        14: [d(2026, 10, 25), "记-0044", None, None, "收到货款", None, 1234.56, "贷", 1734.56],
        15: [None, None, None, None, "本月合计", 1500, 1234.56, "贷", 1734.56],
        16: [None, None, None, None, "本年累计", 45000, 46734.56, "贷", 1734.56],
        18: [None, None, "C003", "北方钢铁集团", "上月结转", None, None, "平", 0],
        19: [d(2026, 10, 15), "记-0030", None, None, "销售发货", 20000, None, "借", 20000],
        20: [d(2026, 10, 31), "记-0051", None, None, "收到货款", None, 20000, "平", 0],
        21: [None, None, None, None, "本月合计", 20000, 20000, "平", 0],
        22: [None, None, None, None, "本年累计", 20000, 20000, "平", 0],
        24: [None, None, None, None, "合计", 29956.78, 29234.56],
        25: ["制表人：张三"],
    }


def _apply(rows: dict[int, list], tweaks: dict[str, object] | None) -> dict[int, list]:
    for ref, value in (tweaks or {}).items():
        col = ord(ref[0]) - 65
        r = int(ref[1:])
        row = rows.setdefault(r, [])
        row.extend([None] * (col + 1 - len(row)))
        row[col] = value
    return rows


def _write_xlsx(path: Path, sheet: str, rows: dict[int, list], merges=(), widths=None) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    for r, values in rows.items():
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, date):
                ws.write_datetime(r - 1, c, v, date_fmt)
            elif isinstance(v, (int, float)):
                ws.write_number(r - 1, c, v, money)
            else:
                ws.write_string(r - 1, c, str(v))
    for first, last, text in merges:
        ws.merge_range(f"{first}:{last}", text)
    ws.set_column(0, 12, 14)
    wb.close()
    return path


def write_yonyou(path: Path, tweaks=None) -> Path:
    rows = _apply(yonyou_rows(), tweaks)
    title = rows[1][0]
    return _write_xlsx(path, "明细账", rows, merges=[("A1", "I1", title)])


# ---------------------------------------------------------------- (b) 金蝶 明细账, two-level header


def kingdee_rows() -> dict[int, list]:
    return {
        1: ["往来明细账"],
        2: ["会计期间：2026年第10期"],
        # rows 3-4: the two-level header is written as merges (see write_kingdee)
        5: ["2026年10月1日", None, "C001", "华东机械有限公司", "期初余额", None, None, "借", "10,000.00", "1122 应收账款"],
        6: ["2026年10月5日", "记-12", "C001", "华东机械有限公司", "销售发货", "5,000.00", None, "借", "15,000.00", "1122 应收账款"],
        7: ["2026年10月9日", "记-15", "C001", "华东机械有限公司", "冲销发货（红字）", "(1,234.00)", None, "借", "13,766.00", "1122 应收账款"],
        8: ["2026年10月20日", "记-31", "C001", "华东机械有限公司", "收到货款", None, "8,000.00", "借", "5,766.00", "1122 应收账款"],
        9: ["2026年10月1日", None, "S001", "东方原料供应商", "期初余额", None, None, "平", "0.00", "1123 预付账款"],
        10: ["2026年10月10日", "记-20", "S001", "东方原料供应商", "预付货款", "30,000.00", None, "借", "30,000.00", "1123 预付账款"],
        11: ["2026年10月28日", "记-40", "S001", "东方原料供应商", "到货冲预付", None, "12,345.67", "借", "17,654.33", "1123 预付账款"],
        12: ["合计", None, None, None, None, "33,766.00", "20,345.67"],
    }


KINGDEE_MERGES = [
    ("A1", "J1", "往来明细账"),
    ("A3", "A4", "日期"),
    ("B3", "B4", "凭证字号"),
    ("C3", "D3", "往来单位"),
    ("E3", "E4", "摘要"),
    ("F3", "G3", "本期发生"),
    ("H3", "I3", "余额"),
    ("J3", "J4", "科目"),
]


def write_kingdee(path: Path, tweaks=None) -> Path:
    rows = kingdee_rows()
    rows[4] = [None, None, "编码", "名称", None, "借方", "贷方", "方向", "金额"]
    rows = _apply(rows, tweaks)
    del rows[1]  # written by its merge
    return _write_xlsx(path, "Sheet1", rows, merges=KINGDEE_MERGES)


# ---------------------------------------------------------------- (c) 余额表, 方向 columns


def balance_rows() -> dict[int, list]:
    return {
        1: ["客户往来余额表"],
        2: ["期间：2026.10"],
        3: [None, None, None, None, None, None, None, "单位：元"],
        4: ["客户编码", "客户名称", "方向", "期初余额", "本期借方", "本期贷方", "方向", "期末余额"],
        5: ["C001", "华东机械有限公司", "借", 10000, 8456.78, 8000, "借", 10456.78],
        6: ["C002", "南方贸易公司", "贷", 2000, 1500, 1234.56, "贷", 1734.56],
        7: ["C003", "北方钢铁集团", "平", 0, 20000, 20000, "平", 0],
        8: [None, "合计", "借", 8000, 29956.78, 29234.56, "借", 8722.22],
    }


def write_balance(path: Path, tweaks=None) -> Path:
    rows = _apply(balance_rows(), tweaks)
    title = rows.pop(1)[0]
    return _write_xlsx(path, "余额表", rows, merges=[("A1", "H1", title)])


# (c2) 用友 科目余额表: 期初/本期发生/期末 each split into 借方/贷方 under a merged heading

def write_balance_split(path: Path, tweaks=None) -> Path:
    rows = {
        2: ["科目：1122 应收账款"],
        3: ["2026年10月"],
        5: [None, None, "借方", "贷方", "借方", "贷方", "借方", "贷方"],
        6: ["C001", "华东机械有限公司", 10000, None, 8456.78, 8000, 10456.78, None],
        7: ["C002", "南方贸易公司", None, 2000, 1500, 1234.56, None, 1734.56],
        8: ["C003", "北方钢铁集团", None, None, 20000, 20000, None, None],
        9: ["合计", None, 10000, 2000, 29956.78, 29234.56, 10456.78, 1734.56],
    }
    rows = _apply(rows, tweaks)
    merges = [
        ("A1", "H1", "科目余额表"),
        ("A4", "A5", "客户编码"),
        ("B4", "B5", "客户名称"),
        ("C4", "D4", "期初余额"),
        ("E4", "F4", "本期发生"),
        ("G4", "H4", "期末余额"),
    ]
    return _write_xlsx(path, "科目余额表", rows, merges=merges)


# ---------------------------------------------------------------- (d) GBK CSV 明细账

GBK_CSV = """应收账款明细账,,,,,,,,
业务日期,凭证号,客户编码,客户名称,摘要,借方金额,贷方金额,方向,余额
,,0001,华东机械有限公司,期初余额,,,借,"10,000.00"
20261005,记-12,0001,华东机械有限公司,销售发货,５，０００．００,,借,"15,000.00"
20261012,记-25,0001,华东机械有限公司,收到货款,,8000,借,7000.00
,,0002,南方贸易公司,期初余额,,,贷,2000.00
20261008,记-18,0002,南方贸易公司,销售发货,"1,500.00",,贷,５００．００
,,,,合计,"6,500.00","8,000.00",,
"""


def write_gbk_csv(path: Path, text: str = GBK_CSV) -> Path:
    path.write_bytes(text.replace("\n", "\r\n").encode("gbk"))
    return path


# ---------------------------------------------------------------- (e) UTF-8 BOM CSV 余额表, signed amounts

BOM_CSV = """往来余额表
期间：2026-10
单位编码,单位名称,期初余额,借方发生额,贷方发生额,期末余额
C001,华东机械有限公司,"10,000.00","8,456.78","8,000.00","10,456.78"
C002,南方贸易公司,"-2,000.00","1,500.00","1,234.56","-1,734.56"
"""


def write_bom_csv(path: Path, text: str = BOM_CSV) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


# (e2) 用友 T3's ".xls" that is really GBK tab-separated text

TSV_AS_XLS = (
    "日期\t凭证号\t客户编码\t客户名称\t摘要\t借方\t贷方\t方向\t余额\n"
    "2026-10-03\t记-1\tC009\t西部电气\t销售发货\t1234.50\t\t借\t1234.50\n"
    "2026-10-30\t记-9\tC009\t西部电气\t收到货款\t\t(1,234.50)\t借\t2469.00\n"
)


def write_tsv_as_xls(path: Path) -> Path:
    path.write_bytes(TSV_AS_XLS.encode("gbk"))
    return path


# ---------------------------------------------------------------- broken files


def write_unrecognisable(path: Path) -> Path:
    return _write_xlsx(path, "通讯录", {
        1: ["员工通讯录"],
        2: ["姓名", "电话", "地址"],
        3: ["张三", "13800000000", "上海"],
    })


def write_encrypted_like(path: Path) -> Path:
    """An OLE2 compound file holding an ``EncryptedPackage`` stream.

    That is what Office writes for a password-protected .xlsx; this one is a
    minimal valid container (header, one FAT sector, one directory sector)
    with a dummy payload, enough for readers to see what kind of file it is.
    """
    free, end, fatsect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    payload = bytes(range(256)) * 16  # 4096 bytes: a regular stream, not a mini stream
    n_payload = len(payload) // 512
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)  # signature, CLSID
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)  # v3, 512-byte sectors
    # dir sectors, FAT sectors, first dir sector, txn, mini cutoff, minifat, DIFAT
    header += struct.pack("<9I", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))  # the FAT is sector 0
    assert len(header) == 512, len(header)
    fat = [fatsect, end] + [i + 1 for i in range(2, 2 + n_payload - 1)] + [end]
    fat += [free] * (128 - len(fat))
    fat_sector = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        out = raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
        out += struct.pack("<III", nostream, nostream, child) + bytes(16) + bytes(4) + bytes(16)
        out += struct.pack("<IQ", start, size)
        return out

    directory = entry("Root Entry", 5, 1, end, 0) + entry("EncryptedPackage", 2, nostream, 2, len(payload))
    directory += (b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", nostream, nostream, nostream)
                  + bytes(48)) * 2
    assert len(directory) == 512, len(directory)
    path.write_bytes(header + fat_sector + directory + payload)
    return path


# ---------------------------------------------------------------- .xls through LibreOffice

SOFFICE = "/usr/bin/soffice"


def convert_to_xls(src: Path, out_dir: Path) -> Path | None:
    """An .xls copy made by LibreOffice (Python has no .xls writer); None without LibreOffice."""
    soffice = SOFFICE if os.path.exists(SOFFICE) else shutil.which("soffice")
    if not soffice:
        return None
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "xls", "--outdir", str(out_dir), str(src)],
            check=True, capture_output=True, timeout=120,
        )
    out = out_dir / (src.stem + ".xls")
    return out if out.exists() else None


# ---------------------------------------------------------------- all of them


def build_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    f = folder
    files = {
        "yonyou": write_yonyou(f / "应收账款明细账_用友.xlsx"),
        "kingdee": write_kingdee(f / "往来明细账_金蝶.xlsx"),
        "balance": write_balance(f / "客户往来余额表.xlsx"),
        "balance_split": write_balance_split(f / "科目余额表.xlsx"),
        "gbk_csv": write_gbk_csv(f / "明细账_gbk.csv"),
        "bom_csv": write_bom_csv(f / "余额表_utf8bom.csv"),
        "tsv_as_xls": write_tsv_as_xls(f / "T3导出.xls"),
        "bad_balance": write_yonyou(f / "bad_balance.xlsx", {"I7": 7090}),
        "bad_amount_chain": write_yonyou(f / "bad_amount_chain.xlsx", {"G7": 8090}),
        "bad_subtotal": write_yonyou(f / "bad_subtotal.xlsx", {"F15": 1600}),
        "bad_date": write_yonyou(f / "bad_date.xlsx", {"A19": date(2026, 9, 30)}),
        "bad_text_amount": write_yonyou(f / "bad_text_amount.xlsx", {"F13": "1,5OO.00"}),
        "bad_date_text": write_yonyou(f / "bad_date_text.xlsx", {"A14": "2026-10-32"}),
        "bad_flat_balance": write_yonyou(f / "bad_flat_balance.xlsx", {"I20": 5}),
        "no_counterparty": write_yonyou(f / "no_counterparty.xlsx", {"C12": None, "D12": None}),
        "bad_balance_row": write_balance(f / "bad_余额表.xlsx", {"H6": 1734.65}),
        "bad_balance_total": write_balance(f / "bad_余额表合计.xlsx", {"E8": 29956.87}),
        "no_period_balance": write_balance(f / "无期间余额表.xlsx", {"A2": "客户往来"}),
        "unrecognisable": write_unrecognisable(f / "通讯录.xlsx"),
        "encrypted": write_encrypted_like(f / "加密.xlsx"),
    }
    renamed = f / "其实是xlsx.csv"
    shutil.copyfile(files["yonyou"], renamed)
    files["xlsx_named_csv"] = renamed
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "ledger_fixtures")
    for key, p in build_all(target).items():
        print(f"{key:20} {p}")
