"""Every alert type has one home: a pattern folder whose registered detector raises it, a row in
README's table of patterns, and an end-to-end scenario that raises it."""

import re
from pathlib import Path

from schemas.alerts import AlertType
from services.alerts.patterns.registry import DETECTORS

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = ROOT / "services" / "alerts" / "patterns"

# Alert types that no end-to-end scenario raises yet. Each one named here is a known gap to
# close with a scenario in tests/e2e/; the test fails if a type is missing from both, and if a
# type listed here gets a scenario (then take it off the list). None today.
KNOWN_E2E_GAPS: frozenset[AlertType] = frozenset()


def _pattern_of(module: str) -> str:
    """The pattern folder a detector's runner lives in."""
    match = re.fullmatch(r"services\.alerts\.patterns\.(\w+)\.detector", module)
    assert match, f"{module} is not a pattern's detector.py"
    return match.group(1)


def _readme_types() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("### Patterns the alert service detects", 1)[1].split("\n#### ", 1)[0]
    return set(re.findall(r"^\| `(\w+)` \| P", section, flags=re.MULTILINE))


def _e2e_types() -> set[str]:
    raised: set[str] = set()
    for path in (ROOT / "tests" / "e2e").glob("test_*.py"):
        text = path.read_text()
        raised |= set(re.findall(r'(?:expect_alert|alert_citing)\(\s*\w+,\s*"(\w+)"', text))
        raised |= set(re.findall(r'alert\["type"\] == "(\w+)"', text))
    return raised


def test_every_alert_type_is_raised_by_a_registered_detector() -> None:
    registered = {t for d in DETECTORS for t in d.raises}
    assert registered == set(AlertType)


def test_each_detector_declares_what_its_rule_raises() -> None:
    declared: dict[str, set[str]] = {}
    for detector in DETECTORS:
        declared.setdefault(_pattern_of(detector.run.__module__), set()).update(
            t.name for t in detector.raises
        )
    for pattern, types in declared.items():
        rule = (PATTERNS / pattern / "rule.py").read_text()
        assert set(re.findall(r"AlertType\.([A-Z_]+)", rule)) == types, pattern


def test_every_pattern_folder_is_registered() -> None:
    folders = {p.parent.name for p in PATTERNS.glob("*/rule.py")}
    assert folders == {_pattern_of(d.run.__module__) for d in DETECTORS}
    for folder in folders:
        assert (PATTERNS / folder / "detector.py").exists(), folder


def test_every_alert_type_has_its_row_in_the_readme() -> None:
    assert _readme_types() == {t.value for t in AlertType}


def test_every_alert_type_is_raised_by_an_end_to_end_scenario() -> None:
    raised = _e2e_types()
    assert {t for t in AlertType if t.value not in raised} == KNOWN_E2E_GAPS
