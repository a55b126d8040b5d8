"""Figures a report states: a number, its unit and the phrase it measures.

"提交提案512件" → (提交提案, 512, 件); "国内生产总值达到74.4万亿元、增长6.7%" → (国内生产总值,
74.4, 万亿元) and (国内生产总值增长, 6.7, %): a clause that only says how something changed
borrows the subject of the clause before it. "GDP grew by 5.2 percent" → (GDP growth, 5.2, %);
"submitted 46 consultation results" → (consultation results, 46, ""). Chinese numerals
(三百四十六条, 百分之七点八) are read with cn2an. A figure needs a unit or a counted noun: bare
numbers (years, "十三五", "两个维护") are not figures.

The sentence a figure is quoted with has full-width digits and the spaces old typesetting put
between digits normalised, so the value can be read in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cppcc_search.models import Report, Section

# Bump when extraction changes what it finds: the indexer re-indexes every report then.
FIGURES_VERSION = 1


def _words(text: str) -> list[str]:
    """A word list written as one string (reads best for long lists of short words)."""
    return text.split()


# Units, longest first so that 人次 wins over 人 and 千瓦时 over 千瓦.
_ZH_UNITS = sorted(
    _words(
        "个百分点 百分点 平方公里 平方米 立方米 千瓦时 千瓦 标准箱 万元 亿元 美元 元 吨 "
        "公斤 千克 斤 亩 公顷 公里 千米 米 人次 人 名 位 户 件 条 项 个 家 所 篇 次 套 辆 "
        "台 座 处 场 期 批 部 份 册 本 种 天 小时 架 艘"
    ),
    key=len,
    reverse=True,
)
# Classifiers whose figure counts the noun after them ("完成46项协商成果").
_ZH_CLASSIFIERS = frozenset(
    _words("件 条 项 个 家 所 篇 套 辆 台 座 处 场 期 批 部 份 册 本 种 架 艘")
)


def _unit_pattern(unit: str) -> str:
    # 人 is a unit, not the start of 人口, 人民, 人员, 人才 or 人均.
    return "人(?![口民员才均])" if unit == "人" else re.escape(unit)


_ZH_SCALES = {"万亿": 1e12, "亿": 1e8, "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4, "千": 1e3}
# Money, energy and mass units whose scale words make one family: a series converts between them.
_UNIT_FAMILIES = {"元": 1.0, "美元": 1.0, "吨": 1.0, "千瓦": 1.0, "人": 1.0, "千瓦时": 1.0}
_CN_DIGITS = "零〇一二三四五六七八九十百千万亿两"
_CN = "[" + _CN_DIGITS + "]"
# A numeral in words is two characters at least: one alone (三项制度, 两个维护, and every 一 of
# prose) is counting words, never a figure, and cannot be followed by a scale word (those are
# numerals too, so the run would be longer). Not matching it at all spares most of the work of
# reading a Chinese text, where such characters are everywhere.
_NUMBER = re.compile(
    r"(?P<pct>百分之)(?P<pnum>[" + _CN_DIGITS + r"点]+)"
    r"|(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<cn>" + _CN + "(?:" + _CN + "+(?:点" + _CN + "+)?|点" + _CN + "+))"
)
# Where a _NUMBER can start: a digit, 百 of 百分之, or a numeral in words of two characters. A
# sentence without one holds no figure (most do not); this pattern starts with a character
# class, which the regex engine skips to directly, so it finds that several times faster than
# _NUMBER's alternatives tried at every character.
_ZH_CANDIDATE = re.compile(
    r"[\d" + _CN_DIGITS + r"](?:(?<=\d)|(?<=百)(?=分之)|(?=[" + _CN_DIGITS + r"点]))"
)
_UNIT_AFTER = re.compile(
    r"(?P<scale>万亿|亿|千万|百万|十万|万|千)?(?P<more>多|余)?"
    r"(?P<unit>%|" + "|".join(map(_unit_pattern, _ZH_UNITS)) + r")?"
    r"(?P<qual>左右|以上|以下|以内|多|余)?"
)
_RANGE_TAIL = re.compile(r"\s*[－—\-~～至到]\s*(?:百分之)?[\d" + _CN_DIGITS + r"点.]+\s*%?")
_CLAUSE_BREAKS = '，,、；;：:（）()“”"'
_SENTENCE_ENDS = "。！？!?\n"
_SENTENCE_END = re.compile(f"[{_SENTENCE_ENDS}]")
_EN_SENTENCE = re.compile(r".+?(?:[.!?](?=\s+|$)|$)", re.S)
# Words that open a clause without naming what is measured: times, connectives.
_ZH_LEADING = re.compile(
    r"^(?:其中|同时|并且?|而且?|但|还|也|共计?|全年|今年|去年|上年|当年|本年|年末|年底|年初|目前|"
    r"一年来|五年来|过去一年|过去五年|今后五年|(?:上|下)半年|年初|初|[一二三四五六七八九十\d]+年(?:来|间|内)?|"
    r"到?\d{4}年(?:底|末)?|我们)+"
)
_ZH_CHANGE_VERB = (
    r"(?:增长|递增|递减|下降|上涨|上升|提高|降低|减少|增加|回落|扩大|缩小|降幅|涨幅|增幅|增速)"
)
# Words inside a phrase that qualify the number, not the thing measured; single characters
# only before a change verb (要 is also the second character of 主要).
_ZH_FILLER = re.compile(
    r"比上年|比去年|较上年|同比|按可比价格计算|分别|力争|争取|确保|预计|预期|控制在|保持在|稳定在|"
    r"累计|共计|总计|合计|已经|比(?:上一?年|去年|前一年)|计划|提出|(?:要|将|拟|可以|可|(?<!年)均|实际|实)(?=(?:年均)?"
    + _ZH_CHANGE_VERB
    + ")"
)
# "由4.5%提高到5%": the baseline goes, the change and its result stay.
_ZH_FROM = re.compile(
    r"(?:由|从)[\d.%]+[\u3400-\u9fff]{0,3}?(?=" + _ZH_CHANGE_VERB + r"?(?:到|至))"
)
# Copulas, prepositions and qualifiers a phrase may end in before its number.
_ZH_TRAILING = re.compile(
    r"(?:达到|达|为|是|有|已|的|超过|突破|超|到|至|了|在|于|约|近|逾|共|要|将)+$"
)
# A phrase that is only a change: it measures the subject of the clause before it.
_ZH_CHANGE = re.compile(r"^(?:年均)?" + _ZH_CHANGE_VERB + "$")
_ZH_CHANGE_SUFFIX = re.compile(r"(?:年均)?" + _ZH_CHANGE_VERB + "$")
# A number that is a baseline ("由4.5%", "比2010年") or vague ("数十万", "上万"): no figure.
_ZH_BASELINE = re.compile(r"(?:(?:由|从)[^到至]*|比|较|与|同|数|几|上|成)$")
# Compiled once: these run for every number of a Chinese text.
_LISTED = re.compile(r"\s*[、和及与]\s*")
_TRAILING_SCALE = re.compile(r"(万亿|亿|万)$")
_ZH_CHANGE_TO = re.compile(_ZH_CHANGE_VERB + r"(?:到|至)$")
_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")
_CN_NUMERAL = re.compile("[" + _CN_DIGITS + "]{2,}")
_ALL_CHINESE = re.compile(r"[\u3400-\u9fff]+")
MAX_ZH_PHRASE = 16
MAX_EN_WORDS = 6

_EN_NUMBER = re.compile(
    r"(?<![\w.$])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?![\w.]*\d)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion))?"
    r"\s*(?P<unit>%|percent(?:age points?)?|per cent|yuan|US dollars|dollars|tons|tonnes|"
    r"kilometers|kilometres|km|kilowatts|kilowatt-hours|square kilometers|hectares|mu)?"
    r"(?![\w-])",
    re.IGNORECASE,
)
_EN_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_EN_STOP = frozenset(
    _words(
        "the a an of to for and or in on at by with from that which who were was is are be been "
        "as into than more over under nearly about around some this these those its their our"
    )
)
_EN_LEADING = re.compile(
    r"^(?:(?:and|but|while|whereas|of which|among them|in total|in all|overall|"
    r"in \d{4}|last year|this year|the past year|over the past (?:five )?years?|we|it)\s*,?\s*)+",
    re.IGNORECASE,
)
_EN_TRAILING = re.compile(
    r"(?:\s+(?:by|to|of|at|around|about|approximately|roughly|more than|over|nearly|almost|"
    r"some|up|reached|reaching|hit|was|were|is|are|stood at|totaled|totalled|amounted to|"
    r"a total of|an? (?:increase|rise|decrease|decline) of))+$",
    re.IGNORECASE,
)
_EN_CHANGE = {
    "grew": "growth",
    "grow": "growth",
    "grows": "growth",
    "increased": "growth",
    "increase": "growth",
    "rose": "growth",
    "expanded": "growth",
    "fell": "decline",
    "decreased": "decline",
    "declined": "decline",
    "dropped": "decline",
    "decrease": "decline",
}
_EN_MEASURE_WORDS = frozenset(["pieces", "items", "issues", "batches", "rounds", "sessions"])
_EN_YEARS = range(1900, 2101)


@dataclass(frozen=True)
class Figure:
    """One stated number: what it measures, its value and unit as written, its sentence."""

    label: str
    value: float
    unit: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict, which deep-copies each field: the indexer calls this for
        # every figure of the archive.
        return {"label": self.label, "value": self.value, "unit": self.unit, "text": self.text}


def normalise_digits(text: str) -> str:
    """Full-width digits, points and percent signs as ASCII; spaces between digits dropped."""
    # Substituted where they occur: str.translate looks up every character of a Chinese text
    # (measured 25x slower over the corpus's sections).
    if _FULL_WIDTH.search(text):
        text = _FULL_WIDTH.sub(lambda found: _ASCII[found[0]], text)
    return _GROUPED_DIGITS.sub(",", _SPACED_DIGITS.sub("", text))


# Both patterns start with the character they replace and look behind it afterwards: a pattern
# starting with a look-behind is tried at every character of the text, one starting with a
# character the regex engine skips to (measured: normalise_digits 0.08 -> 0.03 ms a section).
_GROUPED_DIGITS = re.compile(r"，(?<=\d，)(?=\d{3}(?!\d))")
_ASCII = dict(zip("０１２３４５６７８９．％", "0123456789.%", strict=True))
_FULL_WIDTH = re.compile(f"[{''.join(_ASCII)}]")
_SPACED_DIGITS = re.compile(r"[ \u3000](?<=[\d.][ \u3000])[ \u3000]*(?=[\d.%]|亿|万)")


def extract_figures(text: str, language: str = "zh") -> list[Figure]:
    """Every figure stated in a text, in order."""
    text = normalise_digits(text)
    if language != "en":
        return [figure for s in _candidate_sentences(text) for figure in _chinese_figures(s)]
    figures: list[Figure] = []
    for match in _EN_SENTENCE.finditer(text):
        sentence = match.group(0).strip()
        if sentence:
            figures.extend(_english_figures(sentence))
    return figures


def _candidate_sentences(text: str) -> Iterator[str]:
    """The Chinese sentences where a number can start, stripped: a sentence is a run of
    characters between end marks and line breaks, with its end mark.

    Found from the numbers, not sentence by sentence: most sentences hold none (a sixth of
    extraction's time, measured), and a candidate's look-arounds never reach past its sentence
    (no digit, 百分之, numeral or 点 ends one).
    """
    position = 0
    while (candidate := _ZH_CANDIDATE.search(text, position)) is not None:
        at = candidate.start()
        start = max(text.rfind(end, position, at) for end in _SENTENCE_ENDS) + 1 or position
        position = _sentence_end(text, at)
        sentence = text[start:position].strip()
        if sentence:
            yield sentence


def _sentence_end(text: str, at: int) -> int:
    """Where the sentence holding ``at`` ends: after its end mark, or at a line break."""
    stop = _SENTENCE_END.search(text, at)
    if stop is None:
        return len(text)
    return stop.start() if stop[0] == "\n" else stop.end()


def section_figures(report: Report, section: Section) -> list[dict[str, Any]]:
    """The figures of one section as the index stores them: each with the year it is about
    and whether it is a target (``plan``), an outcome (``review``) or neither (``other``)."""
    points = []
    for figure in extract_figures(section.text, report.language):
        point = figure.to_dict()
        point["part_kind"] = figure_role(section.part_kind, figure.text)
        point["year"] = figure_year(report, section, point["part_kind"], figure.text)
        points.append(point)
    return points


# A sentence outside review and plan parts that sets a target, or that reports a result.
_TARGET_CUE = re.compile(r"目标|计划|预期|力争|争取|今年|今后|target|plan|aim|will|strive", re.I)
_OUTCOME_CUE = re.compile(
    r"去年|上年|上一年|过去|已经|一年来|实现了|达到了|完成了|last year|past year|was|were", re.I
)
# A year the sentence opens on ("2001年国内生产总值…", "到2020年…", "In 2023, …").
_LEADING_YEAR = re.compile(r"^(?:到|至|in\s+|by\s+)?((?:19|20)\d{2})\s*年?", re.I)


def figure_role(part_kind: str, sentence: str) -> str:
    """plan for a target, review for an outcome: the part's kind, else the sentence's cues."""
    if part_kind in ("review", "plan"):
        return part_kind
    if _OUTCOME_CUE.search(sentence):
        return "review"
    return "plan" if _TARGET_CUE.search(sentence) else "other"


def figure_year(report: Report, section: Section, role: str, sentence: str) -> int | None:
    """The year a figure is about: one the sentence opens on, else the part's period, else the
    report's year (the year before for an outcome)."""
    opening = _LEADING_YEAR.match(sentence)
    if opening:
        return int(opening[1])
    if section.period_year is not None:
        return section.period_year
    if report.year is None:
        return None
    return report.year - 1 if role == "review" else report.year


def unit_scale(unit: str) -> tuple[str, float]:
    """A unit's family and its size in that family's base: 万亿元 → (元, 1e12), % → (%, 1)."""
    for scale, factor in sorted(_ZH_SCALES.items(), key=lambda item: -len(item[0])):
        base = unit[len(scale) :]
        if unit.startswith(scale) and base in _UNIT_FAMILIES:
            return base, factor
    for word, factor in _EN_SCALES.items():
        if unit.startswith(word + " "):
            return unit[len(word) + 1 :], factor
    return unit, 1.0


# -- Chinese ------------------------------------------------------------------------------------


def _chinese_figures(sentence: str) -> list[Figure]:
    figures: list[Figure] = []
    subject = ""
    position = last_end = 0
    while True:
        match = _NUMBER.search(sentence, position)
        if match is None:
            return figures
        position = match.end()
        found = _chinese_number(sentence, match)
        if found is None:
            continue
        value, unit, end = found
        position = end
        if sentence.startswith("的", end):
            continue  # "80%的财政收入": a share of the noun after, not of the clause before
        listed = _LISTED.fullmatch(sentence[last_end : match.start()])
        last_end = end
        if listed or _LIST_NEXT.match(sentence, end):
            continue  # "分别下降23%、15%、18%": values of a list of subjects, not of one
        counted = _zh_counted(sentence[end:]) if _base_unit(unit) in _ZH_CLASSIFIERS else ""
        phrase = counted or _zh_phrase(sentence[: match.start()])
        if phrase is None or (phrase and len(phrase) < 2):
            continue
        if not phrase or _ZH_CHANGE.match(phrase):
            if not subject:
                continue
            phrase = subject + phrase
        subject = _ZH_CHANGE_SUFFIX.sub("", phrase) or subject
        figures.append(Figure(phrase, value, unit, sentence))


def _chinese_number(sentence: str, match: re.Match[str]) -> tuple[float, str, int] | None:
    """The value, unit and end of a number with its unit; None when it has no unit."""
    if match["pct"]:
        value = _cn_value(match["pnum"])
        if value is None:
            return None
        return value, "%", _skip_range(sentence, match.end())
    tail = _UNIT_AFTER.match(sentence, match.end())
    scale, unit = (tail["scale"] or "", tail["unit"] or "") if tail else ("", "")
    if match["num"]:
        value = float(match["num"].replace(",", ""))
    else:
        digits = match["cn"]  # two characters at least (see _NUMBER)
        trailing = _TRAILING_SCALE.search(digits)
        if trailing and len(digits) > len(trailing[1]) and not scale:
            scale, digits = trailing[1], digits[: -len(trailing[1])]
        value = _cn_value(digits)
        if value is None:
            return None
    if not unit or (unit in ("年",)):
        return None
    if unit == "%" and scale:
        return None
    if unit in ("百分点",):
        unit = "个百分点"
    end = tail.end() if tail else match.end()
    return value, scale + unit, _skip_range(sentence, end) if unit == "%" else end


def _skip_range(sentence: str, end: int) -> int:
    """After "6%" in "6%－6.5%": the end of the range, so its upper bound is not a figure."""
    tail = _RANGE_TAIL.match(sentence, end)
    return tail.end() if tail else end


# Numerals in words are a small vocabulary (十四五, 两千, 百分之三): each is read by cn2an once.
@lru_cache(maxsize=4096)
def _cn_value(digits: str) -> float | None:
    import cn2an  # a third of a second to import: only texts with numerals in words pay it

    try:
        return float(cn2an.cn2an(digits, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


_ZH_COUNTED = re.compile(r"(?:(?!的)[\u3400-\u9fff]){2,10}(?=$|[，,、；;。：:（(的和及与])")
_ZH_NOT_NOUN = re.compile(r"^[的之和及与以已是为在把被对向从到将要左右上下内多余]")


_LIST_NEXT = re.compile(r"\s*[、和及与]\s*(?:百分之)?[\d" + _CN_DIGITS + r"]")


def _base_unit(unit: str) -> str:
    """A unit without its scale word: 万个 → 个."""
    for scale in sorted(_ZH_SCALES, key=len, reverse=True):
        if unit.startswith(scale) and len(unit) > len(scale):
            return unit[len(scale) :]
    return unit


def _zh_counted(after: str) -> str:
    """The noun a classifier counts when it follows ("46项协商成果" → 协商成果), else ""."""
    if _ZH_NOT_NOUN.match(after):
        return ""
    match = _ZH_COUNTED.match(after)
    return match.group(0) if match else ""


# A comparison with a year other than the last ("与2000年相比"): a change over years, not a year's.
_ZH_SPAN_BASELINE = re.compile(
    r"(?:与|同|比)[\d〇○零一二三四五六七八九]{4}年|比[\u3400-\u9fff]{1,3}前"
)


def _zh_phrase(before: str) -> str | None:
    """What the number measures: its clause up to the number, without times, modal words and
    copulas. "" when nothing is left; None when the number is a baseline or the clause too long."""
    if _ZH_SPAN_BASELINE.search(before):
        return None
    # After the last clause break (rfind per break: split would cut the whole prefix up).
    clause = before[max(map(before.rfind, _CLAUSE_BREAKS)) + 1 :].strip()
    if _ZH_BASELINE.search(clause):
        return None
    clause = _ZH_LEADING.sub("", clause.replace("平均每年", "年均"))
    clause = _ZH_FROM.sub("", clause)
    clause = _ZH_FILLER.sub("", _ZH_FILLER.sub("", clause))
    # "财政收入增加到20.4万亿元" states the level reached, not the change: the label is the subject.
    clause = _ZH_CHANGE_TO.sub("", clause)
    clause = _ZH_TRAILING.sub("", clause)
    clause = _ZH_LEADING.sub("", clause).strip()
    clause = clause.lstrip("的之")
    if len(clause) > MAX_ZH_PHRASE or _LATIN_OR_DIGIT.search(clause):
        return None
    if _CN_NUMERAL.search(clause):
        return None  # another quantity in words inside the phrase: a baseline or a condition
    if clause and not _ALL_CHINESE.fullmatch(clause):
        return None
    return clause


# -- English ------------------------------------------------------------------------------------


def _english_figures(sentence: str) -> list[Figure]:
    figures: list[Figure] = []
    subject = ""
    for match in _EN_NUMBER.finditer(sentence):
        number = match["num"].replace(",", "")
        value = float(number + (match["frac"] or ""))
        scale = (match["scale"] or "").lower()
        unit = _en_unit(match["unit"] or "")
        label: str | None
        if unit:
            label = _en_phrase(sentence[: match.start()])
            if label is None:
                continue
            if not label or label in ("growth", "decline"):
                if not subject:
                    continue
                label = f"{subject} {label}".strip()
            subject = re.sub(r"\s*(growth|decline)$", "", label) or subject
            if scale:
                unit = f"{scale} {unit}"
        else:
            if scale or match["frac"] or int(value) in _EN_YEARS:
                continue
            label = _en_counted(sentence[match.end() :])
            if not label:
                continue
        figures.append(Figure(label, value, unit, sentence))
    return figures


def _en_unit(unit: str) -> str:
    lowered = unit.lower()
    if lowered in ("%", "percent", "per cent"):
        return "%"
    if lowered.startswith("percentage point"):
        return "percentage points"
    if lowered in ("tonnes",):
        return "tons"
    if lowered in ("kilometres", "km"):
        return "kilometers"
    return lowered


def _en_phrase(before: str) -> str | None:
    """The words of the number's clause before it, change verbs as nouns ("GDP grew by" →
    "GDP growth"); None when the clause is long or ends in a baseline ("from")."""
    before = re.sub(r"\([^)]*\)", " ", before)
    clause = re.split(r"[,;:()]|\band\b(?=\s+(?:the|its|our|[a-z]+ed)\b)", before)[-1].strip()
    clause = _EN_LEADING.sub("", clause)
    clause = _EN_TRAILING.sub("", clause).strip()
    if re.search(r"\b(from|than|compared with)$", clause, re.I):
        return None
    words = [_EN_CHANGE.get(w.lower(), w) for w in clause.split()]
    words = [w for w in words if w.lower() not in ("year-on-year", "respectively", "annual")]
    if len(words) > MAX_EN_WORDS or any(re.search(r"\d", w) for w in words):
        return None
    return " ".join(words)


def _en_counted(after: str) -> str | None:
    """The counted noun after a bare number: "46 consultation results were…" → "consultation
    results"; "600 pieces of information" → "pieces of information"."""
    words = re.findall(r"[A-Za-z’'-]+|[^\sA-Za-z’'-]", after.strip())
    noun: list[str] = []
    for word in words:
        if not re.match(r"[A-Za-z]", word) or word.lower() in _EN_STOP:
            break
        noun.append(word)
        if len(noun) == 4:
            break
    if not noun or not noun[-1].lower().endswith("s") or noun[-1].lower().endswith("ss"):
        return None
    rest = after.strip()[len(" ".join(noun)) :].split()
    if noun[-1].lower() in _EN_MEASURE_WORDS and len(rest) >= 2 and rest[0] == "of":
        noun.append("of")
        for word in rest[1:4]:
            bare = re.sub(r"[^\w’'-]+$", "", word)
            if not bare or bare.lower() in _EN_STOP:
                break
            noun.append(bare)
            if bare != word:
                break
    return " ".join(noun)
