"""The crawler: polite, complete, resumable, archival. It writes the capture archive
(``captures``: canonical URLs, WARC records, charsets); nothing reads the archive through here.

One component per module: ``urls`` (scope, hosts, URL patterns), ``robots`` (robots.txt via
Protego), ``fetch`` (HTTP with timeouts and size limits), ``content`` (what a body is), ``links``
(links and sitemaps), ``state`` (SQLite), ``pagestore`` (recording outcomes in the archive and the
state), ``traps`` (endless calendars and pagers), ``crawler`` (the loop) with ``robotsteps``
(robots.txt first on every origin), ``options``/``cli`` (settings and their command-line form),
``summary`` (progress and totals).
"""
