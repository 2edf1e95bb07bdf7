"""Workbooks holding the content a write-back must not lose, built the way the programs that make them do.

XlsxWriter writes what it supports (macros, images, charts, form buttons,
rich-text notes); the rest (threaded comments, ActiveX, pivot tables,
slicers, external links, custom XML, x14 validations) is added at the zip
level with the part names, relationship types and content types Excel uses.
Each book is a small form: ``result_*`` names, a code at B1 and a USCC at B2.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import xlsxwriter

SHEET = "调查评定表"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_R = "http://schemas.openxmlformats.org/package/2006/relationships"
RESULTS = {"result_grade": "B4", "result_rated_at": "B5", "result_reasons": "B6", "result_cap": "D9",
           "result_max_term_days": "B9"}  # B6 has no cell, row 9 does not exist: the writer must add them
LABELS = {"A1": "客户编码", "A2": "统一社会信用代码", "A3": "往来类型", "A4": "评定等级", "A5": "评定时间",
          "A6": "评定依据", "C6": "（第十三–十八条）", "C8": "可授信额度上限（元）"}


def vba_project() -> bytes:
    """The VBA of the xlwings quickstart workbook (an Excel-saved .xlsm in the xlwings wheel)."""
    import xlwings

    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart.xlsm") as zf:
        return zf.read("xl/vbaProject.bin")


def png(width: int = 4, height: int = 3) -> bytes:
    raw = b"".join(b"\x00" + b"\xc0\x30\x30" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def form(path: Path, *, vba: bool = False, image: bool = False, chart: bool = False, button: bool = False,
         note: str | None = None, extra_sheet: bool = False, date_format: bool = True) -> Path:
    """A small form made by XlsxWriter; ``note`` is a comment the user wrote at B2."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    ws = wb.add_worksheet(SHEET)
    dated = wb.add_format({"num_format": "yyyy-mm-dd"})
    for cell, text in LABELS.items():
        ws.write_string(cell, text)
    ws.write_string("B1", "KH001")
    ws.write_string("B2", "91110000600037341X")
    ws.write_string("B3", "客户")
    ws.write_blank("B4", None)
    ws.write_blank("B5", None, dated if date_format else None)
    for name, cell in RESULTS.items():
        wb.define_name(name, f"='{SHEET}'!${cell[0]}${cell[1:]}")
    if note:
        ws.write_comment("B2", note, {"author": "王会计"})
    if image:
        ws.insert_image("D1", "营业执照.png", {"image_data": io.BytesIO(png())})
    if chart:
        data = wb.add_worksheet("数据")
        data.write_column("A1", ["甲", "乙", "丙"])
        data.write_column("B1", [1, 2, 3])
        ch = wb.add_chart({"type": "column"})
        ch.add_series({"categories": "='数据'!$A$1:$A$3", "values": "='数据'!$B$1:$B$3", "name": "往来"})
        ws.insert_chart("D8", ch)
    if button:
        ws.insert_button("D3", {"macro": "RunMain", "caption": "评级"})
    if extra_sheet and not chart:
        wb.add_worksheet("数据").write_column("A1", ["甲", "乙", "丙"])
    if vba:
        wb.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    wb.close()
    return path


def rezip(path: Path, changes: dict[str, bytes | None]) -> Path:
    """Rewrite the zip with members replaced, added (at the end) or removed (None)."""
    with zipfile.ZipFile(path) as src:
        members = [(i.filename, src.read(i.filename)) for i in src.infolist()]
    names = {n for n, _ in members}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in members:
            new = changes.get(name, data)
            if new is not None:
                dst.writestr(name, new)
        for name, data in changes.items():
            if name not in names and data is not None:
                dst.writestr(name, data)
    return path


def _read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _insert(xml: bytes, before: bytes, new: bytes) -> bytes:
    at = xml.index(before)
    return xml[:at] + new + xml[at:]


def _types(path: Path, *entries: str) -> bytes:
    return _insert(_read(path, "[Content_Types].xml"), b"</Types>", "".join(entries).encode())


def _rels(path: Path, part: str, *rels: str) -> bytes:
    try:
        xml = _read(path, part)
    except KeyError:
        xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PKG_R}"></Relationships>'.encode()
    return _insert(xml, b"</Relationships>", "".join(rels).encode())


def _rel(rid: str, kind: str, target: str, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'


def _override(part: str, content_type: str) -> str:
    return f'<Override PartName="/{part}" ContentType="{content_type}"/>'


def threaded_form(path: Path) -> Path:
    """A form whose B2 holds an Excel 365 threaded comment and the legacy note Excel writes beside it."""
    tid, pid = "{5B0F1A2C-3D4E-4F50-8A6B-7C8D9E0F1A2B}", "{0A1B2C3D-4E5F-4061-8273-94A5B6C7D8E9}"
    form(path, note="[Threaded comment]\n\nYour version of Excel allows you to read this threaded comment; "
                    "however, any edits to it will get removed if the file is opened in a newer version of "
                    "Excel.\n\nComment:\n    这个代码要核实")
    thread = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<ThreadedComments '
              f'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="{MAIN}">'
              f'<threadedComment ref="B2" dT="2026-10-08T09:30:00.00" personId="{pid}" id="{tid}">'
              f"<text>这个代码要核实</text></threadedComment></ThreadedComments>").encode()
    persons = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<personList '
               f'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments" xmlns:x="{MAIN}">'
               f'<person displayName="王会计" id="{pid}" userId="王会计" providerId="None"/></personList>').encode()
    return rezip(path, {
        "xl/threadedComments/threadedComment1.xml": thread,
        "xl/persons/person.xml": persons,
        "xl/worksheets/_rels/sheet1.xml.rels": _rels(
            path, "xl/worksheets/_rels/sheet1.xml.rels",
            _rel("rIdTc1", "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
                 "../threadedComments/threadedComment1.xml")),
        "xl/_rels/workbook.xml.rels": _rels(
            path, "xl/_rels/workbook.xml.rels",
            _rel("rIdP1", "http://schemas.microsoft.com/office/2017/10/relationships/person", "persons/person.xml")),
        "[Content_Types].xml": _types(
            path, _override("xl/threadedComments/threadedComment1.xml", "application/vnd.ms-excel.threadedcomments+xml"),
            _override("xl/persons/person.xml", "application/vnd.ms-excel.person+xml")),
    })


def add_external_link(path: Path) -> Path:
    link = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="{MAIN}" '
            f'xmlns:r="{R}"><externalBook r:id="rId1"><sheetNames><sheetName val="额度"/></sheetNames>'
            f'<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>5000</v></cell></row></sheetData>'
            f"</sheetDataSet></externalBook></externalLink>").encode()
    book = _insert(_read(path, "xl/workbook.xml"), b"<definedNames>",
                   b'<externalReferences><externalReference r:id="rIdX1"/></externalReferences>')
    return rezip(path, {
        "xl/externalLinks/externalLink1.xml": link,
        "xl/externalLinks/_rels/externalLink1.xml.rels": _rels(
            path, "xl/externalLinks/_rels/externalLink1.xml.rels",
            _rel("rId1", f"{R}/externalLinkPath", "file:///D:/%E4%BF%A1%E7%94%A8/%E9%A2%9D%E5%BA%A6.xlsx", True)),
        "xl/workbook.xml": book,
        "xl/_rels/workbook.xml.rels": _rels(path, "xl/_rels/workbook.xml.rels",
                                            _rel("rIdX1", f"{R}/externalLink", "externalLinks/externalLink1.xml")),
        "[Content_Types].xml": _types(path, _override(
            "xl/externalLinks/externalLink1.xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")),
    })


def add_custom_xml(path: Path) -> Path:
    item = '<?xml version="1.0" encoding="UTF-8" standalone="no"?><credit xmlns="urn:example:credit">审批流程 7</credit>'
    props = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?><ds:datastoreItem '
             'ds:itemID="{6C1D2E3F-4A5B-4C6D-8E7F-90A1B2C3D4E5}" '
             'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
             '<ds:schemaRefs><ds:schemaRef ds:uri="urn:example:credit"/></ds:schemaRefs></ds:datastoreItem>')
    return rezip(path, {
        "customXml/item1.xml": item.encode(),
        "customXml/itemProps1.xml": props.encode(),
        "customXml/_rels/item1.xml.rels": _rels(path, "customXml/_rels/item1.xml.rels",
                                                _rel("rId1", f"{R}/customXmlProps", "itemProps1.xml")),
        "xl/_rels/workbook.xml.rels": _rels(path, "xl/_rels/workbook.xml.rels",
                                            _rel("rIdC1", f"{R}/customXml", "../customXml/item1.xml")),
        "[Content_Types].xml": _types(path, _override(
            "customXml/itemProps1.xml", "application/vnd.openxmlformats-officedocument.customXmlProperties+xml")),
    })


def add_x14_validation(path: Path) -> Path:
    """A drop-down whose list is on another sheet, in the sheet's extLst (how Excel 2010+ stores it)."""
    ext = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
           'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
           '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
           '<x14:dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1">'
           "<x14:formula1><xm:f>数据!$A$1:$A$3</xm:f></x14:formula1><xm:sqref>C3</xm:sqref>"
           "</x14:dataValidation></x14:dataValidations></ext></extLst>")
    sheet = _insert(_read(path, "xl/worksheets/sheet1.xml"), b"</worksheet>", ext.encode())
    return rezip(path, {"xl/worksheets/sheet1.xml": sheet})


def add_activex(path: Path) -> Path:
    """An ActiveX check box on the form: its control part, its binary, and its shape in the sheet's VML."""
    ocx = (f'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ax:ocx '
           f'ax:classid="{{8BD21D40-EC42-11CE-9E0D-00AA006002F3}}" ax:persistence="persistStreamInit" '
           f'r:id="rId1" xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" xmlns:r="{R}"/>').encode()
    vml = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
           'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
           '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t201" coordsize="21600,21600" '
           'o:spt="201" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
           '<v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" o:connecttype="rect"/>'
           '<o:lock v:ext="edit" shapetype="t"/></v:shapetype><v:shape id="CheckBox1" o:spid="_x0000_s1025" '
           'type="#_x0000_t201" style="position:absolute;margin-left:300pt;margin-top:30pt;width:90pt;'
           'height:18pt;z-index:1" stroked="f"><v:imagedata o:relid="rId1" o:title=""/>'
           '<x:ClientData ObjectType="Pict"><x:SizeWithCells/><x:Anchor>4, 10, 2, 4, 5, 40, 3, 6</x:Anchor>'
           "<x:CF>Pict</x:CF><x:AutoPict/></x:ClientData></v:shape></xml>").encode()
    sheet = _read(path, "xl/worksheets/sheet1.xml")
    sheet = _insert(sheet, b"</worksheet>", b'<legacyDrawing r:id="rIdV1"/><controls>'
                    b'<control shapeId="1025" r:id="rIdAx1" name="CheckBox1"/></controls>')
    return rezip(path, {
        "xl/activeX/activeX1.xml": ocx,
        "xl/activeX/activeX1.bin": bytes(range(256)) * 4,
        "xl/activeX/_rels/activeX1.xml.rels": _rels(path, "xl/activeX/_rels/activeX1.xml.rels",
                                                    _rel("rId1", "http://schemas.microsoft.com/office/2006/relationships/activeXControlBinary", "activeX1.bin")),
        "xl/media/image1.emf": b"\x01\x00\x00\x00" + bytes(96),
        "xl/drawings/vmlDrawing1.vml": vml,
        "xl/drawings/_rels/vmlDrawing1.vml.rels": _rels(path, "xl/drawings/_rels/vmlDrawing1.vml.rels",
                                                        _rel("rId1", f"{R}/image", "../media/image1.emf")),
        "xl/worksheets/sheet1.xml": sheet,
        "xl/worksheets/_rels/sheet1.xml.rels": _rels(
            path, "xl/worksheets/_rels/sheet1.xml.rels", _rel("rIdV1", f"{R}/vmlDrawing", "../drawings/vmlDrawing1.vml"),
            _rel("rIdAx1", f"{R}/control", "../activeX/activeX1.xml")),
        "[Content_Types].xml": _types(
            path, '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>',
            '<Default Extension="emf" ContentType="image/x-emf"/>',
            '<Default Extension="bin" ContentType="application/vnd.ms-office.activeX"/>',
            _override("xl/activeX/activeX1.xml", "application/vnd.ms-office.activeX+xml")),
    })


def add_pivot_and_slicer(path: Path) -> Path:
    """A pivot table on the form over the 数据 sheet, and a slicer cache on it (parts as Excel names them)."""
    cache = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheDefinition xmlns="{MAIN}" '
             f'xmlns:r="{R}" r:id="rId1" refreshOnLoad="1" recordCount="3"><cacheSource type="worksheet">'
             f'<worksheetSource ref="A1:B4" sheet="数据"/></cacheSource><cacheFields count="2">'
             f'<cacheField name="客户" numFmtId="0"><sharedItems count="3"><s v="甲"/><s v="乙"/><s v="丙"/>'
             f'</sharedItems></cacheField><cacheField name="金额" numFmtId="0"><sharedItems containsSemiMixedTypes="0" '
             f'containsString="0" containsNumber="1" containsInteger="1" minValue="1" maxValue="3"/></cacheField>'
             f"</cacheFields></pivotCacheDefinition>").encode()
    records = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotCacheRecords xmlns="{MAIN}" '
               f'count="3"><r><x v="0"/><n v="1"/></r><r><x v="1"/><n v="2"/></r><r><x v="2"/><n v="3"/></r>'
               f"</pivotCacheRecords>").encode()
    table = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<pivotTableDefinition xmlns="{MAIN}" '
             f'name="透视表1" cacheId="7" dataCaption="值" updatedVersion="6" minRefreshableVersion="3" '
             f'createdVersion="6" useAutoFormatting="1" itemPrintTitles="1" indent="0" outline="1" outlineData="1">'
             f'<location ref="F1:G5" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/><pivotFields count="2">'
             f'<pivotField axis="axisRow" showAll="0"><items count="4"><item x="0"/><item x="1"/><item x="2"/>'
             f'<item t="default"/></items></pivotField><pivotField dataField="1" showAll="0"/></pivotFields>'
             f'<rowFields count="1"><field x="0"/></rowFields><rowItems count="4"><i><x/></i><i><x v="1"/></i>'
             f'<i><x v="2"/></i><i t="grand"><x/></i></rowItems><colItems count="1"><i/></colItems>'
             f'<dataFields count="1"><dataField name="求和项:金额" fld="1" baseField="0" baseItem="0"/></dataFields>'
             f"</pivotTableDefinition>").encode()
    slicer_cache = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<slicerCacheDefinition '
                    'xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" name="切片器_客户" '
                    'sourceName="客户"><pivotTables><pivotTable tabId="1" name="透视表1"/></pivotTables>'
                    '<data><tabular pivotCacheId="7"><items count="3"><i x="0" s="1"/><i x="1" s="1"/>'
                    '<i x="2" s="1"/></items></tabular></data></slicerCacheDefinition>').encode()
    book = _read(path, "xl/workbook.xml")
    book = _insert(book, b"</workbook>", b'<pivotCaches><pivotCache cacheId="7" r:id="rIdPc1"/></pivotCaches>')
    # the pivot table needs its source rows on 数据
    data_sheet = _read(path, "xl/worksheets/sheet2.xml")
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>客户</t></is></c><c r="B1" t="inlineStr"><is><t>金额</t></is>'
            '</c></row>' + "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{n}</t></is></c><c r="B{i}">'
                                   f"<v>{i - 1}</v></c></row>" for i, n in ((2, "甲"), (3, "乙"), (4, "丙"))))
    data_sheet = data_sheet.replace(b"<sheetData/>", b"<sheetData>" + rows.encode() + b"</sheetData>")
    return rezip(path, {
        "xl/worksheets/sheet2.xml": data_sheet,
        "xl/pivotCache/pivotCacheDefinition1.xml": cache,
        "xl/pivotCache/pivotCacheRecords1.xml": records,
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels": _rels(
            path, "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels",
            _rel("rId1", f"{R}/pivotCacheRecords", "pivotCacheRecords1.xml")),
        "xl/pivotTables/pivotTable1.xml": table,
        "xl/pivotTables/_rels/pivotTable1.xml.rels": _rels(
            path, "xl/pivotTables/_rels/pivotTable1.xml.rels",
            _rel("rId1", f"{R}/pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml")),
        "xl/slicerCaches/slicerCache1.xml": slicer_cache,
        "xl/workbook.xml": book,
        "xl/_rels/workbook.xml.rels": _rels(
            path, "xl/_rels/workbook.xml.rels",
            _rel("rIdPc1", f"{R}/pivotCacheDefinition", "pivotCache/pivotCacheDefinition1.xml"),
            _rel("rIdSc1", "http://schemas.microsoft.com/office/2007/relationships/slicerCache",
                 "slicerCaches/slicerCache1.xml")),
        "xl/worksheets/_rels/sheet1.xml.rels": _rels(path, "xl/worksheets/_rels/sheet1.xml.rels",
                                                     _rel("rIdPt1", f"{R}/pivotTable", "../pivotTables/pivotTable1.xml")),
        "[Content_Types].xml": _types(
            path,
            _override("xl/pivotCache/pivotCacheDefinition1.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"),
            _override("xl/pivotCache/pivotCacheRecords1.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"),
            _override("xl/pivotTables/pivotTable1.xml",
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml"),
            _override("xl/slicerCaches/slicerCache1.xml", "application/vnd.ms-excel.slicerCache+xml")),
    })


def add_signature(path: Path) -> Path:
    """The parts of a signed package (the signature itself need not verify for the writer to see it)."""
    return rezip(path, {
        "_xmlsignatures/origin.sigs": b"",
        "_xmlsignatures/sig1.xml": b'<?xml version="1.0" encoding="UTF-8"?><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"/>',
        "_rels/.rels": _rels(path, "_rels/.rels", _rel(
            "rIdSig", "http://schemas.openxmlformats.org/package/2006/relationships/digital-signature/origin",
            "_xmlsignatures/origin.sigs")),
        "[Content_Types].xml": _types(
            path, '<Default Extension="sigs" ContentType="application/vnd.openxmlformats-package.digital-signature-origin"/>',
            _override("_xmlsignatures/sig1.xml",
                      "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml")),
    })
