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
