"""`tessera resolution evaluate`: labelled records through a resolver, scored pairwise.

Every name, date and postcode here is invented.
"""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tessera_cli.main import app
from tessera_cli.resolution_evaluation import (
    REQUIRED_COLUMNS,
    LabelledRecord,
    Outcome,
    RecordError,
    evaluate_file,
    facts_for,
    read_records,
    write_records,
)

HEADER = ",".join(REQUIRED_COLUMNS) + ",nhs_number"
NHS_NUMBER = "9990000018"  # the 999 range is never issued; check digit 8


class ScriptedResolver:
    """A fake resolver that answers each record as the test scripted it."""

    def __init__(self, script: dict[str, Outcome]) -> None:
        self._script = script

    def resolve(self, record: LabelledRecord) -> Outcome:
        return self._script[record.record_id]


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "labelled.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_scores_merges_and_candidates_pairwise(tmp_path: Path) -> None:
    # Truth: A = r1 r2 r3 (3 pairs), B = r4 r5 (1 pair), C = r6: 4 true pairs.
    path = _csv(
        tmp_path,
        "r1,A,Ava,Synthwood,2011-03-04,,,",
        "r2,A,Ava,Synthwood,2011-03-04,,,",
        "r3,A,Eva,Synthwood,2011-03-04,,,",
        "r4,B,Ben,Quorrel,",
        "r5,B,Ben,Quorrel,",
        "r6,C,Cal,Quorrel,",
    )
    resolver = ScriptedResolver(
        {
            "r1": Outcome("P1"),
            "r2": Outcome("P1"),
            "r3": Outcome("P2", candidates=("P1",)),  # a true candidate
            "r4": Outcome("P3"),
            "r5": Outcome("P1"),  # a false merge into A's person
            "r6": Outcome("P4", candidates=("P3",)),  # a false candidate
        }
    )
    result = evaluate_file(path, resolver=resolver)
    assert (result.records, result.entities, result.people) == (6, 3, 4)
    # Certain: P1 = r1 r2 r5 (3 pairs, only r1-r2 true).
    assert (result.certain.true_pairs, result.certain.predicted_pairs) == (4, 3)
    assert result.certain.correct_pairs == 1
    assert result.certain.precision == pytest.approx(1 / 3)
    assert result.certain.recall == pytest.approx(1 / 4)
    assert result.certain.f1 == pytest.approx(2 / 7)
    # Confirming both candidates: r1 r2 r3 r5 (6 pairs, 3 true) and r4 r6 (1 pair, false).
    both = result.with_candidates
    assert (both.true_pairs, both.predicted_pairs, both.correct_pairs) == (4, 7, 3)
    assert both.precision == pytest.approx(3 / 7)
    assert both.recall == pytest.approx(3 / 4)
    assert both.f1 == pytest.approx(6 / 11)
    assert (result.candidates, result.true_candidates) == (2, 1)


def test_nothing_merged_has_no_precision(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r1,A,Ava,Synthwood,", "r2,A,Ava,Synthwood,,,,")
    resolver = ScriptedResolver({"r1": Outcome("P1"), "r2": Outcome("P2")})
    result = evaluate_file(path, resolver=resolver)
    assert result.certain.precision is None
    assert result.certain.recall == 0.0
    assert result.certain.f1 is None


def test_reads_cells_and_writes_them_back(tmp_path: Path) -> None:
    record = LabelledRecord(
        record_id="r1",
        entity_id="A",
        given_name="Ava",
        surname="Synthwood",
        address="12 Synthetic Road",
        postcode="ZZ99 1AA",
        identifiers=(("nhs_number", NHS_NUMBER), ("la_child_id", "SYN-0042")),
        home_local_authority="Demoshire",
    )
    path = tmp_path / "out.csv"
    write_records(path, [record])
    assert list(read_records(path)) == [record]
    assert record.name == "Ava Synthwood"


def test_passes_address_postcode_and_identifiers_to_the_resolver() -> None:
    record = LabelledRecord(
        record_id="r1",
        entity_id="A",
        given_name="Ava",
        surname="Synthwood",
        address="12,  Synthetic Road",
        postcode="zz991aa",
        identifiers=(("nhs_number", "999 000 0018"), ("la_child_id", "SYN-0042")),
        home_local_authority="Demoshire",
    )
    facts = facts_for(record.person())
    assert facts.names == ("ava synthwood",)
    assert facts.postcodes == {"ZZ99 1AA"}
    assert facts.addresses == ("12 synthetic road",)
    assert facts.identifiers == {f"nhs:{NHS_NUMBER}", "la_child:demoshire:syn-0042"}


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        (
            ["r1,A,Ava,Synthwood,2011-03-04,,"],
            "record_id,entity_id,given_name,surname,date_of_birth,address,pc",
            "missing column postcode; unknown column pc",
        ),
        (["r1,A,Ava,Synthwood,04/03/2011,,,"], HEADER, "row 1: date_of_birth '04/03/2011'"),
        (["r1,A,,,2011-03-04,,,"], HEADER, "row 1: record: no given name or surname"),
        (["r1,A,Ava,Synthwood,,,,9990000017"], HEADER, "row 1: nhs_number: .*not a valid NHS"),
        (["r1,A,Ava,Synthwood,,,ZZ99 ?,"], HEADER, "row 1: postcode: .*not a UK postcode"),
        (["r1,A,Ava,S,,,,", "r1,B,Ben,Q,,,,"], HEADER, "row 2: record_id r1 appears twice"),
        (["r1,,Ava,Synthwood,,,,"], HEADER, "row 1: record_id and entity_id are required"),
        (["r1,A,Ava,Synthwood,,,,,"], HEADER, "row 1: more cells than columns"),
    ],
)
def test_refuses_what_is_not_a_labelled_record(
    tmp_path: Path, rows: list[str], header: str, message: str
) -> None:
    path = _csv(tmp_path, *rows, header=header)
    with pytest.raises(RecordError, match=message):
        list(read_records(path))


# Exact repeats of a full name and date of birth are one person in the graph whatever the
# scoring; the alias under A is beyond any resolver, and so are the namesakes E and F (same
# name and birthday: the labels say two children, the records cannot).
LABELLED = (
    f"a1,A,Ava,Synthwood,2011-03-04,12 Synthetic Road,ZZ99 1AA,{NHS_NUMBER}",
    "a2,A,Ava,Synthwood,2011-03-04,,,",
    "b1,B,Ben,Quorrel,2012-05-06,,,",
    "a3,A,AVA, synthwood ,2011-03-04,,,",
    "a4,A,Zed,Marrow,2009-12-30,,,",
    "e1,E,Cal,Dunmore,2013-07-08,,,",
    "b2,B,Ben,Quorrel,2012-05-06,,,",
    "f1,F,Cal,Dunmore,2013-07-08,,,",
)


def test_cli_scores_the_production_resolver(tmp_path: Path) -> None:
    path = _csv(tmp_path, *LABELLED)
    result = CliRunner().invoke(app, ["resolution", "evaluate", str(path), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    # True pairs: A 6, B 1. Made: A's three exact repeats (3 pairs), B (1), E with F (1, false).
    assert figures["records"] == 8
    assert figures["entities"] == 4
    assert figures["people"] == 4
    assert figures["certain_merges"] == {
        "precision": 0.8,
        "recall": pytest.approx(4 / 7),
        "f1": pytest.approx(2 / 3),
        "true_pairs": 7,
        "predicted_pairs": 5,
        "correct_pairs": 4,
    }
    assert figures["merges_and_candidates"] == figures["certain_merges"]
    assert figures["candidates"] == {"proposed": 0, "true": 0}
    assert figures["unused_columns"] == []


def test_cli_prints_a_table(tmp_path: Path) -> None:
    path = _csv(tmp_path, *LABELLED)
    result = CliRunner().invoke(app, ["resolution", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    assert "8 records of 4 labelled people; the resolver made 4 people" in result.output
    assert "certain merges" in result.output
    assert "0.8000" in result.output
    assert "not used" not in result.output


def test_cli_says_a_child_id_without_its_authority_is_not_used(tmp_path: Path) -> None:
    path = _csv(
        tmp_path, "r1,A,Ava,Synthwood,,,,SYN-1", header=HEADER.replace("nhs_number", "la_child_id")
    )
    result = CliRunner().invoke(app, ["resolution", "evaluate", str(path)])
    assert result.exit_code == 0, result.output
    assert "not used: la_child_id" in result.output


def test_cli_names_the_bad_row(tmp_path: Path) -> None:
    path = _csv(tmp_path, "r1,A,Ava,Synthwood,2011-02-30,,,")
    result = CliRunner().invoke(app, ["resolution", "evaluate", str(path)])
    assert result.exit_code == 1
    assert "row 1: date_of_birth '2011-02-30' is not YYYY-MM-DD" in result.output
