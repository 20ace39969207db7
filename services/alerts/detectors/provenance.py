"""Facts read from the graph with the reports that state them, and what an alert cites for them.

Every fact a detector puts in an alert (a link, a name, a premises status) comes with the
non-retracted reports that state it, and the alert cites them: it then reaches only those who may
see every report it cites (handling code C). A fact that no report states is left out, and an
entity is named only as a report the alert cites names it.
"""

from collections.abc import Mapping
from datetime import datetime

Reports = Mapping[str, datetime]
"""Report id -> when it was observed: the reports behind something, such as the reports that
each, on its own, state one fact."""

Names = Mapping[str, str]
"""What each report calls an entity: report id -> name."""

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
