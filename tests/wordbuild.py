"""Build Word briefs for the tests: python-docx for the body, lxml for the footnotes part.

A brief is a list of blocks:

- ``("title", text)``, ``("heading", level, text)``: styled Title / Heading N paragraphs;
- ``("p", *pieces)``: a paragraph; a piece is plain text, ``("note", text)`` (a real
  footnote whose note says ``text``, or ``(text, url)``), ``("endnote", text)``,
  ``("sup", "25")`` (a run in superscript, typed by hand), ``("bold", text)``,
  ``("link", text, url)`` (a w:hyperlink) or ``("field", text, url)`` (a HYPERLINK field);
- ``("table", [[cell, …], …])``.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.{}+xml"


def _superscript_run(paragraph, text: str = ""):
    run = paragraph.add_run(text)
    run.font.superscript = True
    return run


def _hyperlink(paragraph, text: str, url: str) -> None:
    rid = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)


def _field(paragraph, text: str, url: str) -> None:
    def char(kind):
        run = OxmlElement("w:r")
        mark = OxmlElement("w:fldChar")
        mark.set(qn("w:fldCharType"), kind)
        run.append(mark)
        paragraph._p.append(run)

    char("begin")
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f' HYPERLINK "{url}" '
    run.append(instr)
    paragraph._p.append(run)
    char("separate")
    paragraph.add_run(text)
    char("end")


class _Notes:
    """The footnotes (or endnotes) part, written with lxml."""

    def __init__(self, kind: str):
        self.kind = kind  # footnote | endnote
        self.root = etree.Element(f"{{{W}}}{kind}s", nsmap={"w": W})
        for number, name in ((-1, "separator"), (0, "continuationSeparator")):
            note = etree.SubElement(self.root, f"{{{W}}}{kind}",
                                    {f"{{{W}}}type": name, f"{{{W}}}id": str(number)})
            run = etree.SubElement(etree.SubElement(note, f"{{{W}}}p"), f"{{{W}}}r")
            etree.SubElement(run, f"{{{W}}}{name}")
        self.next_id = 1

    def add(self, text) -> int:
        """A note saying ``text``, or ``(text, url)``: the URL as a HYPERLINK field after it."""
        text, url = (text, None) if isinstance(text, str) else text
        number = self.next_id
        self.next_id += 1
        note = etree.SubElement(self.root, f"{{{W}}}{self.kind}", {f"{{{W}}}id": str(number)})
        paragraph = etree.SubElement(note, f"{{{W}}}p")
        mark = etree.SubElement(paragraph, f"{{{W}}}r")
        props = etree.SubElement(mark, f"{{{W}}}rPr")
        etree.SubElement(props, f"{{{W}}}vertAlign", {f"{{{W}}}val": "superscript"})
        etree.SubElement(mark, f"{{{W}}}{self.kind}Ref")
        run = etree.SubElement(paragraph, f"{{{W}}}r")
        t = etree.SubElement(run, f"{{{W}}}t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = " " + text
        if url:
            for kind, value in (("begin", None), ("instr", f' HYPERLINK "{url}" '),
                                ("separate", None), ("text", url), ("end", None)):
                run = etree.SubElement(paragraph, f"{{{W}}}r")
                if kind == "instr":
                    etree.SubElement(run, f"{{{W}}}instrText").text = value
                elif kind == "text":
                    etree.SubElement(run, f"{{{W}}}t").text = value
                else:
                    etree.SubElement(run, f"{{{W}}}fldChar", {f"{{{W}}}fldCharType": kind})
        return number

    def attach(self, document) -> None:
        if self.next_id == 1:
            return
        blob = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)
        part = Part(PackURI(f"/word/{self.kind}s.xml"), NOTES_TYPE.format(self.kind + "s"),
                    blob, document.part.package)
        document.part.relate_to(part, f"{RT.FOOTNOTES[:-len('footnotes')]}{self.kind}s")


def _reference(paragraph, kind: str, number: int) -> None:
    run = _superscript_run(paragraph)
    reference = OxmlElement(f"w:{kind}Reference")
    reference.set(qn("w:id"), str(number))
    run._r.append(reference)


def build(blocks, path: Path) -> Path:
    """Write the brief ``blocks`` describe to ``path`` (a .docx) and return the path."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)
    style.element.rPr.get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Sans CJK SC")
    notes = {"footnote": _Notes("footnote"), "endnote": _Notes("endnote")}
    for block in blocks:
        kind = block[0]
        if kind == "title":
            document.add_heading(block[1], level=0)
        elif kind == "heading":
            document.add_heading(block[2], level=block[1])
        elif kind == "table":
            rows = block[1]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for row, values in zip(table.rows, rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        else:
            paragraph = document.add_paragraph()
            for piece in block[1:]:
                if isinstance(piece, str):
                    paragraph.add_run(piece)
                elif piece[0] in ("note", "endnote"):
                    kind = "footnote" if piece[0] == "note" else "endnote"
                    _reference(paragraph, kind, notes[kind].add(piece[1]))
                elif piece[0] == "sup":
                    _superscript_run(paragraph, piece[1])
                elif piece[0] == "bold":
                    paragraph.add_run(piece[1]).bold = True
                elif piece[0] == "link":
                    _hyperlink(paragraph, piece[1], piece[2])
                elif piece[0] == "field":
                    _field(paragraph, piece[1], piece[2])
    for part in notes.values():
        part.attach(document)
    document.save(str(path))
    return path


# --- the Chinese brief in the reference brief's shape (our own sentences) ----------------------

SAME_SOURCE = "来源：江城日报，《低空物流航线加密 无人机配送走进社区》"


def chinese_brief():
    """Title, 一、 with （一） at level 3 and （二） slipped to level 2 (FL601), real footnotes
    after each sourced sentence, notes 6 and 9 naming one source (FL105), 一是/二是 advice."""
    return [
        ("title", "关于加快培育我市低空经济产业集群的几点思考"),
        ("p", "低空经济是培育新质生产力的重要方向，也是拓展城市立体空间的新赛道。"
              "兄弟城市的探索为我市谋划低空产业布局提供了有益借鉴。"),
        ("heading", 1, "一、低空经济产业发展的总体态势"),
        ("heading", 2, "（一）国家层面的政策布局"),
        ("p", "国家层面持续完善低空经济顶层设计，出台无人驾驶航空器飞行管理相关条例",
              ("note", "来源：国务院、中央军委，《无人驾驶航空器飞行管理暂行条例》"),
              "，明确分类管理要求。有关部门将低空经济列为战略性新兴产业",
              ("note", "来源：新华社，《低空经济写入政府工作报告》"),
              "。在上海、深圳等6个城市开展低空飞行服务试点，推动空域分类管理改革",
              ("note", "来源：民航局网站，《六城启动低空飞行服务保障体系试点》"), "。"),
        ("heading", 1, "（二）地方层面的集聚方向"),
        ("p", "各地依托产业基础谋划差异化布局，其中长三角、珠三角、成渝三大区域集聚效应明显",
              ("note", "来源：赛迪研究院，《中国低空经济发展研究报告》"),
              "。深圳市低空经济企业超过1700家",
              ("note", "来源：深圳市工业和信息化局，《深圳低空经济产业发展情况通报》"),
              "，无人机物流配送航线已开通200余条",
              ("note", SAME_SOURCE), "。"),
        ("heading", 1, "二、先行城市的主要做法"),
        ("heading", 2, "（一）以场景开放带动产业集聚"),
        ("p", "合肥市开放城市治理、应急救援等应用场景，累计发布场景清单120项",
              ("note", "来源：合肥市发展改革委，《低空应用场景机会清单》"),
              "。成都市建成低空飞行服务站3个",
              ("note", "来源：四川日报，《成都低空飞行服务站投用》"), "。"),
        ("heading", 2, "（二）以平台建设夯实发展基础"),
        ("p", "江城市搭建低空飞行数字化管理平台，实现航线审批线上办理",
              ("note", SAME_SOURCE), "。"),
        ("heading", 1, "三、推动我市低空经济发展的建议"),
        ("p", "一是统筹空域资源规划。建议我市梳理可用空域，分区分类划设低空航线。"),
        ("p", "二是培育壮大市场主体。建议我市引育整机制造和运营服务企业，完善本地配套。"),
        ("p", "（执笔人：林舟）"),
    ]


def paragraph_texts(path: Path) -> list[str]:
    """Every paragraph's text, body then notes, as python-docx and the XML show it."""
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return texts


def paragraph_texts_of_blocks(blocks) -> list[str]:
    """The text of each body paragraph the blocks make, in order (a table's cells too)."""
    texts = []
    for block in blocks:
        if block[0] == "title":
            texts.append(block[1])
        elif block[0] == "heading":
            texts.append(block[2])
        elif block[0] == "table":
            texts.extend(cell for row in block[1] for cell in row)
        else:
            texts.append("".join(
                piece if isinstance(piece, str) else piece[1]
                for piece in block[1:] if isinstance(piece, str) or piece[0] not in (
                    "note", "endnote")))
    return texts
