"""Exports of a subgraph for analysts' own tools: GraphML (Gephi, yEd) and i2-ready CSV.

Each link lists its reports with, in the same order, each one's grading and handling code.
"""

import csv
import io
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML, never parse it

from services.network.analyst.analysis import Network

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
NODE_KEYS = ("label", "kind", "category", "role", "lat", "lon")
EDGE_KEYS = (
    "type",
    "count",
    "first_seen",
    "last_seen",
    "reports",
    "gradings",
    "handling",
    "weight",
)
I2_COLUMNS = (
    "Entity1 ID",
    "Entity1 Type",
    "Entity1 Label",
    "Link Type",
    "Entity2 ID",
    "Entity2 Type",
    "Entity2 Label",
    "First Seen",
    "Last Seen",
    "Count",
    "Gradings",
    "Handling",
    "Report IDs",
)
# A spreadsheet reads a cell starting with one of these as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_graphml(network: Network) -> str:
    """The network as GraphML, with node and edge attributes declared as keys."""
    root = ET.Element("graphml", xmlns=GRAPHML_NS)
    for name in NODE_KEYS:
        ET.SubElement(root, "key", id=f"n_{name}", attrib={"for": "node", "attr.name": name})
    for name in EDGE_KEYS:
        ET.SubElement(root, "key", id=f"e_{name}", attrib={"for": "edge", "attr.name": name})
    graph = ET.SubElement(root, "graph", id=network.centre, edgedefault="directed")
    for node in network.nodes:
        element = ET.SubElement(graph, "node", id=node.id)
        for name in NODE_KEYS:
            value = getattr(node, name)
            if value is not None:
                ET.SubElement(element, "data", key=f"n_{name}").text = str(value)
    for i, edge in enumerate(network.edges):
        element = ET.SubElement(graph, "edge", id=f"e{i}", source=edge.source, target=edge.target)
        for name in EDGE_KEYS:
            value = getattr(edge, name)
            text = ";".join(value) if isinstance(value, list) else str(value)
            ET.SubElement(element, "data", key=f"e_{name}").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def _as_text(value: str | int) -> str | int:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_i2_csv(network: Network) -> str:
    """One row per link, in the entity-link-entity shape i2 Analyst's Notebook imports.

    Every cell is quoted, so a separator inside a value never starts a cell of its own.
    """
    nodes = {node.id: node for node in network.nodes}
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(I2_COLUMNS)
    for edge in network.edges:
        a, b = nodes[edge.source], nodes[edge.target]
        cells: tuple[str | int, ...] = (
            a.id,
            a.kind,
            a.label,
            edge.type,
            b.id,
            b.kind,
            b.label,
            edge.first_seen,
            edge.last_seen,
            edge.count,
            ";".join(edge.gradings),
            ";".join(edge.handling),
            ";".join(edge.reports),
        )
        writer.writerow(_as_text(cell) for cell in cells)
    return out.getvalue()
