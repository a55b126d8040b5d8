"""A Word file's paragraphs: DOCX read with python-docx (heading styles, bold, automatic
numbering written out as the reader sees it), DOC converted to text by Debian's catdoc (or
antiword)."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from extraction.blocks import Block
from extraction.reflow import text_blocks
from extraction.text import clean_text

_HEADING_STYLE_RE = re.compile(r"^(heading|标题)\s*(\d)$", re.I)
CONVERT_SECONDS = 60
_CN_DIGITS = "零一二三四五六七八九"
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


class WordError(ValueError):
    """The Word file cannot be read."""


@dataclass
class WordText:
    """The paragraphs of a Word file and the title its properties give."""

    blocks: list[Block]
    title: str | None = None
    properties: dict[str, str] = field(default_factory=dict)


def _chinese_count(number: int) -> str:
    """一, 十, 十二, 二十三… as Word's chineseCounting writes a list number."""
    if number < 10:
        return _CN_DIGITS[number]
    tens, ones = divmod(number, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def _roman(number: int) -> str:
    values = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in values:
        while number >= value:
            out += letters
            number -= value
    return out


_FORMATS = {
    "decimal": str,
    "chineseCounting": _chinese_count,
    "chineseCountingThousand": _chinese_count,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "decimalFullWidth": lambda n: str(n).translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    ),
}


class _Numbering:
    """Writes out the labels of automatically numbered paragraphs ("一、", "（一）", "1.")."""

    def __init__(self, document: Document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {a.get(qn("w:abstractNumId")): a for a in root.iterfind(qn("w:abstractNum"))}
        for num in root.iterfind(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            definition = abstract.get(ref.get(qn("w:val")) if ref is not None else None)
            if definition is not None:
                self.levels[num.get(qn("w:numId"))] = self._levels(definition)

    @staticmethod
    def _levels(definition: etree._Element) -> dict[int, tuple[str, str, int]]:
        levels = {}
        for lvl in definition.iterfind(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            text = lvl.find(qn("w:lvlText"))
            start = lvl.find(qn("w:start"))
            levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                text.get(qn("w:val"), "") if text is not None else "",
                int(start.get(qn("w:val"), "1")) if start is not None else 1,
            )
        return levels

    def label(self, paragraph: Paragraph) -> str:
        """The number a paragraph shows, counted in document order ("" when none)."""
        found = _num_properties(paragraph)
        if found is None or found[0] not in self.levels:
            return ""
        num_id, level = found
        levels = self.levels[num_id]
        counters = self.counters.setdefault(num_id, [0] * 10)
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0
        fmt, text, _ = levels.get(level, ("decimal", f"%{level + 1}.", 1))

        def number(match: re.Match[str]) -> str:
            index = int(match[1]) - 1
            fmt_at, _, start = levels.get(index, ("decimal", "", 1))
            value = max(counters[index], 1) + start - 1
            return _FORMATS.get(fmt_at if index != level else fmt, str)(value)

        return "" if fmt in ("bullet", "none") else re.sub(r"%(\d)", number, text)


def _num_properties(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, level) of a paragraph's numbering, its own or its style's."""
    for holder in (paragraph._p.pPr, _style_ppr(paragraph)):  # python-docx's oxml elements
        num_pr = holder.find(qn("w:numPr")) if holder is not None else None
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        if num_id is not None and num_id.get(qn("w:val")) != "0":
            return num_id.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
    return None


def _style_ppr(paragraph: Paragraph) -> etree._Element | None:
    style = paragraph.style
    return style.element.pPr if style is not None else None


def _paragraph_block(paragraph: Paragraph, numbering: _Numbering) -> Block | None:
    label = numbering.label(paragraph)
    text = clean_text(label + paragraph.text)
    if not text:
        return None
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = _HEADING_STYLE_RE.match(style or "")
    tag = f"h{heading[2]}" if heading else ("h1" if style == "Title" else "p")
    bold = sum(len(run.text.strip()) for run in paragraph.runs if run.bold)
    lead = "".join(run.text for run in itertools.takewhile(lambda r: r.bold, paragraph.runs))
    lead = clean_text(label + lead) if lead.strip() else ""
    return Block(text=text, tag=tag, bold_chars=bold, lead_bold=lead)


def _body_items(document: Document) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def docx_text(body: bytes) -> WordText:
    """The paragraphs of a DOCX file (WordError when it cannot be read)."""
    try:
        document = docx.Document(io.BytesIO(body))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as error:
        raise WordError(f"{type(error).__name__}: {error}") from None
    numbering = _Numbering(document)
    blocks: list[Block] = []
    for item in _body_items(document):
        if isinstance(item, Paragraph):
            block = _paragraph_block(item, numbering)
            if block:
                blocks.append(block)
            continue
        for row in item.rows:  # a table's rows as lines, cells apart
            text = clean_text("  ".join(dict.fromkeys(cell.text for cell in row.cells)))
            if text:
                blocks.append(Block(text=text, tag="td"))
    title = clean_text(document.core_properties.title or "") or None
    return WordText(blocks, title)


# antiword reads Chinese Word 97 text whole; catdoc garbles long Chinese paragraphs but reads
# some files antiword refuses (Word 6/95), so it is the second try.
DOC_CONVERTERS = (
    ("antiword", "-m", "UTF-8.txt", "-w", "0"),
    ("catdoc", "-w", "-d", "utf-8"),
)


def doc_converters() -> list[tuple[str, ...]]:
    """The installed commands that turn a .doc file into UTF-8 text, best first."""
    return [command for command in DOC_CONVERTERS if shutil.which(command[0])]


def _convert(command: tuple[str, ...], path: Path) -> str:
    """The file's text by one converter (WordError when it fails)."""
    try:
        done = subprocess.run(
            [*command, str(path)], capture_output=True, timeout=CONVERT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise WordError(f"{command[0]} took more than {CONVERT_SECONDS} s") from None
    text = done.stdout.decode("utf-8", errors="replace")
    if done.returncode != 0 or not text.strip():
        reason = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
        raise WordError(f"{command[0]} failed: {reason[0] if reason else done.returncode}")
    return text


def doc_text(body: bytes) -> WordText:
    """The paragraphs of a Word 97-2003 .doc file, converted by a Debian tool (WordError when
    none is installed or none can read it)."""
    commands = doc_converters()
    if not commands:
        raise WordError("no .doc converter: install antiword or catdoc (`make`)")
    errors = []
    with tempfile.TemporaryDirectory(prefix="cppcc-doc-") as folder:
        path = Path(folder) / "attachment.doc"
        path.write_bytes(body)
        for command in commands:
            try:
                text = _convert(command, path)
            except WordError as error:
                errors.append(str(error))
                continue
            return WordText(text_blocks(text.replace("\f", "\n")))
    raise WordError("; ".join(errors))
