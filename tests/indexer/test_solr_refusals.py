"""What the Solr engine does not offer yet says so in one line (a 400 on the web), checked
without a cluster: these calls never reach one."""

from __future__ import annotations

import pytest

from indexer.errors import QueryError
from indexer.solr.service import SolrSearchService


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda s: s.figures("国内生产总值"), "figures over time"),
        (lambda s: s.spread("新能源"), "first appearance and spread"),
        (lambda s: s.followup("some-report"), "promise against delivery"),
    ],
)
def test_whoosh_only_research_tools_refuse_clearly(call, words) -> None:
    service = SolrSearchService(client=None, alias="cppcc")  # type: ignore[arg-type]
    with pytest.raises(QueryError) as refused:
        call(service)
    message = str(refused.value)
    assert words in message and "--engine whoosh" in message and "\n" not in message
