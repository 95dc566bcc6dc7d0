#!/usr/bin/env python3
"""Write fuzz/seeds/read_xlsb/roster.xlsb: a small 党员花名册 in Excel's binary format (BIFF12),
and tests/fixtures/hostile/xlsb_unknown_relationship.xlsb: the same workbook whose sheet names
a relationship id that the workbook does not have (calamine 0.38 panics on it; the per-file
catch_unwind must turn that into an S002).

No fixture of the project is .xlsb and no writer for it is at hand, so the seed is built
record by record (MS-XLSB): a workbook with one sheet, shared strings, two cell styles
(General and the built-in date format 14) and cells of every kind calamine reads (shared
string, inline string, RK integer, RK date, real, bool, error).
Run: python3 fuzz/make_xlsb_seed.py
"""
import io
import os
import struct
import zipfile


def rec(typ, body=b""):
    out = bytearray()
    if typ < 0x80:
        out.append(typ)
    else:
        out += bytes([(typ & 0x7F) | 0x80, typ >> 7])
    n = len(body)
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            break
    return bytes(out) + body


def wstr(s):
    u = s.encode("utf-16-le")
    return struct.pack("<I", len(u) // 2) + u


def workbook(rel_id="rId1"):
    return b"".join([
        rec(0x83),                                              # BrtBeginBook
        rec(0x99, struct.pack("<II", 0, 0) + wstr("")),         # BrtWbProp (1900 dates)
        rec(0x8F),                                              # BrtBeginBundleShs
        rec(0x9C, struct.pack("<II", 0, 1) + wstr(rel_id) + wstr("党员花名册")),
        rec(0x90),                                              # BrtEndBundleShs
        rec(0x84),                                              # BrtEndBook
    ])


STRINGS = ["序号", "姓名", "性别", "出生日期", "入党日期", "党员类别", "王喆", "男", "正式党员"]


def shared_strings():
    items = [rec(0x13, b"\x00" + wstr(s)) for s in STRINGS]   # BrtSSTItem
    return rec(0x9F, struct.pack("<II", len(STRINGS), len(STRINGS))) + b"".join(items) + rec(0xA0)


def styles():
    xf = lambda fmt: rec(0x2F, struct.pack("<HH", 0, fmt) + b"\x00" * 12)  # BrtXF
    return b"".join([
        rec(0x267, struct.pack("<I", 0)),                       # BrtBeginFmts
        rec(0x269, struct.pack("<I", 2)), xf(0), xf(14),        # BrtBeginCellXFs
        rec(0x26A),
    ])


def cell(col, style, rest):
    return struct.pack("<II", col, style) + rest


def rk_int(v):
    return struct.pack("<i", (v << 2) | 2)


def row(r):
    return rec(0x00, struct.pack("<IIH", r, 0, 300) + b"\x00\x00\x00" + struct.pack("<I", 0))


def sheet():
    isst = lambda c, i: rec(0x07, cell(c, 0, struct.pack("<I", i)))
    body = [
        rec(0x81),                                              # BrtBeginSheet
        rec(0x94, struct.pack("<IIII", 0, 2, 0, 6)),            # BrtWsDim A1:G3
        rec(0x91),                                              # BrtBeginSheetData
        row(0), *[isst(c, c) for c in range(6)],
        row(1),
        rec(0x02, cell(0, 0, rk_int(1))),                       # BrtCellRk 1
        isst(1, 6), isst(2, 7),
        rec(0x02, cell(3, 1, rk_int(23847))),                   # 1965-04-12 as a date
        rec(0x05, cell(4, 1, struct.pack("<d", 32690.0))),      # BrtCellReal, date 1989-07-01
        isst(5, 8),
        rec(0x04, cell(6, 0, b"\x01")),                         # BrtCellBool
        row(2),
        rec(0x02, cell(0, 0, rk_int(2))),
        rec(0x06, cell(1, 0, wstr("李红"))),                    # BrtCellSt
        rec(0x06, cell(2, 0, wstr("女"))),
        rec(0x06, cell(3, 0, wstr("1971.8.23"))),
        rec(0x03, cell(4, 0, b"\x2A")),                         # BrtCellError #N/A
        rec(0x06, cell(5, 0, wstr("预备党员"))),
        rec(0x92),                                              # BrtEndSheetData
        rec(0x82),                                              # BrtEndSheet
    ]
    return b"".join(body)


CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>"""
WB_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.bin"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.bin"/></Relationships>"""


def xlsb(rel_id="rId1"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [
            ("[Content_Types].xml", CONTENT_TYPES.encode()),
            ("_rels/.rels", RELS.encode()),
            ("xl/workbook.bin", workbook(rel_id)),
            ("xl/_rels/workbook.bin.rels", WB_RELS.encode()),
            ("xl/sharedStrings.bin", shared_strings()),
            ("xl/styles.bin", styles()),
            ("xl/worksheets/sheet1.bin", sheet()),
        ]:
            info = zipfile.ZipInfo(name, date_time=(2024, 7, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for rel, rel_id in [
        ("seeds/read_xlsb/roster.xlsb", "rId1"),
        ("../tests/fixtures/hostile/xlsb_unknown_relationship.xlsb", "rId9"),
    ]:
        out = os.path.normpath(os.path.join(here, rel))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        data = xlsb(rel_id)
        with open(out, "wb") as f:
            f.write(data)
        print(out, len(data), "bytes")


if __name__ == "__main__":
    main()
