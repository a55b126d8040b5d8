"""Who issued a report, from what the page says about itself — never from a body it only mentions.

A State Council work report asks 全国政协委员 for comments and a city government's asks 市政协委员:
those are mentions of other bodies' members. What names the issuer, most telling first:

1. the title ("政协常州市委员会常务委员会工作报告", "2024年常州市人民政府工作报告",
   "…全国人民代表大会…关于政府工作报告的决议" — the congress, whose resolution it is); a page
   that is not a report (news) names its actor at the head of its title ("市政协召开…");
2. the speaker's "我代表…" / "受…委托" / "On behalf of …" clause (news: its lead);
3. the meeting line: a report delivered at a CPPCC session is the CPPCC's; one delivered at a
   people's congress is the government's when it is a government work report (or a premier,
   governor or mayor delivers it), otherwise the congress's;
4. the kind of report and the speaker's title (总理, 市长, 政协主席) and salutation (各位委员);
5. the page's source line, then its host name.

The place comes with the name that decided, or else from the other clues of the same body, or
else from a division the title names in full ("常州市2024年政府工作报告").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from cppcc_search.bodies.body import Body, local_body, national_body, unplaced_body
from cppcc_search.bodies.mentions import Mention, find_mentions
from cppcc_search.bodies.places import resolve_place
from cppcc_search.models import REPORT_TYPES

_BEHALF = re.compile(
    r"(?:我代表|我受|受)(.{2,60}?)(?:委托|，|,|向大会|向各位)|On behalf of (.{4,120}?)(?:,|\bI\b)"
)
_GOVERNMENT_SPEAKERS = re.compile(
    r"总理|省长|市长|县长|区长|州长|旗长|主席.{0,2}人民政府|Premier|Governor|Mayor|Magistrate"
)
_NPC_SPEAKERS = re.compile(
    r"委员长|人大常委会.{0,3}主任|常务委员会.{0,3}主任|Chairman of the Standing Committee"
)
_CPPCC_SPEAKERS = re.compile(r"政协.{0,12}主席|CPPCC")
_PARTY_SPEAKERS = re.compile(r"书记|Secretary")
_CPPCC_SALUTATION = re.compile(r"各位委员|Fellow Members|Dear Members")
# Host words of the kinds' own websites (czzx.gov.cn, cppcc.gov.cn, npc.gov.cn, rd.xx.gov.cn).
_HOST_KINDS = (
    ("cppcc", re.compile(r"(?:^|[.-])(?:\w*zx|cppcc\w*|zhengxie)(?:[.-]|$)")),
    ("npc", re.compile(r"(?:^|[.-])(?:\w*rd|npc\w*|renda)(?:[.-]|$)")),
)
_UNIT_LEVELS = (
    (("省", "自治区", "Provincial", "Regional"), "provincial"),
    (("区", "县", "旗", "District", "County", "Banner"), "county"),
    (("市", "州", "盟", "Municipal", "City", "Prefectural", "Prefecture"), "municipal"),
)


@dataclass
class Clues:
    """What a page says about who issued it (any of it may be missing)."""

    title: str = ""
    doc_type: str = "other"
    meeting: str | None = None
    speaker: str | None = None
    lines: list[str] = field(default_factory=list)  # the opening lines: salutation, 我代表…
    source: str | None = None
    url: str = ""
    committee: str | None = None  # the committee as the page names it, when already found


@dataclass(frozen=True)
class Issuer:
    """The body a page is filed under, and the name that decided it as the page writes it."""

    body: Body
    written: str | None
    determined: bool  # False: body_kind other, id from a name


def identify_issuer(clues: Clues) -> Issuer:
    """The body that issued the page."""
    report = clues.doc_type in REPORT_TYPES
    title = [m for m in find_mentions(clues.title) if report or m.start <= 1]
    behalf = find_mentions(" ".join(_behalf_clauses(clues.lines)))
    if not report:
        # News names its actor in the lead: "The National Committee of the CPPCC held …".
        behalf += find_mentions(" ".join(clues.lines[:3]))
    venue = find_mentions(clues.meeting or "")
    speaker = find_mentions(clues.speaker or "")
    source = find_mentions(" ".join(filter(None, (clues.source, clues.committee))))
    role = _role(clues)
    deciding = _deciding(title, behalf, venue, role)
    if deciding is None and role is None and source:
        deciding = source[0]
    kind = deciding.kind if deciding is not None else role or _host_kind(clues.url)
    if kind is None or kind == "other":
        return _undetermined(deciding, clues)
    same_place = [m for m in (*title, *behalf, *speaker, *source) if m.kind == kind]
    if kind in ("government", "npc"):
        same_place += [m for m in venue if m.kind == "npc"]
    if kind == "cppcc":
        same_place += [m for m in venue if m.kind == "cppcc"]
    ordered = ([deciding] if deciding is not None else []) + same_place
    context = " ".join(filter(None, (clues.title, clues.meeting, clues.speaker, clues.source)))
    return _placed(kind, ordered, context, clues)


def _deciding(
    title: list[Mention], behalf: list[Mention], venue: list[Mention], role: str | None
) -> Mention | None:
    """The mention that decides the kind: the title's, the speaker's clause, or the venue's."""
    if title:
        return title[0]
    if behalf:
        return behalf[0]
    if venue:
        first = venue[0]
        if first.kind == "npc" and role == "government":
            return Mention("government", first.national, first.place, first.written, first.start)
        return first
    return None


def _placed(kind: str, mentions: list[Mention], context: str, clues: Clues) -> Issuer:
    """The body of a kind whose place the first telling mention gives."""
    written = mentions[0].written if mentions else None
    for mention in mentions:
        if mention.national:
            return Issuer(national_body(kind), written, True)
        division = resolve_place(mention.place, context) if mention.place else None
        if division is not None:
            return Issuer(local_body(kind, division), written, True)
    if mentions and not any(m.place for m in mentions):
        # "常州市2024年政府工作报告": the title names the place apart from the body.
        division = resolve_place(clues.title, context, whole=True)
        if division is not None:
            return Issuer(local_body(kind, division), written, True)
    named = next((m for m in mentions if m.place), None)
    if named is not None:
        # A place that is no known division (renamed, abolished, misspelt): the kind is known.
        level = _unit_level(named.place)
        return Issuer(unplaced_body(kind, named.written, level), named.written, True)
    return _undetermined(mentions[0] if mentions else None, clues)


def _undetermined(mention: Mention | None, clues: Clues) -> Issuer:
    """An issuer this product cannot place: kind other, id from its name (with the site's host
    when the name says nothing of where: every site has its own 市政府)."""
    host = (urlsplit(clues.url).hostname or "").removeprefix("www.")
    name = mention.written if mention is not None else (clues.committee or clues.source or "")
    if not name or not mention or not mention.place:
        name = f"{name} {host}".strip() or "unknown"
    return Issuer(unplaced_body("other", name), name, False)


def _role(clues: Clues) -> str | None:
    """The kind the report's type, speaker and salutation point to."""
    speaker = clues.speaker or ""
    if clues.doc_type == "government work report" or _GOVERNMENT_SPEAKERS.search(speaker):
        return "government"
    if _NPC_SPEAKERS.search(speaker):
        return "npc"
    if clues.doc_type == "proposal work report" or _CPPCC_SPEAKERS.search(speaker):
        return "cppcc"
    if _PARTY_SPEAKERS.search(speaker):
        return "party"
    opening = " ".join(clues.lines[:3])
    if _CPPCC_SALUTATION.search(opening):
        return "cppcc"
    return None


def _behalf_clauses(lines: list[str]) -> list[str]:
    """The bodies a speaker says they speak for: "我代表常州市人民政府，…" → "常州市人民政府"."""
    clauses = []
    for line in lines:
        for match in _BEHALF.finditer(line):
            clauses.append(match[1] or match[2])
    return clauses


def _host_kind(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for kind, pattern in _HOST_KINDS:
        if pattern.search(host):
            return kind
    return None


def _unit_level(place: str) -> str | None:
    """The level a place's unit word names ("莱芜市" → municipal), if any."""
    for units, level in _UNIT_LEVELS:
        if place.rstrip().endswith(units):
            return level
    return None
