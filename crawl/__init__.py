"""The crawler: polite, complete, resumable, archival, many hosts at once. It writes the capture
archive (``captures``: canonical URLs, WARC records, charsets); nothing reads the archive through
here.

One component per module: ``urls`` (scope, hosts, URL patterns), ``robots`` (robots.txt via
Protego), ``fetch`` (HTTP under one deadline per response, with size limits) with ``deadlines``
(the watchdog that cuts stalled sockets), ``pool`` (the worker threads), ``hosts`` (politeness
per host and whose turn it is), ``content`` (what a body is), ``links`` (links and sitemaps),
``state`` (SQLite) with ``ledger`` (the run's counters, refused URLs, referrers, failures),
``pagestore`` (recording outcomes in the archive and the state), ``traps`` (endless calendars and
pagers), ``crawler`` (the loop) with ``robotsteps`` (robots.txt first on every origin) and
``responses`` (what each outcome means), ``options``/``cli`` (settings and their command-line
form), ``summary`` (progress and totals).
"""
