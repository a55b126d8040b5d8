"""The capture archive: what the crawler stored, read back without the network.

The crawler writes it (``crawl`` imports ``captures``); extraction and the web app read it and
never import ``crawl``. One concept per module: ``urls`` (the canonical URL every capture is
stored under), ``headers`` (HTTP header lookup), ``compression`` (Content-Encoding), ``encoding``
(charsets and the one HTML decoder), ``warc`` (the record format, written and read), ``store``
(the latest good capture of a URL, from the crawl state and the WARC files).
"""
