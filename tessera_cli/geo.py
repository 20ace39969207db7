"""`tessera geo load FILE`: postcode centroids from the ONS Postcode Directory (ONSPD, open
data) into Neo4j, and every place with a postcode located at its centroid (issue 18).

The ONSPD CSV has one row per postcode: `pcd` (7 characters), `pcd2` (8), `pcds` (variable, one
space), `doterm` (the month it was terminated, empty if live), `lat` and `long` (WGS84), and
many area codes this command ignores. A postcode with no grid reference carries the ONSPD's
placeholder (lat 99.999999, long 0). Terminated postcodes are kept: an older report may give one.
"""

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from neo4j import Driver, GraphDatabase
from rich.console import Console

from common.settings import InfraSettings
from schemas.identifiers.postcode import parse_postcode
from tessera_cli import queries
from tessera_cli.paths import INFRA
from tessera_cli.settings import cli_settings

# The synthetic file the demo and the tests load: ZZ99 pseudo-postcodes no real address has.
SYNTHETIC_FILE = INFRA / "geo" / "onspd-synthetic.csv"
BATCH = 5000
NO_GRID_REFERENCE_LAT = 99.999999  # the ONSPD's value for a postcode it cannot place
POSTCODE_COLUMNS = ("pcds", "pcd2", "pcd")  # the first one a file has is read

geo_app = typer.Typer(help="Postcode centroids for the map.", no_args_is_help=True)
console = Console(soft_wrap=True)


class NotOnspd(ValueError):
    """The file is not in the ONSPD's CSV layout."""


@dataclass(frozen=True, slots=True)
class Centroid:
    """One postcode's centroid, WGS84."""

    postcode: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Loaded:
    """What a load did."""

    centroids: int
    skipped: int
    located: int


def _coordinate(row: dict[str, str], column: str) -> float | None:
    try:
        value = float(row.get(column) or "nan")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_centroids(lines: Iterable[str]) -> tuple[list[Centroid], int]:
    """The centroids of an ONSPD CSV (headers in any case), and how many rows were skipped: no
    grid reference, coordinates out of range, or no postcode that parses."""
    reader = csv.DictReader(lines)
    headers = {h.strip().lower(): h for h in reader.fieldnames or []}
    column = next((headers[c] for c in POSTCODE_COLUMNS if c in headers), None)
    if column is None or "lat" not in headers or "long" not in headers:
        raise NotOnspd(
            "expected the ONS Postcode Directory's CSV: a pcds (or pcd) column, lat and long; "
            f"found {', '.join(headers) or 'no header'}"
        )
    centroids: dict[str, Centroid] = {}
    skipped = 0
    for raw in reader:
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        lat, lon = _coordinate(row, "lat"), _coordinate(row, "long")
        try:
            postcode = parse_postcode(row.get(column.strip().lower(), ""))
        except ValueError:
            skipped += 1
            continue
        if lat is None or lon is None or lat == NO_GRID_REFERENCE_LAT or postcode.partial:
            skipped += 1
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            skipped += 1
            continue
        centroids[postcode.value] = Centroid(postcode.value, lat, lon)
    return list(centroids.values()), skipped


def _batches(items: list[Centroid], size: int) -> Iterator[list[Centroid]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(settings: InfraSettings, path: Path) -> Loaded:
    """Merge the file's centroids into Neo4j, then locate every place with a postcode."""
    with path.open(newline="", encoding="utf-8-sig") as lines:
        centroids, skipped = read_centroids(lines)
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        for batch in _batches(centroids, BATCH):
            rows = [
                {"postcode": c.postcode, "lat": c.lat, "lon": c.lon, "source": path.name}
                for c in batch
            ]
            driver.execute_query(
                queries.MERGE_POSTCODE_CENTROIDS, rows=rows, database_=settings.neo4j_database
            )
        located = locate_places(settings, driver=driver)
    return Loaded(centroids=len(centroids), skipped=skipped, located=located)


def locate_places(settings: InfraSettings, *, driver: Driver | None = None) -> int:
    """Locate every place with a postcode whose centroid is loaded; how many were (re)located."""
    if driver is None:
        auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
        with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as own:
            return locate_places(settings, driver=own)
    records, _, _ = driver.execute_query(
        queries.LOCATE_ALL_PLACES_BY_POSTCODE, database_=settings.neo4j_database
    )
    return int(records[0]["located"])


@geo_app.command("load")
def geo_load(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="An ONS Postcode Directory CSV (ONSPD_*_UK.csv), or the synthetic one the "
            "demo uses: infra/geo/onspd-synthetic.csv.",
        ),
    ],
) -> None:
    """Load postcode centroids and locate every place with a postcode on the map."""
    try:
        loaded = load(cli_settings(), file.resolve())
    except NotOnspd as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(1) from error
    console.print(
        f"loaded {loaded.centroids} postcode centroids from {file.name} "
        f"(skipped {loaded.skipped} row(s) with no usable postcode or coordinates); "
        f"located {loaded.located} places"
    )
