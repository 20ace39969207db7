"""Finding 7 of issue 13: an evidence entry can never be made to cite another report."""

from uuid import uuid4

import pytest

from schemas.grading import Grading
from schemas.graph import EvidenceEntry, read_evidence, write_evidence
from services.network.identities import evidence_entries
from tests.support.factories import id_key, sighting, submitted


def _restricted_to(*agencies: str) -> Grading:
    return Grading.model_validate(
        {"source": 2, "intelligence": "B", "handling": "C", "conditions": {"agencies": agencies}}
    )


def test_an_agency_name_with_separators_cannot_make_an_entry_cite_another_report() -> None:
    victim = uuid4()
    forged = f"Synthetic Forger|{victim}"
    report = sighting("Ava Synth").model_copy(update={"grading": _restricted_to(forged)})
    event = submitted(report)
    for entry in evidence_entries(event, key=id_key()):
        read = read_evidence(entry)
        assert read.report_id == str(event.event_id)
        assert str(victim) not in {read.report_id, read.observed, read.source}
        assert (read.source, read.intelligence) == ("2", "B")


def test_a_forged_entry_with_more_fields_is_refused_when_read() -> None:
    with pytest.raises(ValueError, match="5 fields"):
        read_evidence(f"2026-11-01T00:00:00.000000Z|2|B|agency:X|{uuid4()}|{uuid4()}")


def test_the_writer_refuses_a_field_holding_the_separator() -> None:
    entry = EvidenceEntry("2026-11-01T00:00:00.000000Z", "2", "B", "agency:X|Y", str(uuid4()))
    with pytest.raises(ValueError, match="separator"):
        write_evidence(entry)


def test_escaped_audiences_round_trip_and_stay_distinct() -> None:
    one = submitted(sighting("Ava Synth").model_copy(update={"grading": _restricted_to("A|B")}))
    other = submitted(sighting("Ava Synth").model_copy(update={"grading": _restricted_to("A%7CB")}))
    audiences_one = {read_evidence(e).audience for e in evidence_entries(one, key=id_key())}
    audiences_other = {read_evidence(e).audience for e in evidence_entries(other, key=id_key())}
    assert "agency:A%7CB" in audiences_one
    assert "agency:A%257CB" in audiences_other
