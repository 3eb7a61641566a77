"""FL306, FL601-FL603: counts, numbering and paragraphs hold together."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from factlint.documents import book_of
from factlint.finding import Finding
from factlint.lazyre import lazy
from factlint.messages import Message
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.document import Document, NumberedItem
    from factlint.rules import Context

COUNT_UNITS = frozenset("类 大 个 项 种 方面 条 点 家 部分 领域 "
                        "方向 路径 环节 步 招 式 型 化".split())
STYLE_SHAPES = {
    "cn_dun": "一、", "cn_paren": "（一）", "cn_shi": "一是", "ar_dun": "1、",
    "ar_paren": "(1)", "ar_dot": "1.", "circled": "①", "list": "1.", "cn_article": "第一条",
}
HIERARCHICAL = ("decimal", "dashed")  # 13.1.2, 3-1: numbered by their parents, walked apart
# series a heading is expected to open at one: a (2) heading without its (1) lost a section
STARTS_AT_ONE = ("cn_dun", "cn_paren", "ar_paren", "ar_dun", "circled", "cn_article")


def _subsections(doc: Document, index: int) -> int:
    level = doc.headings[index].level
    count = 0
    child_level = None
    for heading in doc.headings[index + 1 :]:
        if heading.level <= level:
            break
        child_level = child_level or heading.level
        if heading.level == child_level:
            count += 1
    return count


def check_count(ctx: Context) -> Iterator[Finding]:
    """A stated count disagrees with what it counts.

    "五类" before a list of four, "以下三个方面" over a list of four, or a heading
    "五类…" over four sub-sections, means an item was dropped or added without the
    framing being updated.

    Bad:
        各地形成数据驱动、技术赋能、平台支撑、产业融通五类形态。

    Good:
        各地形成数据驱动、技术赋能、平台支撑、产业融通四类形态。
    """
    doc = ctx.doc
    for count in doc.list_counts:
        figure = count.figure
        if count.items and figure.value != len(count.items):
            yield COUNT.at(
                doc, figure.start, figure.end,
                Message("FL306.list-after", figure=doc.text[figure.start:figure.end],
                        count=f"{figure.value:g}", items=len(count.items),
                        listed="、".join(count.items)),
            )
    for enumeration in doc.enumerations:
        figure = enumeration.figure
        if figure.value != len(enumeration.items):
            yield COUNT.at(
                doc, figure.start, figure.end,
                Message("FL306.list-before", figure=doc.text[figure.start:figure.end],
                        count=f"{figure.value:g}", items=len(enumeration.items),
                        listed="、".join(enumeration.items)),
            )
    for index, heading in enumerate(doc.headings):
        figures = doc.heading_figures.get(heading.start, ())
        if not figures:
            continue
        title = _title_start(doc, heading)
        counts = [f for f in figures if f.unit in COUNT_UNITS and f.qualifier == "exact"
                  and f.start == title]
        if not counts:
            continue
        subsections = _subsections(doc, index)
        figure = counts[0]
        if subsections and figure.value != subsections:
            yield COUNT.at(
                doc, figure.start, figure.end,
                Message("FL306.sub-sections", figure=doc.text[figure.start:figure.end],
                        count=f"{figure.value:g}", subsections=subsections),
            )


def _title_start(doc: Document, heading) -> int:
    """Where a heading's words begin, after its enumerator (二、) and spaces."""
    start = heading.start
    for item in doc.numbered_items:
        if item.block == "heading" and item.start == heading.start:
            start = item.end
            break
    while start < heading.end and doc.text[start] in " \t\u3000":
        start += 1
    return start


@dataclass(eq=False, repr=False)
class _Series:
    """A numbering series being read: its style, last number and where it began."""

    style: str
    last: int
    level: int  # heading level of its first item, 0 for paragraphs and lists
    first: NumberedItem
    depth: int = 0  # the list nesting level of its first item (1: outermost), 0 outside lists


def _numbering_events(doc: Document):
    """Numbered items and unnumbered headings, in document order."""
    numbered = sorted({item.start for item in doc.numbered_items if item.block == "heading"})
    events = [(item.start, item) for item in doc.numbered_items]
    for heading in doc.headings:
        index = bisect_left(numbered, heading.start)  # the first item at or after it
        if index == len(numbered) or numbered[index] >= max(heading.end, heading.start + 1):
            events.append((heading.start, heading))
    events.sort(key=lambda pair: pair[0])
    return [event for _, event in events]


def _numbering(ctx: Context):
    """(item, series, the series' last number before the item) for each item
    ``_walk_numbering`` yields, and the list depths: walked once for FL601 and FL602."""
    doc = ctx.doc

    def walk():
        depth_of = _list_depths(doc)
        return [(item, series, series.last)  # the walk moves `last` on after each item
                for item, series in _walk_numbering(doc, depth_of)], depth_of

    return book_of(doc, ctx.book).memo(("numbering", doc.path), walk)


def _walk_numbering(doc: Document, depth_of):
    """Yield (item, series) for each item whose number or level is out of line; ``depth_of``
    is ``_list_depths(doc)``."""
    stack: list[_Series] = []
    lists: dict[int, _Series] = {}  # by nesting level
    last_list_end = -1
    between = _Between(doc)
    first_heading = min((i.start for i in doc.numbered_items if i.block == "heading"),
                        default=None)
    for event in _numbering_events(doc):
        if not hasattr(event, "style") or event.style in HIERARCHICAL:
            # a heading without (series) numbering closes deeper series
            level = getattr(event, "heading_level", None) or event.level
            stack = [s for s in stack if s.level and s.level < level]
            lists.clear()
            continue
        item = event
        if item.block == "list":
            depth = depth_of(item)
            series = lists.get(depth)
            if series is not None and between.any(last_list_end, item.start):
                lists, series = {}, None
            # 3. nested under 2. (or back out after a nested 2.) continues the other
            # level's list: the nesting, not the number, is wrong (FL601)
            other = next((s for d, s in lists.items() if d != depth and item.value > 1
                          and item.value == s.last + 1), None)
            if other is not None and (series is None or item.value != series.last + 1):
                yield item, other
                other.last = item.value
                if series is None:
                    lists[depth] = _Series("list", item.value, 0, item, depth)
                else:
                    series.last = item.value
            elif series is None:
                lists = {d: s for d, s in lists.items() if d < depth}
                lists[depth] = _Series("list", item.value, 0, item, depth)
            else:
                yield item, series
                series.last = item.value
            last_list_end = item.end
            continue
        if item.block == "heading":
            stack = [s for s in stack if s.level]  # paragraph series end at a heading
        found = next((i for i, s in enumerate(stack) if s.style == item.style), None)
        if found is not None and item.value == 1 and item.block != "heading":
            del stack[found:]  # a list that starts again at one is a new list
            found = None
        if found is None:
            series = _Series(item.style, item.value, item.heading_level, item, depth_of(item))
            stack.append(series)
            # not the first numbered heading of the file (a chapter that continues another)
            if (item.block == "heading" and item.value > 1 and item.style in STARTS_AT_ONE
                    and first_heading < item.start):
                yield item, _Series(item.style, 0, item.heading_level, item)
            continue
        del stack[found + 1 :]
        series = stack[found]
        yield item, series
        series.last = item.value


def _list_depths(doc: Document):
    """A function giving the list nesting level (1: outermost) of the list item an item
    opens, 0 outside lists. A list item is nested in the one before it when its marker
    stands at or past that item's text, as Markdown reads it (" 2)" under "1) " is not);
    inside a blockquote, the marker's column stands for its level."""
    starts, depths = [], []
    open_items: list[int] = []  # the text columns of the enclosing list items
    for paragraph in doc.paragraphs:
        end = doc.text.find("\n", paragraph.start)
        line = doc.text[paragraph.start : end if end >= 0 else len(doc.text)]
        marker = _LIST_MARKER.match(line)
        if paragraph.kind != "list" or marker is None:
            if paragraph.kind != "list" and not line.startswith((" ", "\t")):
                open_items = []
            continue
        indent = len(marker.group(1).expandtabs(4))
        while open_items and indent < open_items[-1]:
            open_items.pop()
        starts.append(paragraph.start)
        depths.append(len(open_items) + 1)
        gap = len(marker.group(3).expandtabs(4))
        open_items.append(indent + len(marker.group(2)) + (gap if 0 < gap <= 4 else 1))

    def depth_of(item: NumberedItem) -> int:
        if item.block not in ("list", "paragraph"):
            return 0
        index = bisect_right(starts, item.start) - 1
        if index >= 0 and doc.text.find("\n", starts[index], item.start) < 0:
            return depths[index]
        return doc.position(item.start)[1] if item.block == "list" else 0

    return depth_of


_LIST_MARKER = lazy(r"([ \t]*)([-*+]|\d{1,9}[.)])([ \t]*)")


def _walk_hierarchy(doc: Document):
    """Yield (item, expected path, path before) for each 13.1.2-style heading that does not
    follow the one before (the next sibling, a first child, or the next of an ancestor) and
    differs from what was expected in one place: a skip, a repeat, a dropped digit. Paths
    that differ in more places are a jump (an excerpt), not a slip."""
    last: dict[str, tuple[tuple[int, ...], ...]] = {}
    seen: set[tuple[str, tuple[int, ...]]] = set()
    top = 7  # the highest level (smallest number) a numbered heading has had
    numbered = [i for i in doc.numbered_items if i.style in HIERARCHICAL and i.block == "heading"]
    starts = [i.start for i in numbered]
    for heading in doc.headings:
        index = bisect_left(starts, heading.start)
        item = (numbered[index] if index < len(numbered) and numbered[index].start < heading.end
                else None)
        if item is None:
            if heading.level < top:  # a new part above the numbered sections: they restart
                last.clear()
                seen.clear()
            continue
        top = min(top, heading.level)
        path, before = item.path, last.get(item.style)
        if 0 in path:
            continue  # 1.2.0: a version, not a section
        repeated = (item.style, path) in seen
        seen.add((item.style, path))
        if before is None or (any(_follows(b, path) for b in before) and not repeated):
            last[item.style] = (path,)
            continue
        b = before[-1]
        if repeated:  # a number an earlier heading already has; its children start afresh
            expected = (b[: len(path) - 1] + (b[len(path) - 1] + 1,) if len(path) <= len(b)
                        else b + (1,) * (len(path) - len(b)))
            yield item, expected, path
            seen -= {(style, p) for style, p in seen
                     if len(p) > len(path) and p[: len(path)] == path}
            last[item.style] = (path,)
            continue
        expected = (b[: len(path) - 1] + (b[len(path) - 1] + 1,)
                    if len(path) <= len(b) else b + (1,) * (len(path) - len(b)))
        differ = [(x, y) for x, y in zip(path, expected, strict=True) if x != y]
        # a skip, a repeat or a dropped digit (3.1.2 for 13.1.2); not a list counting down
        if len(differ) == 1 and (path >= b or str(differ[0][1]).endswith(str(differ[0][0]))):
            yield item, expected, b
            last[item.style] = (path, expected)  # what follows may continue either
        else:
            last[item.style] = (path,)


def _follows(before: tuple[int, ...], path: tuple[int, ...]) -> bool:
    for k in range(min(len(path), len(before) + 1)):
        if path[:k] != before[:k]:
            return False
        if k == len(before):  # a first child (or grandchild) of the heading before
            return all(n == 1 for n in path[k:])
        if path[k] == before[k] + 1 and all(n == 1 for n in path[k + 1 :]):
            return True
    return False


class _Between:
    """Is there a non-list paragraph between two list items? (by bisection: a list item
    per paragraph of a long document would make a scan quadratic)"""

    def __init__(self, doc: Document):
        self.starts = sorted(p.start for p in doc.paragraphs if p.kind != "list")

    def any(self, previous_end: int, start: int) -> bool:
        index = bisect_right(self.starts, previous_end)
        return index < len(self.starts) and self.starts[index] < start


def check_heading_levels(ctx: Context) -> Iterator[Finding]:
    """Headings of one numbering series at different levels.

    "### （一）" then "## （二）" renders the second item as a parent of the first's
    siblings: the outline is broken, usually by a slip during conversion from Word. The
    same holds for list items: a "3." nested under "2.", or "- （二）" indented deeper
    than "- （一）", continues a series at another level of the list.

    Bad:
        ## 一、总体情况

        ### （一）现状

        ## （二）问题

    Good:
        ## 一、总体情况

        ### （一）现状

        ### （二）问题
    """
    doc = ctx.doc
    walked, depth_of = _numbering(ctx)
    for item, series, _ in walked:
        if item.block == "heading" and series.level and item.heading_level != series.level:
            yield HEADING_LEVEL.at(
                doc, item.start, item.end,
                Message("FL601.heading-level", heading=doc.text[item.start:item.end],
                        level=item.heading_level,
                        first=doc.text[series.first.start:series.first.end],
                        series_level=series.level, marks="#" * series.level),
            )
            continue
        depth = depth_of(item) if series.depth else 0
        if depth and depth != series.depth:
            yield HEADING_LEVEL.at(
                doc, item.start, item.end,
                Message("FL601.list-level", item=doc.text[item.start:item.end], depth=depth,
                        first=doc.text[series.first.start:series.first.end],
                        series_depth=series.depth),
            )


def check_numbering(ctx: Context) -> Iterator[Finding]:
    """Enumerators that skip or repeat: 一、二、四 / （一）（三） / 一是、二是、四是 / 1. 2. 4.

    A skipped or repeated number usually means a section was deleted, moved or pasted twice.
    Markdown lists numbered all "1." are fine: Markdown counts them itself.

    Bad:
        ### （一）现状

        ### （三）对策

    Good:
        ### （一）现状

        ### （二）对策
    """
    doc = ctx.doc
    for item, series, last in _numbering(ctx)[0]:
        if item.value == last + 1:
            continue
        if item.block == "list" and item.value == last == series.first.value == 1:
            continue
        shape = STYLE_SHAPES[item.style]
        written = doc.text[item.start : item.end]
        if last == 0:
            yield NUMBERING.at(
                doc, item.start, item.end,
                Message("FL602.opens-at", written=written, shape=shape, value=item.value),
            )
            continue
        problem = ("FL602.repeats" if item.value == last else
                   "FL602.skips" if item.value > last else "FL602.goes-back")
        yield NUMBERING.at(
            doc, item.start, item.end,
            Message(problem, written=written, last=last, value=item.value, shape=shape,
                    expected=last + 1),
        )
    for item, expected, before in _walk_hierarchy(doc):
        separator = "-" if item.style == "dashed" else "."
        problem = "FL602.repeats-heading" if item.path == before else "FL602.does-not-follow"
        yield NUMBERING.at(
            doc, item.start, item.end,
            Message(problem, written=doc.text[item.start:item.end],
                    expected=separator.join(map(str, expected))),
        )


def check_split_paragraph(ctx: Context) -> Iterator[Finding]:
    """A paragraph interrupted by footnote definitions (a page break from the original layout).

    Converted from Word or PDF, a paragraph often stops mid-sentence at the page bottom,
    the footnotes follow, and the sentence resumes after them. factlint reads it as one
    paragraph; `factlint fix` moves the definitions out and rejoins it.

    Bad:
        国家在十个省份布局试验区，以试

        <sup>1</sup> 来源：某部，《关于试验区的通知》

        验区为抓手推动数据市场繁荣<sup>1</sup>。

    Good:
        国家在十个省份布局试验区，以试验区为抓手推动数据市场繁荣<sup>1</sup>。

        <sup>1</sup> 来源：某部，《关于试验区的通知》
    """
    doc = ctx.doc
    split = [p for p in doc.paragraphs if p.splits]
    if not split:
        return
    from factlint.rejoin import rejoin_fixes  # the edits `factlint fix` would make

    fixes = {id(paragraph): fix for paragraph, fix in rejoin_fixes(doc)}
    for paragraph in split:
        for index, split in enumerate(paragraph.splits):
            resume = paragraph.pieces[index + 1][0]
            resume_line, _ = doc.position(resume)
            yield SPLIT_PARAGRAPH.at(
                doc, max(split - 1, paragraph.pieces[index][0]), split,
                Message("FL603.split", line=resume_line),
                fix=fixes.get(id(paragraph)),
            )


COUNT = Rule("FL306", "count-mismatch", "warning", check_count)
HEADING_LEVEL = Rule("FL601", "heading-level-mismatch", "warning", check_heading_levels)
NUMBERING = Rule("FL602", "numbering-sequence", "warning", check_numbering)
SPLIT_PARAGRAPH = Rule("FL603", "split-paragraph", "warning", check_split_paragraph, fixable=True)

RULES = (COUNT, HEADING_LEVEL, NUMBERING, SPLIT_PARAGRAPH)
