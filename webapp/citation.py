"""Citations of a report or of one passage in it: GB/T 7714-2015, APA, Chicago, BibTeX and RIS.

Every style names the issuing body as a corporate author, the title, the year and the source
URL; a passage's citation adds its heading, its permalink on this site and the archived copy.
The strings are plain text: pages escape them like any other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from cppcc_search.models import Report

STYLES = ("gbt7714", "apa", "chicago", "bibtex", "ris")
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
# GB/T 7714-2015 document type codes: R report, N newspaper article, EB electronic bulletin;
# /OL marks an online resource.
_GBT_TYPES = {"news": "N/OL", "other": "EB/OL"}
_RIS_TYPES = {"news": "NEWS", "other": "ELEC"}
_BIBTEX_SPECIAL = re.compile(r"([\\{}%&$#_^~])")


@dataclass(frozen=True)
class Passage:
    """One section of a report being cited: its heading and its links on this site."""

    ordinal: int
    title: str | None
    permalink: str
    archive_url: str


@dataclass(frozen=True)
class CitationTarget:
    """What a citation names: the report, where it is read, and when it was accessed."""

    report: Report
    permalink: str  # the report view on this site
    archive_url: str  # the archived capture on this site
    accessed: date
    passage: Passage | None = None


def citations(target: CitationTarget) -> dict[str, str]:
    """The five styles, keyed as /api/report/<id>/cite returns them."""
    return {
        "gbt7714": gbt7714(target),
        "apa": apa(target),
        "chicago": chicago(target),
        "bibtex": bibtex(target),
        "ris": ris(target),
    }


def author(report: Report) -> str:
    """The corporate author: the committee as the report names it, else the speaker."""
    unknown = "佚名" if report.language == "zh" else "Anonymous"
    return report.committee or report.speaker or unknown


def year_of(report: Report) -> str:
    """The year a report is cited under (its date's year first), or n.d. / 出版年不详."""
    if report.date:
        return report.date[:4]
    if report.year:
        return str(report.year)
    return "出版年不详" if report.language == "zh" else "n.d."


def _passage_title(target: CitationTarget) -> str:
    passage = target.passage
    if passage is None:
        return ""
    return passage.title or f"§{passage.ordinal}"


def _where(target: CitationTarget, *, archived: str, permalink: str, separator: str) -> str:
    """The source URL, then (for a passage) this site's permalink and archived copy."""
    report, passage = target.report, target.passage
    parts = [report.url]
    if passage is not None:
        parts += [f"{permalink}{passage.permalink}", f"{archived}{passage.archive_url}"]
    else:
        parts.append(f"{archived}{target.archive_url}")
    return separator.join(parts)


def gbt7714(target: CitationTarget) -> str:
    """GB/T 7714-2015: 作者. 题名[类型/OL]. (发表日期)[引用日期]. 获取路径."""
    report = target.report
    kind = _GBT_TYPES.get(report.doc_type, "R/OL")
    title = report.title
    if target.passage is not None:
        title = f"{title}：{_passage_title(target)}"
    published = report.date or year_of(report)
    links = _where(target, archived="存档: ", permalink="段落: ", separator=". ")
    return (
        f"{author(report)}. {title}[{kind}]. ({published})[{target.accessed.isoformat()}]. {links}."
    )


def _long_date(report: Report) -> str:
    if report.date and len(report.date) == 10:
        year, month, day = report.date.split("-")
        return f"{year}, {_MONTHS[int(month) - 1]} {int(day)}"
    return year_of(report)


def _day_month_year(value: date) -> str:
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def apa(target: CitationTarget) -> str:
    """APA 7th edition, a report by a group author retrieved from a website."""
    report = target.report
    title = report.title
    if target.passage is not None:
        title = f"{title}: {_passage_title(target)}"
    links = _where(target, archived="Archived at ", permalink="Passage: ", separator=". ")
    return (
        f"{author(report)}. ({_long_date(report)}). {title}. "
        f"Retrieved {_day_month_year(target.accessed)}, from {links}"
    )


def chicago(target: CitationTarget) -> str:
    """Chicago 17th edition, notes-bibliography style for a web page by an organisation."""
    report = target.report
    quoted = f"“{report.title}.”"
    if target.passage is not None:
        quoted = f"“{report.title}: {_passage_title(target)}.”"
    published = year_of(report)
    if report.date and len(report.date) == 10:
        year, month, day = report.date.split("-")
        published = f"{_MONTHS[int(month) - 1]} {int(day)}, {year}"
    links = _where(target, archived="Archived at ", permalink="Passage at ", separator=". ")
    return (
        f"{author(report)}. {quoted} {published}. "
        f"Accessed {_day_month_year(target.accessed)}. {links}."
    )


def citation_key(report: Report, passage: Passage | None = None) -> str:
    """A BibTeX key: the year and the report id (ASCII, unique per report and passage)."""
    key = f"cppcc{year_of(report) if report.date or report.year else ''}-{report.id}"
    key = re.sub(r"[^A-Za-z0-9:_-]", "", key)
    return f"{key}-s{passage.ordinal}" if passage is not None else key


def _bib(value: str) -> str:
    """A BibTeX field value: special characters escaped, no stray braces."""
    return _BIBTEX_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def bibtex(target: CitationTarget) -> str:
    """A BibTeX @misc (or @techreport for reports) entry; the author in braces, a body's name."""
    report, passage = target.report, target.passage
    entry = "misc" if report.doc_type in ("news", "other") else "techreport"
    fields = [
        ("author", "{" + _bib(author(report)) + "}"),
        ("title", "{" + _bib(report.title) + "}"),
        ("year", year_of(report)),
    ]
    if report.date:
        fields.append(("date", report.date))
    if entry == "techreport":
        fields.append(("institution", "{" + _bib(author(report)) + "}"))
        fields.append(("type", _bib(report.doc_type)))
    address = report.url.replace("{", "%7B").replace("}", "%7D")
    fields += [("url", address), ("urldate", target.accessed.isoformat())]
    fields.append(("language", "chinese" if report.language == "zh" else "english"))
    if passage is not None:
        fields.append(("chapter", "{" + _bib(_passage_title(target)) + "}"))
        note = f"Passage: {_url(passage.permalink)}. Archived at {_url(passage.archive_url)}"
    else:
        note = f"Archived at {_url(target.archive_url)}"
    fields.append(("note", "{" + note + "}"))
    body = ",\n".join(f"  {name} = {_braced(value)}" for name, value in fields)
    return f"@{entry}{{{citation_key(report, passage)},\n{body}\n}}\n"


def _url(address: str) -> str:
    """A URL inside a BibTeX note: \\url keeps its %, # and _ as they are (braces cannot occur
    unescaped in a URL our site makes)."""
    return "\\url{" + address.replace("{", "%7B").replace("}", "%7D") + "}"


def _braced(value: str) -> str:
    return value if value.startswith("{") else "{" + value + "}"


def ris(target: CitationTarget) -> str:
    """An RIS record (one tag a line, ending in ER)."""
    report, passage = target.report, target.passage
    lines = [
        ("TY", _RIS_TYPES.get(report.doc_type, "RPRT")),
        ("AU", author(report)),
        ("TI", report.title),
        ("PY", year_of(report)),
    ]
    if report.date:
        lines.append(("DA", report.date.replace("-", "/")))
    if report.speaker:
        lines.append(("A2", report.speaker))
    lines += [("UR", report.url), ("Y2", target.accessed.isoformat().replace("-", "/"))]
    lines.append(("LA", "Chinese" if report.language == "zh" else "English"))
    if passage is not None:
        lines.append(("SE", _passage_title(target)))
        lines.append(("UR", passage.permalink))
        lines.append(("N1", f"Archived at {passage.archive_url}"))
    else:
        lines.append(("N1", f"Archived at {target.archive_url}"))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in lines)
