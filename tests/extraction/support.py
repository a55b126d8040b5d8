"""Golden-page helpers for the extraction tests and gate: the Changzhou report as a page."""

from __future__ import annotations

import html
import re
from pathlib import Path

from cppcc_search.models import Report

CHANGZHOU_TEXT = Path("corpus") / "changzhou_cppcc_2024_work_report_en.txt"
CHANGZHOU_URL = "http://en.cppcc-example.test/news/2024/01/20/work-report-standing-committee.html"
_BOILERPLATE_START = "Scan to open the current page on your phone"
_PART_RE = re.compile(r"^(\d{4} work review|Main tasks in \d{4})$")
_NUMBERED_RE = re.compile(r"^\d{1,2}\. ")

CHANGZHOU_BOILERPLATE = (
    "Scan to open",
    "#Work",
    "Related Posts",
    "Leave a Comment",
    "Recent Posts",
    "Copyright",
    "Powered by",
)

_HEAD = """<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8">
<title>{title} &#8211; CPPCC News Digest</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/wp-content/themes/digest/style.css">
</head>
<body class="post-template-default single single-post">
<header id="masthead" class="site-header">
  <div class="site-branding"><p class="site-title"><a href="/">CPPCC News Digest</a></p>
  <p class="site-description">Political consultation news from around China</p></div>
  <nav id="site-navigation" class="main-navigation"><ul>
    <li><a href="/">Home</a></li><li><a href="/category/reports/">Reports</a></li>
    <li><a href="/category/proposals/">Proposals</a></li><li><a href="/about/">About us</a></li>
  </ul></nav>
</header>
<div id="content" class="site-content"><main id="main" class="site-main">
<article class="post type-post status-publish">
<header class="entry-header">
  <div class="entry-meta"><span class="posted-on">{date_line}</span>
  <span class="byline">by <a href="/author/editor/">editor</a></span></div>
  <h1 class="entry-title">{title}</h1>
</header>
<div class="entry-content">
"""
_TAIL = """</div>
<footer class="entry-footer"><span class="tags-links">{tags}</span></footer>
</article>
<section class="related-posts"><h3>Related Posts</h3><ul>
  <li><a href="/2023/01/18/work-report-2023/">Work report of the Standing Committee, 2023</a></li>
  <li><a href="/2024/01/22/proposal-work-report/">Report on proposal work, 2024</a></li>
</ul></section>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond">
  <h3 id="reply-title" class="comment-reply-title">Leave a Comment</h3>
  <form action="/wp-comments-post.php" method="post"><textarea name="comment"></textarea>
  <input type="submit" value="Post Comment"></form></div></div>
</main>
<aside id="secondary" class="widget-area"><h2>Recent Posts</h2><ul>
  <li><a href="/2024/01/19/meeting-closes/">Annual session closes, January 19, 2024</a></li>
</ul></aside></div>
<footer id="colophon" class="site-footer"><div class="site-info">
  Copyright © 2024 CPPCC News Digest. All rights reserved. Powered by WordPress. Updated 2024-02-01
</div></footer>
</body></html>
"""


def changzhou_lines(shared_dir: Path) -> list[str]:
    """The non-empty lines of the Changzhou report as the re-publisher's page text has them."""
    text = (shared_dir / CHANGZHOU_TEXT).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def render_changzhou_page(shared_dir: Path, marked: bool = True) -> bytes:
    """The Changzhou report as a WordPress-style page: the report text, in page chrome.

    ``marked``: headings set in <h2>/<strong>, the QR line inside the entry content, hashtags,
    related posts and the comment form after it. Unmarked: every line of the text, trailer
    included, is a plain paragraph of the entry content, as a careless re-publisher leaves it.
    """
    lines = changzhou_lines(shared_dir)
    date_line, title = lines[0], lines[1]
    cut = lines.index(_BOILERPLATE_START)
    body, trailer = lines[2:cut], lines[cut:]
    parts = [_HEAD.format(title=html.escape(title), date_line=html.escape(date_line))]
    if not marked:
        parts.extend(f"<p>{html.escape(line)}</p>\n" for line in body + trailer)
        parts.append(_TAIL.format(tags=""))
        return "".join(parts).encode("utf-8")
    for line in body:
        escaped = html.escape(line)
        if _PART_RE.match(line):
            parts.append(f"<h2><strong>{escaped}</strong></h2>\n")
        elif _NUMBERED_RE.match(line) and len(line) < 150:
            parts.append(f"<p><strong>{escaped}</strong></p>\n")
        else:
            parts.append(f"<p>{escaped}</p>\n")
    parts.append(f'<p class="qr-tip">{html.escape(trailer[0])}</p>\n')
    tags = next((line for line in trailer if line.startswith("#")), "")
    parts.append(_TAIL.format(tags=html.escape(tags)))
    return "".join(parts).encode("utf-8")


def changzhou_checks(report: Report | None) -> dict[str, bool]:
    """The issue's expectations for the Changzhou report page, one named check each."""
    if report is None:
        return {"extracted": False}
    parts = [s for s in report.sections if s.level == 1]
    numbered = [s for s in report.sections if s.level == 2 and re.match(r"\d+\. ", s.title or "")]
    body = report.body_text()
    return {
        "extracted": True,
        "two parts": [(p.title, p.period_year) for p in parts]
        == [("2023 work review", 2023), ("Main tasks in 2024", 2024)],
        "part kinds": [p.part_kind for p in parts] == ["review", "plan"],
        "ten numbered sections": len(numbered) == 10,
        "review sections": [s.part for s in numbered[:5]] == ["2023 work review"] * 5,
        "plan sections": [s.part for s in numbered[5:]] == ["Main tasks in 2024"] * 5,
        "run-in title": any(
            s.title == "1. Always adhere to the leadership of the party and continue to "
            "strengthen political guidance"
            for s in numbered
        ),
        "opening kept": report.sections[0].title is None
        and report.sections[0].text.startswith(
            "——At the third meeting of the 15th CPPCC Changzhou Committee on January 15, 2024\n"
            "Dai Yuan\nDear members:"
        ),
        "speaker": report.speaker == "Dai Yuan",
        "meeting date": report.meeting_date == "2024-01-15",
        "committee": report.committee == "15th Changzhou Municipal Committee",
        "level": report.level == "municipal",
        "doc type": report.doc_type == "work report",
        "language": report.language == "en",
        "date": report.date == "2024-01-20",
        "no boilerplate": not any(s in body for s in CHANGZHOU_BOILERPLATE),
    }
