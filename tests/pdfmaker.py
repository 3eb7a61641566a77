"""Small PDFs written byte by byte for the evidence tests, so that no font file is needed.

``text_pdf`` writes a real text layer: a Type0 font with Identity-H encoding whose
ToUnicode map sends each code to its own code point, so CJK text needs no embedded font
(a viewer shows boxes; text extraction reads the characters). ``scanned_pdf`` is a page
holding only an image, as a scanner makes it.
"""

from __future__ import annotations


def _document(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
            .encode())
    return bytes(out)


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra}>>\nstream\n".encode() + data + b"\nendstream"


def text_pdf(lines: list[str]) -> bytes:
    chars = sorted({c for line in lines for c in line if ord(c) < 0x10000})
    cmap_lines = []
    for i in range(0, len(chars), 100):
        block = chars[i:i + 100]
        cmap_lines.append(f"{len(block)} beginbfchar")
        cmap_lines += [f"<{ord(c):04X}> <{ord(c):04X}>" for c in block]
        cmap_lines.append("endbfchar")
    cmap = ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
            + "\n".join(cmap_lines)
            + "\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode()
    content = []
    y = 780
    for line in lines:
        code = "".join(f"{ord(c):04X}" for c in line if ord(c) < 0x10000)
        content.append(f"BT /F1 11 Tf 40 {y} Td <{code}> Tj ET")
        y -= 18
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream("\n".join(content).encode()),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /NotoSansCJKsc-Regular /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /NotoSansCJKsc-Regular "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 8 0 R /DW 1000 >>",
        _stream(cmap),
        b"<< /Type /FontDescriptor /FontName /NotoSansCJKsc-Regular /Flags 4 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 700 /StemV 80 >>",
    ]
    return _document(objects)


def scanned_pdf() -> bytes:
    pixels = bytes(range(256)) * 64  # 128 x 128 grey "scan"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        _stream(b"q 500 0 0 700 40 60 cm /Im1 Do Q"),
        _stream(pixels, "/Type /XObject /Subtype /Image /Width 128 /Height 128 "
                        "/ColorSpace /DeviceGray /BitsPerComponent 8 "),
    ]
    return _document(objects)
