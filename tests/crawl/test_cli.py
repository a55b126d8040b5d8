"""The crawl command's options and its user errors (one clear line, no traceback)."""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

import pytest

from cppcc_search.cli import describe_error
from cppcc_search.cli import main as cli_main
from cppcc_search.errors import CppccSearchError
from cppcc_search.settings import DataPaths
from crawl.cli import add_crawl_arguments, options_from_args
from crawl.crawler import run_crawl
from crawl.errors import CrawlError
from crawl.options import (
    DEFAULT_USER_AGENT,
    FLAG,
    INTERNAL,
    CrawlOptions,
    option_fields,
    validate_options,
)
from crawl.state import crawl_lock


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="crawl")
    add_crawl_arguments(parser)
    return parser.parse_args(argv)


def test_defaults_and_every_option() -> None:
    options = options_from_args(_parse("http://x.cn/"))
    assert options == CrawlOptions(seeds=("http://x.cn/",))
    assert options.delay == 1.0 and options.user_agent == DEFAULT_USER_AGENT
    assert "+http" in options.user_agent  # a contact URL
    args = _parse(
        "http://x.cn/", "http://y.cn/a", "--max-pages", "5", "--delay", "0", "--allow-host",
        "*.z.cn", "--include", "zfgzbg", "--exclude", r"\.pdf$", "--max-depth", "3",
        "--user-agent", "bot/1 (+http://me)", "--timeout", "5", "--retries", "0",
        "--retry-backoff", "0.5", "--max-redirects", "4", "--max-body-bytes", "1000",
        "--no-sitemaps", "--concurrency", "3", "--max-crawl-delay", "7", "--max-links-per-page",
        "50", "--max-frontier", "900",
    )  # fmt: skip
    options = options_from_args(args)
    assert options.seeds == ("http://x.cn/", "http://y.cn/a") and options.max_pages == 5
    assert options.allow_hosts == ("*.z.cn",) and options.exclude == (r"\.pdf$",)
    assert (options.max_depth, options.retries, options.max_redirects) == (3, 0, 4)
    assert options.max_body_bytes == 1000 and not options.sitemaps and options.timeout == 5
    assert (options.concurrency, options.max_crawl_delay) == (3, 7)
    assert (options.max_links_per_page, options.max_frontier) == (50, 900)


@pytest.mark.parametrize(
    "argv",
    [
        ["--max-pages", "0"],
        ["--delay", "-1"],
        ["--delay", "soon"],
        ["--delay", "nan"],
        ["--timeout", "0"],
        ["--max-depth", "x"],
        [],
    ],
)
def test_bad_option_values_are_usage_errors(argv: list[str]) -> None:
    seeds = ["http://x.cn/"] if argv else []
    with pytest.raises(SystemExit) as raised:
        _parse(*seeds, *argv)
    assert raised.value.code == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ftp://x.cn/"], "not an http(s) URL"),
        (["x.cn/page"], "not an http(s) URL"),
        (["http://x.cn/", "--include", "(unclosed"], "bad pattern"),
    ],
)
def test_user_errors_raise_crawl_error(argv: list[str], message: str) -> None:
    with pytest.raises(CrawlError, match=message.replace("(", r"\(").replace(")", r"\)")):
        options_from_args(_parse(*argv))


def test_run_crawl_validates_too(data_paths: DataPaths) -> None:
    with pytest.raises(CrawlError, match="javascript"):
        run_crawl(data_paths, CrawlOptions(seeds=("javascript:alert(1)",)))


def test_module_entry_point_reports_one_line_errors(tmp_path: Path, repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "crawl", "mailto:a@b.cn", "--data-dir", str(tmp_path)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "not an http(s) URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_host_is_recorded_not_raised(data_paths: DataPaths) -> None:
    options = CrawlOptions(seeds=("http://127.0.0.1:9/",), delay=0.0, retries=0, timeout=2.0)
    summary = run_crawl(data_paths, options)
    assert summary.finished and summary.errors["unreachable"] == 1 and summary.nothing_fetched
    assert "unreachable 1" in summary.format()
    assert "http://127.0.0.1:9/ [unreachable]: host unreachable: Connection" in summary.format()


def test_crawling_an_unreachable_host_fails_fast_with_a_clear_line(
    tmp_path: Path, repo_root: Path
) -> None:
    """The issue's own example: it used to wait for minutes and exit 0."""
    command = [str(Path(sys.executable).with_name("cppcc-search")), "crawl"]
    started = time.monotonic()
    result = subprocess.run(
        [*command, "http://127.0.0.1:1/", "--data-dir", str(tmp_path)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert elapsed < 30  # two retries after 2 s and 4 s, not minutes
    assert "Traceback" not in result.stderr
    assert "cannot reach http://127.0.0.1:1 (ConnectionRefusedError" in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("cppcc-search: error: nothing could be fetched in crawl run 1")
    assert "http://127.0.0.1:1/: host unreachable" in last
    assert "failed URLs (1):" in result.stdout


def test_a_second_crawl_on_the_same_data_dir_is_refused(data_paths: DataPaths) -> None:
    with crawl_lock(data_paths.crawl_db), pytest.raises(CrawlError, match="another crawl"):
        run_crawl(data_paths, CrawlOptions(seeds=("http://127.0.0.1:9/",)))


# each option declared once -------------------------------------------------------------------


def test_every_option_field_is_a_flag_or_deliberately_internal() -> None:
    for spec in fields(CrawlOptions):
        is_flag, why_internal = FLAG in spec.metadata, spec.metadata.get(INTERNAL)
        assert is_flag != bool(why_internal), f"{spec.name}: a flag, or internal with a reason"


def test_every_flag_is_documented_in_the_commands_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main(["crawl", "--help"], environ={})
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    parser = argparse.ArgumentParser()
    add_crawl_arguments(parser)
    actions = {action.dest: action for action in parser._actions}  # argparse has no public list
    for spec, how in option_fields():
        assert how.help.strip() and actions[spec.name].help == how.help, spec.name
        assert how.name in text, how.name
        words = how.help.split("%(")[0].split()
        assert " ".join(words) in text, how.name  # argparse rewraps, so compare words


@pytest.mark.parametrize(
    ("flag", "word", "name", "value", "says"),
    [
        ("--max-pages", "0", "max_pages", 0, "must be at least 1"),
        ("--delay", "-1", "delay", -1.0, "must not be negative"),
        ("--timeout", "0", "timeout", 0.0, "must be more than 0"),
        ("--concurrency", "0", "concurrency", 0, "must be at least 1"),
        ("--max-depth", "-2", "max_depth", -2, "must not be negative"),
    ],
)
def test_a_flag_and_the_library_check_a_value_by_the_same_rule(
    flag: str, word: str, name: str, value: float, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        _parse("http://x.cn/", flag, word)
    assert f"{says}: '{word}'" in capsys.readouterr().err
    with pytest.raises(CrawlError, match=f"^{flag} {says}$"):
        validate_options(replace(CrawlOptions(seeds=("http://x.cn/",)), **{name: value}))


def test_numbers_must_be_finite(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _parse("http://x.cn/", "--retry-backoff", "inf")
    assert "not a finite number of seconds: 'inf'" in capsys.readouterr().err
    with pytest.raises(CrawlError, match=r"^--retry-backoff must be finite$"):
        validate_options(CrawlOptions(seeds=("http://x.cn/",), retry_backoff=math.inf))


def test_an_empty_user_agent_is_refused_by_the_library() -> None:
    with pytest.raises(CrawlError, match="--user-agent must not be empty"):
        options_from_args(_parse("http://x.cn/", "--user-agent", " "))


def test_crawl_errors_are_the_products_own_one_line_errors() -> None:
    error = CrawlError("another crawl is running on /data")
    assert isinstance(error, CppccSearchError)
    assert describe_error(error) == "another crawl is running on /data"
    assert describe_error(KeyError("seeds")) == "KeyError: 'seeds'"
