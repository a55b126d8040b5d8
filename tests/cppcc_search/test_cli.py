"""The command line's contract: options, the data-dir default, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cppcc_search.cli import build_parser, default_data_dir, main
from cppcc_search.models import Report, Section, write_documents


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console script in a new process."""
    script = Path(sys.executable).with_name("cppcc-search")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "an error must say something"
    assert expected in lines[-1]


def test_data_dir_defaults_to_index_data_and_env_overrides() -> None:
    assert default_data_dir({}) == Path("index_data")
    assert default_data_dir({"CPPCC_SEARCH_DATA_DIR": "/srv/archive"}) == Path("/srv/archive")
    args = build_parser(Path("/from/env")).parse_args(["search", "energy"])
    assert args.data_dir == Path("/from/env")
    args = build_parser(Path("/from/env")).parse_args(["index", "--data-dir", "/explicit"])
    assert args.data_dir == Path("/explicit")


def test_every_contract_command_is_documented_in_help() -> None:
    help_text = build_parser(Path("index_data")).format_help()
    for command in ("crawl", "extract", "index", "search", "serve", "demo"):
        assert command in help_text
    contracts = (Path(__file__).resolve().parents[2] / "docs" / "contracts.md").read_text("utf-8")
    for command in ("crawl", "extract", "index", "search", "serve", "demo"):
        assert f"cppcc-search {command}" in contracts


def test_search_without_an_index_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("search", "energy", "--data-dir", str(tmp_path / "empty"))
    assert_one_line_error(result, f"no index in {tmp_path / 'empty' / 'index'}")


def test_without_an_index_the_default_data_dir_is_said_to_be_relative(tmp_path: Path) -> None:
    """The default ./index_data is read from the current folder: the message says where."""
    result = run_cli("search", "energy", cwd=tmp_path)
    assert_one_line_error(result, f"no index in {tmp_path / 'index_data' / 'index'}")
    assert "relative to the current folder" in result.stderr and "--data-dir" in result.stderr


def test_extract_without_a_crawl_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("extract", "--data-dir", str(tmp_path))
    assert_one_line_error(result, "crawl")


def test_index_without_documents_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("index", "--data-dir", str(tmp_path))
    assert_one_line_error(result, "documents.jsonl")


def test_crawl_rejects_a_non_http_seed(tmp_path: Path) -> None:
    result = run_cli("crawl", "ftp://example.org/", "--data-dir", str(tmp_path))
    assert_one_line_error(result, "ftp://example.org/")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["search", "x", "--per-page", "5000"], "at most 1000"),
        (["search", "x", "--page", "0"], "must be 1 or more"),
        (["search", "x", "--lang", "fr"], "invalid choice"),
        (["search", "x", "--sort", "random"], "invalid choice"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_options_exit_2_with_a_usage_message(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args, environ={})
    assert exit_info.value.code == 2
    assert expected in capsys.readouterr().err


@pytest.mark.parametrize(("query", "why"), [("title:", "needs a word"), ("AND OR", "nothing to")])
def test_a_query_with_nothing_to_search_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], query: str, why: str
) -> None:
    code = main(["search", query, "--data-dir", str(tmp_path)], environ={})
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and why in err


def test_a_bad_year_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["search", "x", "--year", "twenty", "--data-dir", str(tmp_path)], environ={})
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "twenty" in err


def test_index_then_search_through_the_cli(tmp_path: Path) -> None:
    report = Report(
        id="r1",
        url="http://127.0.0.1/r1.html",
        urls=["http://127.0.0.1/r1.html"],
        title="Work report of the Standing Committee",
        date="2024-01-20",
        year=2024,
        language="en",
        doc_type="work report",
        committee="15th Changzhou Municipal Committee",
        level="municipal",
        speaker="Dai Yuan",
        meeting_date="2024-01-15",
        encoding="utf-8",
        sections=[
            Section(1, 1, "2023 work review", "2023 work review", "review", 2023, "We met."),
            Section(
                2,
                2,
                "1. Build a new energy city",
                "2023 work review",
                "review",
                2023,
                "New energies and energy storage were the theme of consultation.",
            ),
        ],
    )
    data_dir = tmp_path / "data"
    write_documents(data_dir / "documents.jsonl", [report])
    indexed = run_cli("index", "--data-dir", str(data_dir))
    assert indexed.returncode == 0, indexed.stderr
    found = run_cli("search", "energy", "--data-dir", str(data_dir))
    assert found.returncode == 0, found.stderr
    assert "1. Build a new energy city" in found.stdout
    assert "http://127.0.0.1/r1.html" in found.stdout
    as_json = run_cli("search", "energy", "--json", "--data-dir", str(data_dir))
    hit = json.loads(as_json.stdout)["results"][0]
    assert (hit["part_kind"], hit["committee"], hit["language"]) == (
        "review",
        "15th Changzhou Municipal Committee",
        "en",
    )
    assert hit["snippet_text"] == "New energies and energy storage were the theme of consultation."
    assert "<mark>" in hit["snippet"] and "<mark>" not in hit["snippet_text"]
    # The passage's first and last words (textStart,textEnd), each a whole word.
    assert hit["passage_url"] == "http://127.0.0.1/r1.html#:~:text=New%20energies,consultation"


@pytest.mark.parametrize(
    ("option", "value", "listed"),
    [
        ("--level", "city", "'national', 'provincial', 'municipal', 'county'"),
        ("--doc-type", "Work report", "'work report', 'proposal work report'"),
        ("--part", "tasks", "'review', 'plan', 'other'"),
        ("--lang", "fr", "'zh', 'en'"),
        ("--sort", "best", "'relevance', 'newest', 'oldest'"),
    ],
)
def test_unknown_filter_values_exit_2_and_list_the_valid_ones(
    capsys: pytest.CaptureFixture[str], option: str, value: str, listed: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["search", "x", option, value])
    assert exited.value.code == 2
    assert listed in capsys.readouterr().err


def test_search_help_lists_the_values_of_each_filter(capsys: pytest.CaptureFixture[str]) -> None:
    from cppcc_search.models import DOC_TYPES, LEVELS

    with pytest.raises(SystemExit):
        main(["search", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert all(level in shown for level in LEVELS)
    assert all(doc_type in shown for doc_type in DOC_TYPES)


@pytest.fixture(scope="module")
def corpus_dir(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir indexing the 72 real Chinese government work reports of ../shared."""
    from cppcc_search.settings import DataPaths
    from tests.indexer.reports import build_index, corpus_reports

    paths = DataPaths(tmp_path_factory.mktemp("corpus") / "data").ensure()
    build_index(paths, corpus_reports(shared_dir))
    return paths.root


def cli_output(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the real entry point in this process; its stdout (it must succeed)."""
    assert main(list(args), environ={}) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def test_search_prints_what_an_english_query_was_also_searched_as(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ("--data-dir", str(corpus_dir))
    out = cli_output(capsys, "search", "new energy", *data)
    lines = out.splitlines()
    assert lines[1] == "also searched: 新能源"
    found = int(lines[0].split()[0])
    assert found > 0 and "*新能源*" in out  # the Chinese reports' passages, marked
    # Turned off, or searched only as typed, the Chinese archive has no "new energy".
    off = cli_output(capsys, "search", "new energy", "--off", "新能源", *data).splitlines()
    assert off[:2] == ["0 matching sections for 'new energy'", "turned off: 新能源"]
    typed = cli_output(capsys, "search", "new energy", "--no-translate", *data).splitlines()
    assert typed[:2] == [
        "0 matching sections for 'new energy'",
        "searched only as typed (--no-translate)",
    ]
    as_json = json.loads(cli_output(capsys, "search", "new energy", "--json", *data))
    assert as_json["total"] == found
    assert as_json["translations"] == [
        {"term": "new energy", "language": "zh", "renderings": ["新能源"], "off": []}
    ]
    chinese = json.loads(cli_output(capsys, "search", "新能源", "--json", "--per-page", "1", *data))
    assert chinese["total"] == found


def test_trends_count_an_english_term_in_its_chinese_rendering(
    corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = ("--data-dir", str(corpus_dir))
    english = json.loads(cli_output(capsys, "trends", "new energy", "--json", *data))
    chinese = json.loads(cli_output(capsys, "trends", "新能源", "--json", "--no-translate", *data))
    [series] = english["series"]
    assert series["translations"][0]["renderings"] == ["新能源"]
    hits = {p["year"]: p["hits"] for p in series["points"] if p["hits"]}
    assert hits and hits == {
        p["year"]: p["hits"] for p in chinese["series"][0]["points"] if p["hits"]
    }
    assert series["first"]["year"] == min(hits)

    text = cli_output(capsys, "trends", "new energy, 养老", "--year", "2010..2025", *data)
    blocks = text.split("\n\n")
    assert [b.splitlines()[0].split(":")[0] for b in blocks] == ["new energy", "养老"]
    assert blocks[0].splitlines()[1] == "  also searched: 新能源"
    years = [int(line.split()[0]) for line in blocks[0].splitlines() if line.startswith("  20")]
    assert years and all(2010 <= year <= 2025 for year in years)
    off = cli_output(capsys, "trends", "new energy", "--off", "新能源", *data)
    assert off.splitlines()[:2] == ["new energy: 0 matching sections", "  turned off: 新能源"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["search", "x", "--off", " "], "argument --off: an empty rendering"),
        (["trends", " , "], "trends needs at least one non-empty term"),
        (["trends", "title:"], "title:"),
    ],
)
def test_bad_translation_options_are_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    try:
        code = main([*args, "--data-dir", str(tmp_path)], environ={})
    except SystemExit as exited:  # argparse's usage errors
        code = exited.code
    assert code in (1, 2)
    err = capsys.readouterr().err
    assert expected in err.splitlines()[-1] and "Traceback" not in err
