"""The whole product through its command line: sample site → crawl → extract → index → search.

The answers are checked against ``demo/site/truth.json``, which records which reports of the
sample archive contain which terms (computed from the text, not by hand).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from cppcc_search.demo import demo_site_root
from cppcc_search.sitehost import serve_directory

pytestmark = pytest.mark.slow

CLI = str(Path(sys.executable).with_name("cppcc-search"))


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def search_json(data_dir: Path, *args: str) -> dict[str, Any]:
    result = cli("search", *args, "--json", "--per-page", "1000", "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def truth() -> dict[str, Any]:
    return json.loads((demo_site_root() / "truth.json").read_text("utf-8"))


def build_archive(site: Path, data_dir: Path) -> str:
    """Serve a site folder, crawl, extract and index it through the CLI; what extract printed."""
    with serve_directory(site) as base_url:
        crawled = cli("crawl", f"{base_url}/", "--delay", "0", "--data-dir", str(data_dir))
        assert crawled.returncode == 0, crawled.stderr
    extracted = cli("extract", "--data-dir", str(data_dir))
    assert extracted.returncode == 0, extracted.stderr
    indexed = cli("index", "--data-dir", str(data_dir))
    assert indexed.returncode == 0, indexed.stderr
    return extracted.stdout


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Crawl, extract and index the sample site through the CLI; yields the data dir."""
    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    build_archive(demo_site_root(), data_dir)
    yield data_dir


def truth_paths_with(truth: dict[str, Any], term: str) -> set[str]:
    return {doc["path"] for doc in truth["documents"] if doc["terms"][term]}


def truth_years_with(truth: dict[str, Any], term: str) -> set[int]:
    return {int(year) for year in truth["summary"]["terms"][term]["by_year"]}


def site_path(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def test_every_document_of_the_sample_site_is_extracted(
    archive: Path, truth: dict[str, Any]
) -> None:
    lines = (archive / "documents.jsonl").read_text("utf-8").splitlines()
    documents = [json.loads(line) for line in lines]
    assert {site_path(doc["url"]) for doc in documents} == {
        doc["path"] for doc in truth["documents"]
    }
    marker_free = "\n".join(lines)
    assert "ADMIN-AREA-MARKER" not in marker_free and "ADMIN-DRAFT-MARKER" not in marker_free
    by_path = {site_path(doc["url"]): doc for doc in documents}
    for expected in truth["documents"]:
        got = by_path[expected["path"]]
        for key in ("title", "date", "year", "language", "doc_type", "level"):
            assert got[key] == expected[key], (expected["path"], key)


# The truth's terms in both languages: a term is also searched as its translation (issue 12).
TWINS = {"新能源": "new energy", "养老": "elderly care", "民营经济": "private economy"}


@pytest.mark.parametrize("term", ["新能源", "养老", "民营经济", "乡村振兴"])
def test_a_term_finds_exactly_the_reports_that_contain_it_or_its_translation(
    archive: Path, truth: dict[str, Any], term: str
) -> None:
    answer = search_json(archive, term)
    found = {site_path(hit["url"]) for hit in answer["results"]}
    terms = [term, TWINS[term]] if term in TWINS else [term]
    assert found == set().union(*(truth_paths_with(truth, t) for t in terms))
    assert {facet["value"] for facet in answer["facets"]["year"]} == set().union(
        *(truth_years_with(truth, t) for t in terms)
    )
    assert answer["total"] == len(answer["results"])
    renderings = {r for t in answer["translations"] for r in t["renderings"]}
    assert (TWINS[term] in renderings) if term in TWINS else not renderings


def test_an_english_phrase_finds_the_english_reports(archive: Path, truth: dict[str, Any]) -> None:
    answer = search_json(archive, '"elderly care"', "--lang", "en")
    assert {site_path(hit["url"]) for hit in answer["results"]} == truth_paths_with(
        truth, "elderly care"
    )
    both = search_json(archive, '"elderly care"')
    assert {site_path(hit["url"]) for hit in both["results"]} == truth_paths_with(
        truth, "elderly care"
    ) | truth_paths_with(truth, "养老")
    assert {facet["value"] for facet in both["facets"]["language"]} == {"en", "zh"}


def test_facet_counts_agree_with_filtered_searches(archive: Path) -> None:
    answer = search_json(archive, "养老")
    year_counts = {facet["value"]: facet["count"] for facet in answer["facets"]["year"]}
    assert sum(year_counts.values()) == answer["total"]
    some_year = max(year_counts)
    filtered = search_json(archive, "养老", "--year", str(some_year))
    assert filtered["total"] == year_counts[some_year]
    part_counts = {facet["value"]: facet["count"] for facet in answer["facets"]["part"]}
    assert set(part_counts) <= {"review", "plan", "other"}
    planned = search_json(archive, "养老", "--part", "plan")
    assert planned["total"] == part_counts.get("plan", 0) > 0


def test_the_committee_facet_counts_the_four_committees(archive: Path) -> None:
    answer = search_json(archive, "")
    bodies = {facet["value"]: facet["label"]["zh"] for facet in answer["facets"]["committee"]}
    assert bodies == {
        "cppcc-national": "中国人民政治协商会议全国委员会",
        "cppcc-330000": "政协浙江省委员会",
        "cppcc-320400": "政协常州市委员会",
        "cppcc-410300": "政协洛阳市委员会",
    }
    # Chinese and English names of one committee filter alike, and the CLI says what they meant.
    counts = {facet["value"]: facet["count"] for facet in answer["facets"]["committee"]}
    for name in ("15th Changzhou Municipal Committee", "政协常州市委员会", "cppcc-320400"):
        result = cli("search", "", "--committee", name, "--json", "--data-dir", str(archive))
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["total"] == counts["cppcc-320400"]
        if name != "cppcc-320400":
            assert f"committee {name!r} → cppcc-320400 (政协常州市委员会" in result.stderr


def test_the_human_readable_search_shows_hits_and_their_sources(archive: Path) -> None:
    result = cli("search", "民营经济", "--data-dir", str(archive))
    assert result.returncode == 0, result.stderr
    assert "matching sections" in result.stdout
    assert "http://127.0.0.1:" in result.stdout


def test_demo_build_only_then_search_energy(tmp_path: Path) -> None:
    """The issue's "done when": a fresh directory, the demo builds, `search energy` answers."""
    built = cli("demo", "--build-only", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    assert (tmp_path / "index_data" / "documents.jsonl").exists()
    searched = cli("search", "energy", "--json", cwd=tmp_path)
    assert searched.returncode == 0, searched.stderr
    answer = json.loads(searched.stdout)
    assert answer["total"] > 0
    # English hits, and Chinese ones through the translations the answer names.
    languages = {facet["value"] for facet in answer["facets"]["language"]}
    assert "en" in languages
    assert ("zh" in languages) == any(t["renderings"] for t in answer["translations"])
    assert answer["facets"]["year"], "facets must come with the hits"


def copy_of(archive: Path, tmp_path: Path) -> Path:
    import shutil

    data_dir = tmp_path / "data"
    shutil.copytree(archive, data_dir)
    return data_dir


def snapshot(data_dir: Path) -> tuple[bytes, str, str]:
    index = data_dir / "index"
    current = (index / "CURRENT").read_text("ascii").strip()
    manifest = (index / current / "manifest.json").read_text("utf-8")
    return (data_dir / "documents.jsonl").read_bytes(), current, manifest


def test_the_wipe_chain_stops_with_one_line_and_keeps_the_data(archive: Path, tmp_path: Path):
    """Gone archive files, then an empty documents file: each command exits 1 with one line,
    and documents.jsonl and the index stay as they were."""
    data_dir = copy_of(archive, tmp_path)
    before = snapshot(data_dir)
    for warc in (data_dir / "warc").iterdir():
        warc.unlink()
    extracted = cli("extract", "--data-dir", str(data_dir))
    assert extracted.returncode == 1
    assert "archive files are missing or damaged" in extracted.stderr
    assert len(extracted.stderr.strip().splitlines()) == 1
    indexed = cli("index", "--data-dir", str(data_dir))
    assert indexed.returncode == 0 and "up to date" in indexed.stderr
    assert snapshot(data_dir) == before

    (data_dir / "documents.jsonl").write_text("", encoding="utf-8")
    emptied = cli("index", "--data-dir", str(data_dir))
    assert emptied.returncode == 1 and "holds no reports" in emptied.stderr
    lines = before[0].decode("utf-8").splitlines(keepends=True)
    (data_dir / "documents.jsonl").write_text(lines[0], encoding="utf-8")
    shrunk = cli("index", "--data-dir", str(data_dir))
    assert shrunk.returncode == 1 and "more than half" in shrunk.stderr
    assert "--force" in shrunk.stderr
    assert snapshot(data_dir)[1:] == before[1:]
    checked = cli("index", "--check", "--data-dir", str(data_dir))
    assert checked.returncode == 0 and "is healthy" in checked.stdout


def test_a_damaged_index_is_reported_by_check_and_repaired_by_index(archive: Path, tmp_path):
    data_dir = copy_of(archive, tmp_path)
    current = data_dir / "index" / (data_dir / "index" / "CURRENT").read_text("ascii").strip()
    postings = sorted(current.glob("*.pst"))[0]
    postings.write_bytes(bytes(postings.stat().st_size))
    checked = cli("index", "--check", "--data-dir", str(data_dir))
    assert checked.returncode == 1 and postings.name in checked.stdout
    searched = cli("search", "新能源", "--data-dir", str(data_dir))
    assert searched.returncode == 1 and "`cppcc-search index`" in searched.stderr
    repaired = cli("index", "--data-dir", str(data_dir))
    assert repaired.returncode == 0 and "rebuilding it" in repaired.stderr
    assert cli("index", "--check", "--data-dir", str(data_dir)).returncode == 0
    assert search_json(data_dir, "新能源")["total"] > 0


def test_demo_on_a_taken_port_says_so_first_and_serves_on_a_free_one(tmp_path: Path) -> None:
    """The port is checked before the build: its message is the first line, and the web UI
    then answers on the free port the demo prints."""
    import re
    import socket
    import urllib.request

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with subprocess.Popen(
            [CLI, "demo", "--port", str(busy)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as demo:
            try:
                assert demo.stdout is not None
                first = demo.stdout.readline()
                assert f"port {busy} is taken" in first, first
                free = int(re.search(r"will use port (\d+)", first).group(1))
                lines = [first]
                while "web UI:" not in lines[-1]:
                    line = demo.stdout.readline()
                    assert line, "".join(lines)  # the demo ended before serving
                    lines.append(line)
                assert f"http://127.0.0.1:{free}/" in lines[-1]
                assert not any("Traceback" in line or "Warning" in line for line in lines)
                with urllib.request.urlopen(f"http://127.0.0.1:{free}/search?q=energy") as page:
                    assert page.status == 200
            finally:
                demo.terminate()
                demo.wait(timeout=60)
