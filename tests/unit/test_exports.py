"""Exports for analysts' tools: every link keeps each report's grading and handling code, and no
CSV cell can be read as a spreadsheet formula."""

import csv
import io
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405 - parsing our own test output

import pytest

from common.auth import Principal, Role
from services.network.analyst.analysis import Network, NetworkFilter, explore_network
from services.network.analyst.exports import to_graphml, to_i2_csv
from tests.support.fakes.no_paths import NoPaths

ANALYST = Principal(user="a.analyst", agency="Synthetic Police", role=Role.ANALYST)
AVA, PARK = "person:ava", "location:park"
GRAPHML = {"g": "http://graphml.graphdrawing.org/xmlns"}


class FakeGraph(NoPaths):
    """One link between two entities, its evidence as EXPAND_NEIGHBOURS projects it."""

    def __init__(self, *, labels: dict[str, str], evidence: list[str]) -> None:
        self._labels = labels
        self._evidence = evidence

    def expand(self, ids: list[str], **params: Any) -> list[dict[str, Any]]:
        """The one link, from whichever end was asked for."""
        return [
            {
                "from_id": centre,
                "other_id": PARK if centre == AVA else AVA,
                "source": AVA,
                "target": PARK,
                "type": "SEEN_AT",
                "first_seen": "2026-11-01T10:00:00Z",
                "last_seen": "2026-11-02T10:00:00Z",
                "details": [],
                "capped": False,
                "evidence": self._evidence,
            }
            for centre in ids
        ]

    def nodes(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """Both entities, labelled as the test says."""
        return [
            {"id": i, "kind": i.split(":")[0], "label": self._labels[i]}
            for i in ids
            if i in self._labels
        ]

    def search_keys(self, keys: list[str], *, audiences: list[str], limit: int) -> list[str]:
        """Not used by exports."""
        return []

    def search_identifier(
        self, identifier_id: str, *, audiences: list[str], limit: int
    ) -> list[str]:
        """Not used by exports."""
        return []

    def search_words(self, words: str, *, audiences: list[str], limit: int) -> list[dict[str, Any]]:
        """Not used by exports."""
        return []

    def person_facts(self, ids: list[str], *, audiences: list[str]) -> list[dict[str, Any]]:
        """Not used by exports."""
        return []


def _network(
    *,
    ava: str = "Ava Synth",
    park: str = "Synthetic Park",
    evidence: tuple[str, ...] = ("2B|r-shared|P", "1A|r-police|C", "1A|r-police|C"),
) -> Network:
    graph = FakeGraph(labels={AVA: ava, PARK: park}, evidence=list(evidence))
    return explore_network(centre=AVA, filters=NetworkFilter(), principal=ANALYST, graph=graph)


def _csv_rows(network: Network) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_i2_csv(network), newline="")))


def _graphml_edges(network: Network) -> list[dict[str, str]]:
    root = ET.fromstring(to_graphml(network))  # noqa: S314 - our own output
    names = {key.get("id"): key.get("attr.name") for key in root.findall("g:key", GRAPHML)}
    return [
        {str(names[data.get("key")]): data.text or "" for data in edge.findall("g:data", GRAPHML)}
        for edge in root.findall(".//g:edge", GRAPHML)
    ]


def test_a_link_keeps_each_reports_grading_and_handling_code() -> None:
    (edge,) = _network().edges
    assert (edge.reports, edge.gradings, edge.handling) == (
        ["r-shared", "r-police"],
        ["2B", "1A"],
        ["P", "C"],
    )


def test_a_report_any_of_whose_visible_entries_is_for_everyone_is_p() -> None:
    (edge,) = _network(evidence=("1A|d-1|C", "1A|d-1|P")).edges
    assert (edge.reports, edge.handling) == (["d-1"], ["P"])


def test_each_csv_row_shows_grading_and_handling_code_in_report_order() -> None:
    (row,) = _csv_rows(_network())
    assert (row["Report IDs"], row["Gradings"], row["Handling"]) == (
        "r-shared;r-police",
        "2B;1A",
        "P;C",
    )


def test_graphml_edges_carry_grading_and_handling_code() -> None:
    (edge,) = _graphml_edges(_network())
    assert (edge["reports"], edge["gradings"], edge["handling"]) == (
        "r-shared;r-police",
        "2B;1A",
        "P;C",
    )


@pytest.mark.parametrize("label", ['=HYPERLINK("x")', "+1", "-2", "@SUM(1)", "\t=1+1", "\r=1+1"])
def test_a_csv_cell_that_could_be_a_formula_is_neutralised(label: str) -> None:
    (row,) = _csv_rows(_network(ava=label, park=label))
    assert (row["Entity1 Label"], row["Entity2 Label"]) == ("'" + label, "'" + label)


def test_ordinary_cells_are_unchanged_and_graphml_labels_are_left_to_xml_escaping() -> None:
    (row,) = _csv_rows(_network(ava="Ava Synth", park="Park 2-4"))
    assert (row["Entity1 Label"], row["Entity2 Label"], row["Count"]) == (
        "Ava Synth",
        "Park 2-4",
        "2",
    )
    root = ET.fromstring(to_graphml(_network(ava='=HYPERLINK("x")')))  # noqa: S314 - our own
    labels = {data.text for data in root.findall(".//g:data[@key='n_label']", GRAPHML)}
    assert labels == {'=HYPERLINK("x")', "Synthetic Park"}
