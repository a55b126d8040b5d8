"""Report attachments written at test time: PDFs (reportlab, hard-wrapped lines, a running
header and page numbers), DOCX (python-docx: heading styles, automatic numbering) and DOC
(LibreOffice converts the DOCX). The reports are invented, in the style of real ones."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import docx
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from cppcc_search.cjk import count_cjk

CJK_FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CJK_FONT = "WenQuanYi"


@dataclass
class Part:
    """A level-1 heading, the paragraphs under it, and its numbered sections."""

    title: str
    paragraphs: list[str]
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class ReportText:
    """The text of a report as its author wrote it."""

    title: str
    meeting: str
    speaker: str
    opening: list[str]
    parts: list[Part]
    closing: list[str]
    language: str = "zh"

    def paragraphs(self) -> list[str]:
        """Every paragraph of the body, headings included, in order."""
        out = [self.meeting, self.speaker, *self.opening]
        for part in self.parts:
            out += [part.title, *part.paragraphs]
            for heading, texts in part.sections:
                out += [heading, *texts]
        return out + self.closing


def renamed(text: ReportText, old: str, new: str) -> ReportText:
    """The same report from another place (every ``old`` in it written ``new``)."""

    def swap(value):
        if isinstance(value, str):
            return value.replace(old, new)
        if isinstance(value, list):
            return [swap(item) for item in value]
        if isinstance(value, tuple):
            return tuple(swap(item) for item in value)
        if isinstance(value, Part):
            return Part(swap(value.title), swap(value.paragraphs), swap(value.sections))
        return value

    return ReportText(**{name: swap(value) for name, value in vars(text).items()})


def _zh(text: str, times: int) -> str:
    return text * times


GOV_REPORT_2019 = ReportText(
    title="2019年青山市人民政府工作报告",
    meeting="——2019年1月15日在青山市第十六届人民代表大会第四次会议上",
    speaker="市长 林远航",
    opening=[
        "各位代表：",
        "现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。",
    ],
    parts=[
        Part(
            "一、2018年工作回顾",
            [
                "过去一年，面对复杂严峻的发展环境，全市上下坚持稳中求进工作总基调，"
                + _zh("统筹推进稳增长、促改革、调结构、惠民生、防风险各项工作，", 9)
                + "全年地区生产总值增长百分之七点二。"
            ],
            [
                (
                    "（一）经济运行保持稳中有进。",
                    [
                        _zh("规模以上工业增加值稳步增长，新能源汽车和新材料产业集群加快壮大，", 10)
                        + "服务业增加值占比提高到百分之五十一。"
                    ],
                ),
                (
                    "（二）民生保障持续加强。",
                    [
                        _zh("新增城镇就业四万二千人，城乡居民基本养老保险覆盖面继续扩大，", 10)
                        + "新建改扩建中小学和幼儿园二十六所。"
                    ],
                ),
            ],
        ),
        Part(
            "二、2019年主要任务",
            [
                _zh("今年是新中国成立七十周年，做好政府工作意义重大。", 9)
                + "全市经济社会发展的主要预期目标是：地区生产总值增长百分之七左右。"
            ],
            [
                (
                    "（一）着力推动产业转型升级。",
                    [
                        _zh("坚持把发展经济的着力点放在实体经济上，加快培育新兴产业，", 10)
                        + "推动传统产业智能化改造。"
                    ],
                ),
            ],
        ),
        Part(
            "三、加强政府自身建设",
            [
                _zh("全面推进依法行政，加快建设法治政府、创新政府、廉洁政府和服务型政府，", 9)
                + "自觉接受人大法律监督、工作监督和政协民主监督。"
            ],
        ),
    ],
    closing=[
        "各位代表！",
        "新的一年，让我们在市委的坚强领导下，凝心聚力，真抓实干，为建设现代化青山而努力奋斗！",
    ],
)

CPPCC_REPORT_2023 = ReportText(
    title="政协青山市第九届委员会常务委员会工作报告",
    meeting="——2023年1月10日在政协青山市第九届委员会第二次会议上",
    speaker="市政协主席 周明德",
    opening=["各位委员：", "我受政协青山市第九届委员会常务委员会委托，向大会报告工作，请予审议。"],
    parts=[
        Part(
            "一、过去五年工作回顾",
            [
                _zh("五年来，市政协常委会紧紧围绕全市中心任务，认真履行政治协商、民主监督、", 9)
                + "参政议政职能，为全市经济社会发展作出了积极贡献。"
            ],
            [
                (
                    "（一）坚持围绕中心建言资政",
                    [_zh("围绕乡村振兴、生态保护开展专题协商，", 10) + "形成协商报告三十二份。"],
                ),
                (
                    "（二）坚持为民履职",
                    [
                        _zh("组织委员深入基层调研养老服务和义务教育，", 10)
                        + "推动解决了一批群众关心的问题。"
                    ],
                ),
            ],
        ),
        Part(
            "二、今后五年工作建议",
            [_zh("今后五年，市政协要坚持团结和民主两大主题，", 9) + "更好发挥专门协商机构作用。"],
        ),
    ],
    closing=[
        "各位委员！",
        "让我们更加紧密地团结在党中央周围，为谱写青山高质量发展新篇章而不懈奋斗！",
    ],
)

ENGLISH_REPORT_2024 = ReportText(
    title="Report on the Work of the Standing Committee of the 10th Qingshan Municipal "
    "Committee of the CPPCC",
    meeting="—At the second meeting of the 10th CPPCC Qingshan Municipal Committee on "
    "January 12, 2024",
    speaker="Zhou Mingde",
    opening=[
        "Fellow members,",
        "On behalf of the Standing Committee, I now report on our work for your deliberation.",
    ],
    parts=[
        Part(
            "I. Review of Our Work in 2023",
            [
                "Over the past year, the Standing Committee focused on the city's central tasks "
                "and carried out consultation, democratic oversight and the discussion of state "
                "affairs, contributing to the high-quality development of the city. " * 9
            ],
            [
                (
                    "1. Consulting on major issues",
                    [
                        "Members held thematic consultations on "
                        "rural revitalization, elderly care and the private economy, and submitted "
                        "forty-two reports with practical proposals to the municipal government. "
                        * 9
                    ],
                ),
            ],
        ),
        Part(
            "II. Main Tasks in 2024",
            [
                "This year, we will strengthen consultation on new energy and the ecological "
                "environment, and improve the quality of proposals and their handling. " * 9
            ],
        ),
    ],
    closing=["Fellow members, let us work together for a better Qingshan!"],
    language="en",
)


def _wrap(text: str, width: float, font: str, size: float, indent: str) -> list[str]:
    """Hard-wrap a paragraph to the column width (characters for Chinese, words for English)."""
    lines: list[str] = []
    current = indent
    pieces = list(text) if count_cjk(text) else text.split(" ")
    joiner = "" if len(pieces) == len(text) else " "
    for piece in pieces:
        candidate = current + (joiner if current.strip() else "") + piece
        if pdfmetrics.stringWidth(candidate, font, size) > width and current.strip():
            lines.append(current)
            current = piece
        else:
            current = candidate
    lines.append(current)
    return lines


def write_pdf(path: Path, report: ReportText, running_header: str) -> None:
    """The report as a PDF: a title in large type, hard-wrapped indented paragraphs, headings in
    larger type, a running header and "- N -" page numbers on every page."""
    chinese = report.language == "zh"
    if chinese:
        pdfmetrics.registerFont(TTFont(CJK_FONT, str(CJK_FONT_FILE), subfontIndex=0))
    body_font = CJK_FONT if chinese else "Helvetica"
    bold_font = CJK_FONT if chinese else "Helvetica-Bold"
    page_width, page_height = A4
    left, right, top, bottom = 72.0, page_width - 72.0, page_height - 80.0, 80.0
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle("Microsoft Word - report.docx")  # what real files carry: not the title
    state = {"y": top, "page": 1}

    def furniture() -> None:
        pdf.setFont(body_font, 9)
        pdf.drawString(left, page_height - 40, running_header)
        pdf.drawCentredString(page_width / 2, 40, f"- {state['page']} -")

    def line(text: str, font: str, size: float, centred: bool = False) -> None:
        if state["y"] < bottom:
            pdf.showPage()
            state["page"] += 1
            state["y"] = top
            furniture()
        pdf.setFont(font, size)
        if centred:
            pdf.drawCentredString(page_width / 2, state["y"], text)
        else:
            pdf.drawString(left, state["y"], text)
        state["y"] -= size * 1.6

    furniture()
    line(report.title, bold_font, 18 if chinese else 14, centred=True)
    state["y"] -= 10
    headings = {p.title for p in report.parts} | {h for p in report.parts for h, _ in p.sections}
    indent = "\u3000\u3000" if chinese else "    "
    for paragraph in report.paragraphs():
        if paragraph in headings:
            size = 14 if paragraph in {p.title for p in report.parts} else 12.5
            line(paragraph, bold_font, size)
            continue
        centred = paragraph in (report.meeting, report.speaker)
        if centred:
            line(paragraph, body_font, 11, centred=True)
            continue
        for text in _wrap(paragraph, right - left, body_font, 11, indent):
            line(text, body_font, 11)
    pdf.save()


def write_scanned_pdf(path: Path) -> None:
    """A PDF whose pages are pictures: shapes and no text at all."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        for row in range(40):
            pdf.rect(72, 760 - row * 16, 400 - (row % 5) * 30, 8, fill=1)
        pdf.showPage()
    pdf.save()


def write_docx(path: Path, report: ReportText) -> None:
    """The report as a DOCX: a Title paragraph, parts in Heading 1, numbered sections in
    Heading 2, the opening lines centred."""
    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph(report.title, style="Title")
    parts = {p.title for p in report.parts}
    sections = {h for p in report.parts for h, _ in p.sections}
    for paragraph in report.paragraphs():
        if paragraph in parts:
            document.add_heading(paragraph, level=1)
        elif paragraph in sections:
            document.add_heading(paragraph, level=2)
        else:
            document.add_paragraph(paragraph)
    document.save(str(path))


def convert_docx(path: Path, report: ReportText, work: Path, target: str) -> None:
    """The report as LibreOffice writes it from the DOCX: ``target`` is a --convert-to filter
    ("doc:MS Word 97", "pdf"); the result is moved to ``path``."""
    source = work / (path.stem + ".docx")
    write_docx(source, report)
    office = shutil.which("soffice") or shutil.which("libreoffice")
    assert office, "LibreOffice is installed by `make test` (the office target)"
    subprocess.run(
        [
            office,
            "--headless",
            f"-env:UserInstallation=file://{work}/lo-profile",
            "--convert-to",
            target,
            "--outdir",
            str(work),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    (work / f"{path.stem}.{target.split(':')[0]}").replace(path)
