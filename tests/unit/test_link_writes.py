"""Each link type is written by its own statement, which merges a link of exactly that type."""

import re

from schemas.graph import LinkType
from schemas.reports import ReportCreate
from services.network.linking import queries
from services.network.linking.graph import LINK_WRITES, report_writes
from services.network.linking.reports import build_report_graph
from tests.support.examples import EVENTS
from tests.support.factories import id_key, report_json, submitted

MERGED_TYPE = re.compile(r"MERGE \(a\)-\[l:(\w+)\]->\(b\)")


def test_every_link_type_has_a_statement_merging_that_type() -> None:
    assert set(LINK_WRITES) == set(LinkType)
    for link_type, statement in LINK_WRITES.items():
        assert MERGED_TYPE.findall(statement) == [link_type.value], link_type


def test_no_link_statement_takes_its_type_as_a_parameter() -> None:
    # A MERGE of a parameter's type (`$($type)`) was slow against the links' ends its own
    # transaction created: most of the linking time (bench/RESULTS.md).
    writing = [v for k, v in vars(queries).items() if k.startswith("MERGE_") and "_LINKS" in k]
    assert len(writing) == len(LinkType)
    for statement in writing:
        assert "$(" not in statement and "$type" not in statement


def test_a_batch_writes_each_type_of_link_with_its_own_statement() -> None:
    graphs = [
        build_report_graph(
            submitted(ReportCreate.model_validate(report_json(EVENTS[kind]))), id_key=id_key()
        )
        for kind in sorted(EVENTS)
    ]
    stated = {kind for g in graphs for kind, pairs in g.links.items() if pairs}
    writes = report_writes(graphs)
    link_writes = [(q, p) for q, p in writes if q in LINK_WRITES.values()]
    assert {MERGED_TYPE.findall(q)[0] for q, _ in link_writes} == stated
    for query, params in link_writes:
        (link_type,) = MERGED_TYPE.findall(query)
        assert set(params) == {"rows"}
        expected = [pair for g in graphs for pair in g.links.get(link_type, [])]
        assert [
            {k: v for k, v in row.items() if k != "report_id"} for row in params["rows"]
        ] == expected
