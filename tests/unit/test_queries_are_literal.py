"""Every queries.py holds plain string constants: values only ever travel as $parameters."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted(
    p for p in ROOT.glob("**/queries.py") if ".venv" not in p.parts and ".infra" not in p.parts
)


def test_there_are_query_modules() -> None:
    assert len(QUERY_FILES) >= 3


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_queries_are_string_literals(path: Path) -> None:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        assert not isinstance(node, ast.JoinedStr), f"f-string at line {node.lineno}"
        if isinstance(node, ast.BinOp):
            pytest.fail(f"string built with an operator at line {node.lineno}")
        if isinstance(node, ast.Attribute) and node.attr == "format":
            pytest.fail(f".format( at line {node.lineno}")
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            assert isinstance(statement.value, ast.Constant)
            assert isinstance(statement.value.value, str)
