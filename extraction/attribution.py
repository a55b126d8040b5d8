"""Who issued a report and what it is: committee, level, doc type, speaker, meeting date."""

from __future__ import annotations

import re

from cppcc_search.cjk import CJK_CLASS
from cppcc_search.models import REPORT_TYPES
from extraction.dates import find_dates
from extraction.text import cjk_ratio, squeeze_cjk_spaces

_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)"
_EN_PLACE_COMMITTEE = (
    r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?\s+"
    r"(?:Municipal|Provincial|County|District|City|Prefectural|Regional)\s+Committee"
)
_EN_COMMITTEE_RES = (
    re.compile(
        rf"\b({_ORDINAL}\s+(?:CPPCC\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?\s+"
        rf"(?:Municipal|Provincial|County|District|City|Prefectural|Regional|National)\s+Committee)\b"
    ),
    re.compile(rf"\b({_ORDINAL}\s+(?:CPPCC\s+)?National\s+Committee)\b"),
    re.compile(r"\b(National Committee)\s+of\s+the\s+(?:CPPCC|Chinese People)"),
    # Without a term number: only where the CPPCC is named (a "CPC … Committee" is the Party's).
    re.compile(rf"\bCPPCC\s+({_EN_PLACE_COMMITTEE}|National Committee)\b"),
    re.compile(rf"\b({_EN_PLACE_COMMITTEE})\s+of\s+the\s+(?:CPPCC|Chinese People)"),
)
_ZH_TERM = r"(?:第[一二三四五六七八九十]+届)?"
_ZH_PLACE = rf"([{CJK_CLASS}]{{2,10}}?(?:省|自治区|市|州|盟|县|区|旗))"
# "全国政协委员", "请市政协委员…提出意见" name a committee's members (a government report asks
# them for comments), not the committee that issued the page.
_NOT_MEMBERS = r"(?!委员(?!会)|常委(?!会))"
_ZH_NATIONAL_RE = re.compile(rf"全国委员会|全国政协{_NOT_MEMBERS}")
_ZH_COMMITTEE_RES = (
    re.compile(rf"(?:政协|政治协商会议){_ZH_TERM}{_ZH_PLACE}{_ZH_TERM}委员会"),
    re.compile(rf"{_ZH_PLACE}政协{_NOT_MEMBERS}"),
)
NATIONAL_COMMITTEE_ZH = "中国人民政治协商会议全国委员会"
_TITLE_MARKER_RE = re.compile(
    r"[（(【\[]?(全文|摘要|摘登|实录|节选|双语全文|Full text|Abridged)[）)】\]]?$", re.IGNORECASE
)
_EN_REPORT_RE = re.compile(
    r"^(full text( of)?:?\s*)?(the\s+)?((government\s+)?work report|report on the work"
    r"|report on (the )?(handling|work on) (of )?proposals|report of the standing committee)"
)
_NEWS_RE = re.compile(
    r"新华社|记者|月\d{1,2}日(电|讯)|^[A-Z]{3,}, |\bXinhua\b|\(Xinhua\)|^中国网|本报讯"
)
_MEETING_SUFFIX_RE = re.compile(r"\s*(——|--|—)\s*\S.*$")
_DATE_SUFFIX_RE = re.compile(r"\s*[（(][^（）()]*\d{4}\s*年[^（）()]*[）)]$")
_ISSUER_END_RE = re.compile(
    r"(委员会|常委会|政协|国务院|人民政府|政府|年|省|市|县|区|州|旗|盟|自治区|中华人民共和国"
    r"|会议上的|会上的|人民)\s*$"
)
_PROVINCIAL_CITIES = ("北京市", "上海市", "天津市", "重庆市")
_EN_PROVINCIAL_CITY_RE = re.compile(r"\b(Beijing|Shanghai|Tianjin|Chongqing) Municipal\b")
_MEETING_LINE_RE = re.compile(
    r"^\s*(——|--|—|-|[（(])|^\s*\d{4}年|^\s*[〇零一二三四五六七八九]{4}年|^\s*在"
    r"|^\s*(At|Delivered at|Presented at|Speech at|Report at)\b",
    re.IGNORECASE,
)
_SPEAKER_TITLES = re.compile(
    r"(主席|副主席|总理|副总理|委员长|副委员长|秘书长|省长|市长|县长|区长|书记|主任|会长)\s*"
)
MAX_SPEAKER_LINE = 100
MAX_DATE_ONLY_LINE = 30
_MONTH_WORDS = (
    r"(?i:january|february|march|april|may|june|july|august|september|october|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|st|nd|rd|th)"
)
MAX_SPEAKER_LINE_ZH = 30
_EN_NAME_COMMA_RE = re.compile(r"^(?:By\s+)?([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}),\s+\w")
_EN_NAME_RE = re.compile(
    r"^(?:(?:Chairman|Chairwoman|Chair|Vice Chairman|Premier)\s+)?"
    r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3})$"
)


def detect_language(text: str, html_lang: str | None) -> str:
    """zh or en, from the body's script (the page's lang attribute breaks ties)."""
    ratio = cjk_ratio(text)
    if ratio >= 0.3:
        return "zh"
    if ratio <= 0.05 and text:
        return "en"
    return "en" if (html_lang or "").startswith("en") else "zh"


def _core_title(title: str) -> str:
    """The title without a trailing "（全文）"/"(Full text)" marker, a "——在…会议上" line run into
    it, or a bracketed date."""
    core = _MEETING_SUFFIX_RE.sub("", title.strip()).strip()
    core = _DATE_SUFFIX_RE.sub("", core).strip()
    return _TITLE_MARKER_RE.sub("", core).strip()


def _report_type(core: str) -> str | None:
    """The report type a title names, or None (news about a report is not the report)."""
    lowered = core.lower()
    if core.endswith("决议") or re.match(r"^resolution\b|.*\bresolution (on|of)\b", lowered):
        return "resolution"
    english = _EN_REPORT_RE.match(lowered)
    if not (core.endswith("报告") or english):
        return None
    if "提案" in core or "proposal" in lowered:
        return "proposal work report"
    if english:
        government = re.search(
            r"government work report|report on the work of the government", lowered
        )
        return "government work report" if government else "work report"
    # "…委员会常务委员会工作报告", "2024年政府工作报告": the issuer or a year comes first; a
    # headline about a report ("代表委员热议政府工作报告") has a verb there.
    for suffix, doc_type in (
        ("政府工作报告", "government work report"),
        ("工作报告", "work report"),
    ):
        prefix = core.removesuffix(suffix)
        if prefix != core:
            return doc_type if not prefix or _ISSUER_END_RE.search(prefix) else None
    return None


def detect_doc_type(
    title: str, body_start: str, dated: bool = False, report_heading: str | None = None
) -> str:
    """One of the contract's doc types, from the title (a dated non-report page is news).

    ``report_heading`` is the line above a delivered report's meeting line: a page that reprints
    a report under its own headline ("Full text: … advisors' work report") names it there."""
    found = _report_type(_core_title(title))
    if not found and report_heading:
        found = _report_type(_core_title(report_heading))
    if found:
        return found
    if _NEWS_RE.search(body_start):
        return "news"
    return "news" if dated else "other"


def detect_committee(text: str) -> str | None:
    """The committee a report comes from ("15th Changzhou Municipal Committee", "全国委员会")."""
    for pattern in _EN_COMMITTEE_RES:
        match = pattern.search(text)
        if match:
            return re.sub(r"\s+", " ", match[1].replace("CPPCC ", ""))
    if _ZH_NATIONAL_RE.search(text):
        return NATIONAL_COMMITTEE_ZH
    for pattern in _ZH_COMMITTEE_RES:
        match = pattern.search(text)
        if match:
            return f"政协{match[1]}委员会"
    return None


def _chinese_place_level(committee: str) -> str | None:
    """The level of a "政协…委员会" from its last place unit: "北京市东城区" is a district
    (county level) although Beijing is a provincial-level city."""
    match = re.fullmatch(r"政协(.+?)委员会", committee)
    if not match:
        return None
    place = match[1]
    if place.endswith(("省", "自治区")) or place in _PROVINCIAL_CITIES:
        return "provincial"
    if place.endswith(("区", "县", "旗")):
        return "county"
    if place.endswith(("市", "州", "盟")):
        return "municipal"
    return None


def detect_level(committee: str | None, text: str, doc_type: str = "other") -> str | None:
    """national, provincial, municipal or county, from the committee (or a report's issuer)."""
    probe = committee or ""
    if not probe:
        if doc_type in REPORT_TYPES and re.search(
            r"国务院|全国人民代表大会|全国政协|State Council|National People's Congress", text
        ):
            return "national"
        return None
    lowered = probe.lower()
    if "全国" in probe or "national" in lowered:
        return "national"
    zh_level = _chinese_place_level(probe)
    if zh_level:
        return zh_level
    if "provincial" in lowered or "regional" in lowered or _EN_PROVINCIAL_CITY_RE.search(probe):
        return "provincial"
    if re.search(r"(县|区|旗)委员会$", probe) or "county" in lowered or "district" in lowered:
        return "county"
    if re.search(r"(市|州|盟)委员会$", probe) or re.search(r"municipal|city|prefectur", lowered):
        return "municipal"
    return None


def meeting_line(lines: list[str]) -> tuple[int, str] | None:
    """The "——2024年3月5日在…会议上" / "——At the third meeting … on January 15, 2024" line
    (or one without a date whose date stands on the line next to it)."""
    for index, line in enumerate(lines):
        if len(line) > 200:
            continue
        is_meeting = re.search(r"会议|会議|meeting|session|plenary", line, re.I)
        if not (_MEETING_LINE_RE.match(line) and is_meeting):
            continue
        if find_dates(line) or meeting_date_line(lines, index):
            return index, line
    return None


def _is_date_only(line: str) -> bool:
    """A short line that is just a date ("（2024年1月20日）", "(March 4, 2024)")."""
    if len(line) > MAX_DATE_ONLY_LINE or not find_dates(line):
        return False
    return not re.sub(r"[\d\s年月日,.()（）\-/〇○零一二三四五六七八九十]|" + _MONTH_WORDS, "", line)


def meeting_date_line(lines: list[str], meeting_index: int) -> tuple[int, str] | None:
    """(index, line) of a date-only line just below or above a meeting line with no date."""
    for index in (meeting_index + 1, meeting_index - 1):
        if 0 <= index < len(lines) and _is_date_only(lines[index]):
            return index, lines[index]
    return None


def meeting_date(line: str) -> str | None:
    """The date a meeting line names."""
    dates = find_dates(line)
    return dates[0][1] if dates else None


def speaker_line(lines: list[str], meeting_index: int) -> tuple[int, str] | None:
    """(index, name) of the speaker's line next to the meeting line ("国务院总理 李强")."""
    for index in (meeting_index + 1, meeting_index + 2, meeting_index - 1, meeting_index - 2):
        if 0 <= index < len(lines):
            name = _name_from_line(lines[index])
            if name:
                return index, name
    return None


def _name_from_line(line: str) -> str | None:
    line = line.strip()
    if not line or len(line) > MAX_SPEAKER_LINE:
        return None
    if cjk_ratio(line) > 0.5:
        if len(line) > MAX_SPEAKER_LINE_ZH:
            return None
        if re.search(r"[，。：:！!、]", line):
            return None
        parts = _SPEAKER_TITLES.split(line)
        name = squeeze_cjk_spaces(parts[-1]).replace(" ", "")
        if 2 <= len(name) <= 4 and re.fullmatch(f"[{CJK_CLASS}·]+", name):
            return name
        return None
    match = _EN_NAME_RE.match(line) or _EN_NAME_COMMA_RE.match(line)
    return match[1] if match else None
