"""`common` is framework-free except `common.adapters`: the import contract in pyproject.toml
checks that no other module of `common` imports a framework, and this test that none reaches
one through an adapter (which the contract, ignoring the adapters' own imports, cannot see)."""

import ast
from pathlib import Path

COMMON = Path(__file__).resolve().parents[2] / "common"


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_framework_free_module_of_common_imports_an_adapter() -> None:
    core = [p for p in COMMON.rglob("*.py") if "adapters" not in p.relative_to(COMMON).parts]
    assert len(core) > 10
    offenders = {
        str(p.relative_to(COMMON)): sorted(
            n for n in _imported(p) if n.startswith("common.adapters")
        )
        for p in core
    }
    assert {p: n for p, n in offenders.items() if n} == {}


def test_the_check_sees_an_adapter_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from common.adapters.http_auth import require_user\n")
    assert "common.adapters.http_auth" in _imported(module)
