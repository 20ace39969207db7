"""Reading the ONS Postcode Directory's CSV layout for `tessera geo load` (issue 18)."""

import io

import pytest

from tessera_cli.geo import SYNTHETIC_FILE, Centroid, NotOnspd, read_centroids


def _read(text: str) -> tuple[list[Centroid], int]:
    return read_centroids(io.StringIO(text))


def test_the_synthetic_file_has_the_demo_and_test_postcodes_and_skips_the_unplaceable_one() -> None:
    with SYNTHETIC_FILE.open(newline="", encoding="utf-8-sig") as lines:
        centroids, skipped = read_centroids(lines)
    postcodes = {c.postcode for c in centroids}
    assert {"ZZ99 1AA", "ZZ99 7LN", "ZZ99 9ZZ", "ZZ99 4CS"} <= postcodes
    assert all(c.postcode.startswith("ZZ99 ") for c in centroids), "synthetic postcodes only"
    assert skipped == 1  # ZZ99 8NG: terminated, no grid reference


def test_postcodes_are_read_in_canonical_form_from_any_postcode_column_in_any_case() -> None:
    centroids, _ = _read("PCD,LAT,LONG\nZZ991AA,52.5,-1.25\n")
    assert centroids == [Centroid("ZZ99 1AA", 52.5, -1.25)]


def test_pcds_is_preferred_and_a_later_row_for_the_same_postcode_wins() -> None:
    text = "pcd,pcds,lat,long\nZZ991AA,ZZ99 1AA,52.5,-1.25\nZZ99 1AA,ZZ99 1AA,52.6,-1.26\n"
    assert _read(text) == ([Centroid("ZZ99 1AA", 52.6, -1.26)], 0)


@pytest.mark.parametrize(
    "row",
    [
        "ZZ991AB,99.999999,0.000000",  # the ONSPD's "no grid reference"
        "ZZ991AB,,",
        "ZZ991AB,north,west",
        "ZZ99,52.5,-1.25",  # a district alone locates nothing exactly
        "not a postcode,52.5,-1.25",
        "ZZ991AB,120,-1.25",
    ],
)
def test_rows_that_cannot_be_placed_are_skipped(row: str) -> None:
    assert _read(f"pcd,lat,long\n{row}\n") == ([], 1)


def test_a_file_in_another_layout_is_refused_naming_what_it_needs() -> None:
    with pytest.raises(NotOnspd, match="pcds"):
        _read("postcode,latitude,longitude\nZZ99 1AA,52.5,-1.25\n")
