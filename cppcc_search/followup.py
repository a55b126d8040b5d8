"""Promise against delivery: each task a report's plan part sets, beside the passages of the
next report's review part that report on it.

Tasks are the titled sections at the bottom of a plan part (a part's heading with sections under
it is not a task itself). Passages are the paragraphs of review sections. A task and a passage
are aligned by BM25 over their shared terms (Chinese bigrams, English words), the passages of
the next report's review part being the collection; a passage whose section is of the task's
section kind (cppcc_search.kinds) weighs more. A task whose best passage scores below
``MIN_SCORE`` is one nothing reports on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from cppcc_search.fiveyear import plan_years
from cppcc_search.kinds import classify_section
from cppcc_search.models import Report, Section

K1 = 1.2
B = 0.75
SAME_KIND = 1.25  # the prior: a passage under a section of the task's kind
# Scores are shares of the most a passage of the review's usual size could score for the task:
# holding, often, as many of the task's rarest terms as such a passage holds terms. (A share of
# every term of the task would make a long task's scores small whatever the passages say.)
MIN_SCORE = 0.06  # below this the best passage shares too little to report on the task
KEEP_SHARE = 0.6  # passages scoring at least this share of the best are listed too
MAX_PASSAGES = 3
MIN_PASSAGE = 20  # characters: shorter paragraphs are salutations and headings
_OPENING = 10  # characters: a paragraph "opens on" what these hold
_OPENING_YEAR = re.compile(r"[“\"]?((?:19|20)\d{2})年")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z][a-z'-]{2,}")
_EN_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "will",
        "our",
        "have",
        "has",
        "from",
        "are",
        "was",
        "were",
        "been",
        "into",
        "more",
        "its",
        "their",
        "all",
        "also",
        "which",
        "such",
        "other",
        "work",
        "further",
    ]
)


@dataclass(frozen=True)
class Task:
    """A numbered task of a plan part: its section and the text it is aligned by."""

    ordinal: int
    title: str
    text: str
    kind: str | None = None


@dataclass(frozen=True)
class Passage:
    """A paragraph of a review section."""

    ordinal: int
    title: str | None
    text: str
    kind: str | None = None


@dataclass
class Match:
    passage: Passage
    score: float


@dataclass
class Alignment:
    task: Task
    matches: list[Match] = field(default_factory=list)


def terms(text: str) -> list[str]:
    """Chinese bigrams (a lone character as itself) and lower-case English words."""
    found: list[str] = []
    for run in _CJK_RUN.findall(text):
        found.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    found.extend(w for w in _WORD.findall(text.lower()) if w not in _EN_STOP)
    return found


def plan_tasks(report: Report) -> list[Task]:
    """The titled sections at the bottom of the report's plan parts."""
    tasks = []
    sections = report.sections
    for index, section in enumerate(sections):
        if section.part_kind != "plan" or not section.title:
            continue
        following = sections[index + 1] if index + 1 < len(sections) else None
        has_children = (
            following is not None
            and following.part == section.part
            and following.level > section.level
        )
        if not has_children:
            tasks.append(_task(section, report.language))
    return tasks


def _task(section: Section, language: str) -> Task:
    return Task(section.ordinal, section.title or "", section.text, _kind(section.title, language))


def _kind(title: str | None, language: str) -> str | None:
    return classify_section(title, "", language=language) if title else None


def review_passages(report: Report, year: int | None = None) -> list[Passage]:
    """The paragraphs of the report's review parts (of ``year``'s review when it has one)."""
    reviews = [s for s in report.sections if s.part_kind == "review"]
    of_year = [s for s in reviews if year is not None and s.period_year == year]
    passages = []
    for section in of_year or reviews:
        kind = _kind(section.title, report.language)
        for paragraph in section.text.split("\n"):
            paragraph = paragraph.strip()
            if _looks_ahead(paragraph, section.period_year or report.year):
                break  # the rest of the section sets targets: nothing in it reports
            if len(paragraph) >= MIN_PASSAGE:
                passages.append(Passage(section.ordinal, section.title, paragraph, kind))
    return passages


def _looks_ahead(paragraph: str, reviewed: int | None) -> bool:
    """Whether a paragraph of a review opens on a period after the one reviewed: a review that
    runs on into the next five-year plan's targets under one heading ("“十三五”时期发展成就和
    “十四五”时期主要目标任务") turns to them with a paragraph opening "“十四五”时期是…"."""
    if reviewed is None:
        return False
    opening = _OPENING_YEAR.match(paragraph)
    if opening:
        return int(opening[1]) > reviewed
    plan = plan_years(paragraph[:_OPENING])
    return plan is not None and plan[0] > reviewed


def align(tasks: list[Task], passages: list[Passage]) -> list[Alignment]:
    """Each task with the passages that report on it, best first (none when nothing does)."""
    documents = [Counter(terms(p.text)) for p in passages]
    if not documents:
        return [Alignment(task) for task in tasks]
    frequency: Counter = Counter()
    for document in documents:
        frequency.update(document.keys())
    count = len(documents)
    average = sum(sum(d.values()) for d in documents) / count
    capacity = max(1, round(sum(len(d) for d in documents) / count))  # distinct terms a passage
    idf = {t: math.log(1 + (count - n + 0.5) / (n + 0.5)) for t, n in frequency.items()}
    alignments = []
    for task in tasks:
        query = set(terms(f"{task.title}\n{task.text}"))
        rarest = sorted((idf.get(t, 0.0) for t in query), reverse=True)[:capacity]
        most = sum(rarest) * (K1 + 1) * SAME_KIND or 1.0
        scored = []
        for passage, document in zip(passages, documents, strict=True):
            score = _bm25(query, document, idf, average)
            if task.kind and passage.kind == task.kind:
                score *= SAME_KIND
            scored.append(Match(passage, round(score / most, 4)))
        scored.sort(key=lambda m: -m.score)
        best = scored[0].score if scored else 0.0
        kept = [
            m for m in scored[:MAX_PASSAGES] if best >= MIN_SCORE and m.score >= best * KEEP_SHARE
        ]
        alignments.append(Alignment(task, kept))
    return alignments


def _bm25(query: set[str], document: Counter, idf: dict[str, float], average: float) -> float:
    length = sum(document.values())
    score = 0.0
    for term in query:
        tf = document.get(term)
        if tf:
            score += idf[term] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))
    return score
