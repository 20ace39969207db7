"""No service changes or deletes an audit entry: every Cypher constant in every queries.py, and
every schema migration, only creates and reads AuditEntry nodes.

Neo4j Community has no roles that could deny a service's account DELETE or SET on the label, so
this is where it is enforced. Three rules, each a way a statement could reach an entry:
- a statement that names the label may CREATE and read it, nothing else (no SET, REMOVE,
  DELETE, MERGE, FOREACH);
- a writing statement may not match a node on its own with no label (`MATCH (n)`,
  `MATCH (n {id: $id})`) unless it says which labels that node has (`n:Report`): such a node
  could be an audit entry (entries have no relationships, so a node reached through one never is);
- a writing statement may not pick a node label at run time (`(n:$(label))`).
"""

import ast
import re
from pathlib import Path

import pytest

from schemas.audit import AUDIT_LABEL

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted(
    p for p in ROOT.glob("**/queries.py") if ".venv" not in p.parts and ".infra" not in p.parts
)
MIGRATIONS = sorted((ROOT / "infra" / "neo4j" / "schema").glob("*.cypher"))

WRITES = re.compile(r"\b(SET|REMOVE|DELETE|MERGE|FOREACH)\b", re.IGNORECASE)
NODE_WRITES = re.compile(r"\b(SET|REMOVE|DELETE)\b", re.IGNORECASE)
NAMES_LABEL = re.compile(rf":\s*`?{AUDIT_LABEL}\b")
# A node pattern with a variable and no label, standing alone (not part of a relationship
# chain, not a function's argument, not a CALL's scope clause).
LONE_NODE = re.compile(r"(?<![\w$])(?<!CALL )\(\s*(\w+)\s*(\{[^}]*\})?\s*\)(?!\s*[-<])")
RUNTIME_LABEL = re.compile(r"\(\s*\w*\s*:\s*\$\(")


def audit_writes(cypher: str) -> str | None:
    """Why the statement could change or delete an audit entry, or None when it cannot."""
    text = re.sub(r"//[^\n]*", "", cypher)
    if NAMES_LABEL.search(text) and (write := WRITES.search(text)):
        return f"names {AUDIT_LABEL} and writes ({write.group(1).upper()}): only CREATE is allowed"
    if not NODE_WRITES.search(text):
        return None
    if RUNTIME_LABEL.search(text):
        return "picks a node label at run time in a statement that writes"
    for match in LONE_NODE.finditer(text):
        if text[: match.start()].rstrip().endswith(("-", ">")):
            continue  # the end of a relationship chain: (a)-[:R]->(b)
        variable = match.group(1)
        if not re.search(rf"\b{variable}\s*:\s*`?\w", text):
            return f"writes where ({variable}) may be any node, audit entries too"
    return None


def _cypher_constants(path: Path) -> list[tuple[str, str]]:
    constants = []
    for statement in ast.parse(path.read_text()).body:
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
            if isinstance(statement.value.value, str):
                target = statement.targets[0]
                name = target.id if isinstance(target, ast.Name) else "?"
                constants.append((name, statement.value.value))
    return constants


def _migration_statements(path: Path) -> list[tuple[str, str]]:
    text = re.sub(r"//[^\n]*", "", path.read_text())
    return [(f"statement {i + 1}", s) for i, s in enumerate(text.split(";")) if s.strip()]


FORBIDDEN = [
    "MATCH (a:AuditEntry {id: $id}) DETACH DELETE a",
    "MATCH (a:AuditEntry) WHERE a.user = $user DELETE a",
    "MATCH (a:AuditEntry {id: $id}) SET a.purpose = 'nothing to see'",
    "MATCH (a:AuditEntry {id: $id}) REMOVE a.subject_ids",
    "MERGE (a:AuditEntry {id: $entry.id}) ON MATCH SET a.user = $entry.user",
    "CREATE (a:AuditEntry {id: $entry.id}) SET a.at = datetime($entry.at)",
    "MATCH (a:`AuditEntry`) FOREACH (x IN [1] | SET a.hash = '')",
    "MATCH (n) DETACH DELETE n",
    "MATCH (n {id: $id}) SET n.purpose = $purpose",
    "MATCH (n) WHERE n.id IN $ids REMOVE n.subject_ids",
    "MATCH (n:$($label) {id: $id}) DETACH DELETE n",
]
ALLOWED = [
    "CREATE (:AuditEntry {id: $entry.id, at: datetime($entry.at), user: $entry.user})",
    "MATCH (a:AuditEntry) WHERE $subject_id IN a.subject_ids RETURN a.id AS id",
    "MATCH (n) WHERE n:Report OR n:Entity WITH n LIMIT $batch DETACH DELETE n",
    "MATCH (r:Report {id: $id})-[:MENTIONS]->(e) DETACH DELETE r, e",
    "MATCH (p:Person {id: $id})-[l]->(o:Entity) WITH l WHERE l.count = 0 DELETE l",
    "MATCH (n {id: $id}) RETURN count(n) AS n",
    "MATCH (k:Link) CALL (k) { MATCH (r:Report) RETURN min(r.at) AS first } SET k.first = first",
]


@pytest.mark.parametrize("cypher", FORBIDDEN)
def test_a_statement_that_could_change_an_audit_entry_is_caught(cypher: str) -> None:
    assert audit_writes(cypher) is not None


@pytest.mark.parametrize("cypher", ALLOWED)
def test_creating_and_reading_entries_and_other_writes_pass(cypher: str) -> None:
    assert audit_writes(cypher) is None


def test_there_are_query_modules_and_migrations_to_check() -> None:
    assert len(QUERY_FILES) >= 5 and MIGRATIONS
    assert any(p.parts[-3:] == ("adapters", "audit", "queries.py") for p in QUERY_FILES)


@pytest.mark.parametrize("path", QUERY_FILES + MIGRATIONS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_statement_changes_or_deletes_an_audit_entry(path: Path) -> None:
    statements = _cypher_constants(path) if path.suffix == ".py" else _migration_statements(path)
    offending = {name: why for name, text in statements if (why := audit_writes(text))}
    assert not offending, f"{path.name}: {offending}"
