"""Facts read from the graph with the reports that state them, and what an alert cites for them.

Every fact a detector puts in an alert (a link, a name, a premises status), and every fact that
only decides whether it is raised or how urgent it is (that a person is a young person, their
age under 13 or needs, a known area), comes with the non-retracted reports that state it, and the
alert cites them: it then reaches only those who may see every report it cites (handling code C).
A fact that no report states is left out, and an entity is named only as a report the alert
cites names it.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Reports = Mapping[str, datetime]
"""Report id -> when it was observed: the reports behind something, such as the reports that
each, on its own, state one fact."""

Names = Mapping[str, str]
"""What each report calls an entity: report id -> name."""

UNDER_13 = 13  # a child under 13 raises an alert's priority (R4)
UNNAMED = "someone unnamed"  # an entity none of the cited reports names (never expected)


def reports_of(rows: list[dict[str, str]] | None) -> dict[str, datetime]:
    """The reports of a query's `[{id, observed_at}]` list (an adapter's helper)."""
    return {row["id"]: datetime.fromisoformat(row["observed_at"]) for row in rows or []}


def cite(cited: Reports, *facts: Reports) -> dict[str, datetime]:
    """What an alert cites: the reports it cites already and, for each further fact it uses,
    the reports that state it (none more when a report already cited states it too)."""
    reports = dict(cited)
    for fact in facts:
        if fact.keys().isdisjoint(reports):
            reports.update(fact)
    return reports


def named(names: Names, cited: Reports, *, otherwise: str = UNNAMED) -> str:
    """What the latest cited report calls the entity; `otherwise` when none of them names it."""
    naming = [rid for rid, name in names.items() if rid in cited and name]
    if not naming:
        return otherwise
    return names[max(naming, key=lambda rid: (cited[rid], rid))]


@dataclass(frozen=True, slots=True)
class Traits:
    """What the reports that are not retracted say of a person that decides whether an alert is
    raised or how urgent it is, each fact with the reports that state it."""

    young: Reports = field(default_factory=dict)  # call them a young person (by age or role)
    under_13: Reports = field(default_factory=dict)  # give an age under 13, the latest age given
    needs: Reports = field(default_factory=dict)  # record a learning disability or needs


def traits_of(said: list[dict[str, Any]] | None) -> Traits:
    """The traits of a query's `[{id, observed_at, young, age, needs}]` list, one entry per
    report that mentions the person (an adapter's helper)."""
    rows = sorted(said or [], key=lambda x: (x["observed_at"], x["id"]))
    aged = [x for x in rows if x.get("age") is not None]
    young_now = bool(aged) and aged[-1]["age"] < UNDER_13
    return Traits(
        young=reports_of([x for x in rows if x.get("young")]),
        under_13=reports_of([x for x in aged if x["age"] < UNDER_13] if young_now else []),
        needs=reports_of([x for x in rows if x.get("needs")]),
    )


def traits_kept(kept: Mapping[str, Any]) -> Traits:
    """The traits a person keeps in the graph (a query's `p {.young_reports, young_at, ...}`:
    the reports calling them a young person, those recording needs, and those giving an age,
    each as parallel lists of ids, times and ages), as `traits_of` finds them (an adapter's
    helper)."""

    def reports(ids: str, at: str) -> dict[str, datetime]:
        pairs = zip(kept.get(ids) or [], kept.get(at) or [], strict=True)
        return {rid: datetime.fromisoformat(t) for rid, t in pairs}

    aged = sorted(
        zip(
            (datetime.fromisoformat(t) for t in kept.get("aged_at") or []),
            kept.get("aged_reports") or [],
            kept.get("aged_reports_age") or [],
            strict=True,
        )
    )
    young_now = bool(aged) and aged[-1][2] < UNDER_13
    return Traits(
        young=reports("young_reports", "young_at"),
        under_13={rid: at for at, rid, age in aged if age < UNDER_13} if young_now else {},
        needs=reports("needs_reports", "needs_at"),
    )


def earliest(reports: Reports) -> dict[str, datetime]:
    """The earliest of the reports (by when observed, then id); none of none."""
    if not reports:
        return {}
    rid = min(reports, key=lambda r: (reports[r], r))
    return {rid: reports[rid]}


def cite_first(cited: Reports, *facts: Reports) -> dict[str, datetime]:
    """What an alert cites: the reports it cites already and, for each further fact it relies on,
    the earliest report that states it (none when a report already cited states it too)."""
    reports = dict(cited)
    for fact in facts:
        if fact.keys().isdisjoint(reports):
            reports.update(earliest(fact))
    return reports


def cite_any(cited: Reports, statements: Iterable[Reports]) -> dict[str, datetime]:
    """What an alert cites when it relies on one of several statements, each made by the reports
    that together state it: nothing more when the cited reports make one of them, else the
    statement whose latest report is the earliest."""
    made = [s for s in statements if s]
    if not made or any(s.keys() <= cited.keys() for s in made):
        return dict(cited)
    first = min(made, key=lambda s: max((at, rid) for rid, at in s.items()))
    return {**cited, **first}
