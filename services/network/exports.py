"""Exports of a subgraph for analysts' own tools: GraphML (Gephi, yEd) and i2-ready CSV."""

import csv
import io
from xml.etree import ElementTree as ET  # noqa: S405 - we only write XML, never parse it

from services.network.analysis import Network

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
NODE_KEYS = ("label", "kind", "category", "role", "lat", "lon")
EDGE_KEYS = ("type", "count", "first_seen", "last_seen", "reports", "gradings", "weight")
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
    "Report IDs",
)


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


def to_i2_csv(network: Network) -> str:
    """One row per link, in the entity-link-entity shape i2 Analyst's Notebook imports."""
    nodes = {node.id: node for node in network.nodes}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(I2_COLUMNS)
    for edge in network.edges:
        a, b = nodes[edge.source], nodes[edge.target]
        writer.writerow(
            (
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
                ";".join(edge.reports),
            )
        )
    return out.getvalue()
