"""The crawler: polite, complete, resumable, archival.

One component per module: ``urls`` (canonical URLs, scope), ``robots`` (robots.txt via Protego),
``fetch`` (HTTP with timeouts and size limits), ``content`` (what a body is), ``encoding``
(charsets), ``links`` (links and sitemaps), ``state`` (SQLite), ``warc`` (the archive),
``pagestore`` (recording outcomes), ``traps`` (endless calendars and pagers), ``crawler`` (the
loop) with ``robotsteps`` (robots.txt first on every origin), ``captures`` (reading back),
``options``/``cli`` (settings and their command-line form), ``summary`` (progress and totals).
"""
