"""The graph's vocabulary is declared once (schemas/graph.py) and every Cypher statement keeps to
it.

Every label, relationship type and shared property a statement names, in every production
`queries.py` and every schema migration, must be declared there; an evidence entry's fields are
read only at the positions declared there (`split(e, '|')[$evidence.audience]`), never at a
position a statement holds itself. A rename on one side then fails here instead of silently
stopping a detector or a read from finding anything.
"""

import dataclasses
import importlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from schemas.graph import (
    FIELDS,
    LABELS,
    PROPERTIES,
    RELATIONSHIP_TYPES,
    SEPARATOR,
    EvidenceEntry,
    EvidenceField,
    Label,
    LinkType,
    Relationship,
    evidence_fields,
    latest_link_fields,
    read_evidence,
    write_evidence,
)

ROOT = Path(__file__).resolve().parents[2]
# Production Cypher: each package's queries.py, and the migrations `tessera infra migrate` runs.
QUERY_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts)
    for top in ("services", "common", "tessera_cli")
    for p in (ROOT / top).glob("**/queries.py")
)
MIGRATIONS = sorted((ROOT / "infra" / "neo4j" / "schema").glob("*.cypher"))
# The network worker writes each link type through its own statement (graph.py's LINK_WRITES),
# from the links mentions.py states.
MENTIONS_SOURCE = ROOT / "services" / "network" / "linking" / "mentions.py"

STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
BACKTICKED = re.compile(r"`[^`]*`")
# `[r:TYPE`, `[:TYPE|OTHER*1..2`, `[m:MENTIONS {part: ...}`: the types of a relationship pattern.
RELATIONSHIP = re.compile(r"\[\s*(\w*)\s*:\s*(\w+(?:\s*\|\s*:?\s*\w+)*)")
# `(x:Label`, `(:Label:Other`, `x:Label` in a WHERE or SET: a name right after the colon (a map
# key is followed by a space, `key: value`), not after `[` (a relationship), `$` or `.`.
LABELS_OF = re.compile(r"(?<![\w$.\[])(\w*)((?::\w+)+)")
# A node or relationship pattern with a property map: `(p:Person {id: $id})`.
NODE_MAP = re.compile(r"\(\s*(\w*)\s*((?::\w+)+)\s*\{([^{}]*)\}")
RELATIONSHIP_MAP = re.compile(r"\[\s*(\w*)\s*:\s*(\w+(?:\s*\|\s*:?\s*\w+)*)[^\]{]*\{([^{}]*)\}")
# `[l:$($type)]`: a link of a type the statement is given (a LinkType, checked by the adapter).
DYNAMIC_TYPE = re.compile(r"\[\s*(\w+)\s*:\s*\$\(")
MAP_KEY = re.compile(r"(\w+)\s*:")
PROPERTY = re.compile(r"(?<![\w$.])([A-Za-z_]\w*)\.([A-Za-z_]\w*)")
# A string literal that can only be a relationship type (`type(l) IN ['SEEN_AT']`).
TYPE_LITERAL = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,}")
EVIDENCE_FIELD = re.compile(r"\$evidence\.(\w+)")
# A position in an evidence entry or in an entry of a place's latest links, by its field's name.
DECLARED_POSITION = re.compile(r"\[\s*\$(?:evidence|latest)\.(\w+)\s*\]")
LATEST_FIELD = re.compile(r"\$latest\.(\w+)")
# `[x IN [e IN l.evidence | split(e, '|')] WHERE x[$evidence.audience] ...]`: each entry split
# once, its parts (x) then read, at declared positions only.
PARTS = re.compile(
    r"\[\s*(\w+)\s+IN\s+\[\s*(\w+)\s+IN\s+[^|\]]+\|\s*split\s*\(\s*\2\s*,\s*(['\"])\|\3\s*\)\s*\]"
)


@dataclass
class Names:
    """What one statement names."""

    labels: set[str] = field(default_factory=set)
    relationship_types: set[str] = field(default_factory=set)
    type_literals: set[str] = field(default_factory=set)
    # (label or type, property) for every variable bound only to declared labels and types.
    properties: set[tuple[frozenset[str], str]] = field(default_factory=set)
    # Positional reads of an evidence entry that name no declared field, as written.
    positions: list[str] = field(default_factory=list)
    evidence_fields: set[str] = field(default_factory=set)
    latest_fields: set[str] = field(default_factory=set)


def _code(statement: str) -> str:
    """The statement without comments, string literals and backticked names."""
    code = COMMENT.sub(" ", statement)
    code = STRING.sub("''", code)
    return BACKTICKED.sub("x", code)


def _split_reads(statement: str) -> Iterator[tuple[str, str, str, int]]:
    """Each `split(value, 'separator')[index]` as (value, separator, index, where it starts);
    index '' if none."""
    text = COMMENT.sub(" ", statement)
    for match in re.finditer(r"\bsplit\s*\(", text):
        depth, i = 1, match.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        inner = text[match.end() : i - 1]
        value, _, separator = inner.rpartition(",")
        index = re.match(r"\s*(\[[^\]]*\])", text[i:])
        yield value.strip(), separator.strip(), index.group(1) if index else "", match.start()


def names_in(statement: str) -> Names:
    """The labels, relationship types, shared properties and evidence reads a statement names."""
    code = _code(statement)
    names = Names()
    bound: dict[str, set[str]] = defaultdict(set)
    for match in RELATIONSHIP.finditer(code):
        types = set(re.findall(r"\w+", match.group(2)))
        names.relationship_types |= types
        if match.group(1):
            bound[match.group(1)] |= types
    for match in DYNAMIC_TYPE.finditer(code):
        bound[match.group(1)] |= set(LinkType)
    for match in LABELS_OF.finditer(code):
        labels = set(re.findall(r"\w+", match.group(2)))
        names.labels |= labels
        if match.group(1):
            bound[match.group(1)] |= labels
    for literal in STRING.findall(COMMENT.sub(" ", statement)):
        if TYPE_LITERAL.fullmatch(literal[1:-1]):
            names.type_literals.add(literal[1:-1])

    def owners(variable: str) -> frozenset[str] | None:
        kinds = bound.get(variable)
        if kinds and all(kind in PROPERTIES for kind in kinds):
            return frozenset(kinds)
        return None

    for match in PROPERTY.finditer(code):
        if (kinds := owners(match.group(1))) is not None:
            names.properties.add((kinds, match.group(2)))
    for pattern in (NODE_MAP, RELATIONSHIP_MAP):
        for match in pattern.finditer(code):
            kinds = frozenset(re.findall(r"\w+", match.group(2)))
            if all(kind in PROPERTIES for kind in kinds):
                for key in MAP_KEY.findall(match.group(3)):
                    names.properties.add((kinds, key))
    parts = list(PARTS.finditer(COMMENT.sub(" ", statement)))
    for value, separator, index, at in _split_reads(statement):
        if separator == repr(SEPARATOR) or separator == f'"{SEPARATOR}"':
            if not index and any(p.start() <= at < p.end() for p in parts):
                continue  # split once into parts, read below
            if not DECLARED_POSITION.fullmatch(index):
                names.positions.append(f"split({value}, {separator}){index}")
    for variable in sorted({p.group(1) for p in parts}):
        for read in re.finditer(rf"(?<![\w.$]){variable}\s*(\[[^\]]*\])", code):
            if not DECLARED_POSITION.fullmatch(read.group(1)):
                names.positions.append(f"{variable}{read.group(1)}")
    names.evidence_fields = set(EVIDENCE_FIELD.findall(_code(statement)))
    names.latest_fields = set(LATEST_FIELD.findall(_code(statement)))
    return names


def _statements() -> dict[str, str]:
    found: dict[str, str] = {}
    for module_name in QUERY_MODULES:
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                found[f"{module_name}.{name}"] = value
    for path in MIGRATIONS:
        for number, statement in enumerate(path.read_text().split(";"), start=1):
            if _code(statement).strip():
                found[f"{path.relative_to(ROOT)} statement {number}"] = statement
    return found


STATEMENTS = _statements()
NAMES = {where: names_in(statement) for where, statement in STATEMENTS.items()}


def _allowed(kinds: frozenset[str]) -> frozenset[str]:
    return frozenset().union(*(PROPERTIES[kind] for kind in kinds))


def _owner(kinds: frozenset[str]) -> str:
    return "a link of any type" if kinds == set(LinkType) else "/".join(sorted(kinds))


def undeclared(names: Names) -> list[str]:
    """What a statement names that schemas/graph.py does not declare."""
    problems = [f"label :{x}" for x in sorted(names.labels - LABELS)]
    problems += [
        f"relationship type :{x}" for x in sorted(names.relationship_types - RELATIONSHIP_TYPES)
    ]
    problems += [
        f"relationship type '{x}' (a string)"
        for x in sorted(names.type_literals - RELATIONSHIP_TYPES)
    ]
    problems += [
        f"property {prop} of {_owner(kinds)}"
        for kinds, prop in sorted(names.properties, key=lambda p: (sorted(p[0]), p[1]))
        if prop not in _allowed(kinds)
    ]
    problems += [f"evidence read at an undeclared position: {x}" for x in names.positions]
    declared_fields = set(evidence_fields())
    problems += [
        f"evidence field $evidence.{x}" for x in sorted(names.evidence_fields - declared_fields)
    ]
    problems += [
        f"latest link field $latest.{x}"
        for x in sorted(names.latest_fields - set(latest_link_fields()))
    ]
    return problems


# ---------------------------------------------------------------- the statements keep to it


def test_every_query_module_and_migration_is_read() -> None:
    assert "services.network.queries" in QUERY_MODULES
    assert "services.alerts.queries" in QUERY_MODULES
    assert "common.adapters.audit.queries" in QUERY_MODULES
    assert MIGRATIONS
    assert len(STATEMENTS) > 150
    assert sum(len(n.labels) for n in NAMES.values()) > 300


@pytest.mark.parametrize("where", sorted(STATEMENTS))
def test_every_name_in_a_statement_is_declared(where: str) -> None:
    problems = undeclared(NAMES[where])
    assert not problems, f"{where} names what schemas/graph.py does not declare: {problems}"


def test_every_declared_label_and_type_is_used() -> None:
    labels = set().union(*(n.labels for n in NAMES.values()))
    types = set().union(*(n.relationship_types | n.type_literals for n in NAMES.values()))
    stated = set(re.findall(r"LinkType\.(\w+)", MENTIONS_SOURCE.read_text()))
    assert not LABELS - labels, f"declared, never named in Cypher: {sorted(LABELS - labels)}"
    unused = RELATIONSHIP_TYPES - types - stated
    assert not unused, f"declared, never named in Cypher nor stated by mentions.py: {unused}"
    assert not set(LinkType) - stated, "a link type no report states any more"


def test_every_declared_property_is_used() -> None:
    used: dict[str, set[str]] = defaultdict(set)
    for names in NAMES.values():
        for kinds, prop in names.properties:
            for kind in kinds:
                used[kind].add(prop)
    everywhere = set().union(*used.values())
    unused = {str(kind): sorted(props - everywhere) for kind, props in PROPERTIES.items()}
    unused = {kind: props for kind, props in unused.items() if props}
    assert not unused, f"declared, never named in Cypher: {unused}"


def test_evidence_is_read_by_name_somewhere() -> None:
    read = set().union(*(n.evidence_fields for n in NAMES.values()))
    assert read == set(evidence_fields())


# ---------------------------------------------------------------- the checker itself


def test_the_checker_finds_an_undeclared_label_type_and_property() -> None:
    names = names_in("""
        MATCH (p:Person:Suspect {id: $id})-[:SEEN_AT|LOITERS_AT*1..2]->(l:Location)
        WHERE p:Ghost AND type(l) IN ['SEEN_AT', 'LURKS_NEAR'] AND l.colour_of_door = 'red'
        MERGE (p)-[x:TAILED {by: $who}]->(l)
        RETURN p.shoe_size
    """)
    assert undeclared(names) == [
        "label :Ghost",
        "label :Suspect",
        "relationship type :LOITERS_AT",
        "relationship type :TAILED",
        "relationship type 'LURKS_NEAR' (a string)",
        "property colour_of_door of Location",
    ]
    # Person:Suspect is not wholly declared: its properties are left to the label check.
    assert not any(prop == "shoe_size" for _, prop in names.properties)


def test_the_checker_reads_an_entry_split_once_only_at_declared_positions() -> None:
    names = names_in("""
        MATCH ()-[l:SEEN_AT]->()
        WITH [x IN [e IN l.evidence | split(e, '|')] WHERE x[$evidence.audience] IN $audiences
              | x[$evidence.report_id] + x[2]] AS ids
        RETURN ids
    """)
    assert undeclared(names) == ["evidence read at an undeclared position: x[2]"]


def test_the_checker_finds_a_position_held_by_the_statement() -> None:
    names = names_in("""
        MATCH ()-[l:SEEN_AT]->()
        WHERE any(e IN l.evidence WHERE split(e, '|')[3] IN $audiences)
          AND split(e, '|')[$evidence.audience] IN $audiences
          AND split(e, '|')[$evidence.colour] = 'red'
        RETURN [e IN l.evidence | split(e, "|")] AS parts
    """)
    assert undeclared(names) == [
        "evidence read at an undeclared position: split(e, '|')[3]",
        'evidence read at an undeclared position: split(e, "|")',
        "evidence field $evidence.colour",
    ]


def test_the_checker_ignores_what_is_not_a_name() -> None:
    names = names_in("""
        CALL db.index.fulltext.queryRelationships('mention_names', $words) YIELD relationship
        MATCH (r:Report)-[relationship]->(p:Person {id: row.id})
        // a comment naming (:Commented) and [:COMMENTED]
        WITH p, {status: 'pending', kind:'x', at: datetime({date: $on})} AS m,
             '(x:InString)-[:IN_STRING]->' AS text, $alert.status AS status
        MERGE (p)-[k:$($type)]->(o)
        SET p.name = CASE WHEN $x THEN 'P' ELSE 'C' END
        RETURN [x IN p.names WHERE x <> '' | x.first] AS first, split(a.body, ':')[1] AS body,
               [n IN nodes(path) | n.id] AS ids, found[..keep] AS kept, `fulltext.analyzer` AS a
    """)
    assert names.labels == {"Report", "Person"}
    assert names.relationship_types == set()
    assert names.type_literals == set()
    assert not names.positions
    assert undeclared(names) == []


# ---------------------------------------------------------------- one writer, one reader


def test_the_entry_and_its_positions_agree() -> None:
    assert [f.name for f in dataclasses.fields(EvidenceEntry)] == [
        f.name.lower() for f in EvidenceField
    ]
    assert FIELDS == len(EvidenceField)
    entry = EvidenceEntry("2026-11-01T00:00:00.000000Z", "2", "B", "agency:X", "r-1")
    written = write_evidence(entry)
    assert written.split(SEPARATOR)[EvidenceField.AUDIENCE] == "agency:X"
    assert written.split(SEPARATOR)[evidence_fields()["report_id"]] == "r-1"
    assert read_evidence(written) == entry


def test_link_types_and_other_relationships_are_apart() -> None:
    assert not set(LinkType) & set(Relationship)
    assert Label.ENTITY in LABELS
    assert set(LinkType) <= PROPERTIES.keys()
