"""A synthetic population with planted exploitation patterns and the alerts each must raise.

Everything is invented: names are made of nonsense syllables plus a run tag, postcodes are in the
ZZ99 pseudo-area, phones in Ofcom's drama range (07700 900xxx) and registrations start with Z.

The population is a set of districts of up to `district_reports` reports each (homes, schools,
hotspots, children, adults, vehicles, phones of its own), so a larger population is more
districts of the same shape: an entity's neighbourhood looks the same at ten thousand reports
as at a million, and only the size of the whole graph grows. Each district mixes background
intelligence (sightings at hotspots, friendships, adults' phones and cars, short missing
episodes, approaches) with planted patterns:

- `adult_linked_to_children`: one adult associated with three children;
- `car_collecting_from_two_homes`: one car collecting a resident of each of two care homes;
- `school_pupils_at_take_away`: pupils of one school approached by one adult at one take-away;
- `escalating_missing`: a looked-after child missing three times, each episode longer.

With `connected=True` (the growth and analyst benchmarks) the districts are not copies but
one population: names come from two long-tailed vocabularies shared by every district (a Zipf
law, so a few names are common and most are rare, as real names are); the homes, schools and
hotspots of a district are its area's (AREA_DISTRICTS districts share them); a share of
sightings are at county-wide hotspots (stations, shopping centres) every district uses; a share
of adults and vehicles are county-wide (a county line works every district); and a share of
looked-after children are placed in a home of the next area (out of area). Each district is
still generated on its own from the seed, so a million reports load district by district.

Each planted pattern names the alerts it must raise (`ExpectedAlert`). The reports of a pattern
are spread through the stream, so concurrent submitters keep one child's events in order.
The output is deterministic given the seed, the tag and `now`.

    .venv/bin/python -m tests.support.population --reports 2000 --seed 7
"""

import argparse
import itertools
import random
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from schemas.entities import Vehicle
from schemas.reports import ReportCreate, ReportSubmitted

DISTRICT_REPORTS = 10_000
SYLLABLES = ["ka", "ro", "li", "den", "mar", "tes", "vo", "ny", "sha", "bel", "quin", "zor", "ul"]
AGENCIES = ("Synthetic Home A", "Synthetic School", "Synthetic Police", "Synthetic Youth Team")
HOTSPOT_CATEGORIES = (
    "take_away",
    "taxi_rank",
    "off_licence",
    "shopping_centre",
    "bus_or_train_station",
    "hotel",
    "park",
)
PATTERNS = (
    "adult_linked_to_children",
    "car_collecting_from_two_homes",
    "school_pupils_at_take_away",
    "escalating_missing",
)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://tessera.invalid/bench/population")
BENCH_USER = "bench.synth"  # the submitter of every benchmark report, so leftovers can be found
PLANTED_WITHIN_DAYS = 45  # planted patterns fall inside every detector's window (90 days)
# The connected population (see the module's docstring).
NAME_SYLLABLES = [
    *SYLLABLES,
    "ar",
    "el",
    "is",
    "on",
    "ta",
    "mi",
    "ra",
    "jo",
    "le",
    "sa",
    "ti",
    "ben",
]
AREA_DISTRICTS = 4  # districts that share one area's homes, schools and hotspots
GIVEN_NAMES, SURNAMES = 2_000, 40_000  # vocabulary sizes, each name weighted by a Zipf law
GIVEN_EXPONENT, SURNAME_EXPONENT = 0.7, 0.75  # commonest: about 3% and 1.8% of people
COUNTY_HOTSPOTS, COUNTY_ADULTS, COUNTY_VEHICLES = 12, 150, 40
COUNTY_SHARE = 0.15  # of sightings at a county hotspot, of adults and vehicles county-wide
OUT_OF_AREA_SHARE = 0.2  # of looked-after children placed in the next area's homes


@dataclass(frozen=True, slots=True)
class SyntheticReport:
    """One report of the population, the agency that would submit it and its planted pattern."""

    key: str  # unique within the population, e.g. "d0002:r000123"
    agency: str
    report: ReportCreate
    body: dict[str, Any]  # the report as a partner would POST it
    pattern: str | None = None  # the planted pattern instance it belongs to; None: background


@dataclass(frozen=True, slots=True)
class ExpectedAlert:
    """An alert a planted pattern must raise: its type, what it is about, what it must cite."""

    type: str  # an AlertType value
    anchor: str  # display name of the alert's first subject (the adult, car, place or child)
    report_keys: tuple[str, ...]  # the reports it must cite (it may cite more)
    pattern: str  # the planted pattern instance, e.g. "d0000:p003:escalating_missing"


@dataclass
class District:
    """One district's reports, in stream order, and the alerts its planted patterns must raise."""

    index: int
    reports: list[SyntheticReport] = field(default_factory=list)
    expected: list[ExpectedAlert] = field(default_factory=list)


def report_key(district: int, count: int) -> str:
    """The key of a district's count-th report (keys count up from 0 in each district)."""
    return f"d{district:04d}:r{count:06d}"


def tag_word(tag: str) -> str:
    """Four letters from a hex tag: what keeps one run's names apart from another's."""
    return "".join(chr(ord("a") + int(c, 16) % 26) for c in tag[:4].ljust(4, "0"))


@cache
def _vocabulary(seed: int, size: int, exponent: float) -> tuple[list[str], list[float]]:
    """`size` distinct invented names and their cumulative Zipf weights (rank r weighs r^-s)."""
    rng = random.Random(f"{seed}/vocabulary/{size}")  # noqa: S311 - synthetic data
    names: dict[str, None] = {}
    while len(names) < size:
        parts = rng.choice((2, 3, 3, 4))
        names["".join(rng.choice(NAME_SYLLABLES) for _ in range(parts))] = None
    weights = itertools.accumulate(1 / rank**exponent for rank in range(1, size + 1))
    return [n.capitalize() for n in names], list(weights)


def _zipf_name(rng: random.Random, seed: int, size: int, exponent: float) -> str:
    names, cumulative = _vocabulary(seed, size, exponent)
    return rng.choices(names, cum_weights=cumulative)[0]


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where a planted pattern instance goes: its name, stream positions and recent times."""

    name: str
    number: int
    at: list[float]
    recent: list[datetime]


class _Builder:
    """Generates one district; every choice comes from one seeded Random."""

    def __init__(
        self,
        *,
        index: int,
        size: int,
        seed: int,
        tag: str,
        now: datetime,
        span_days: int,
        connected: bool = False,
    ) -> None:
        self.rng = random.Random(f"{seed}/{index}")  # noqa: S311 - synthetic data, not security
        self.index = index
        self.size = size
        self.seed = seed
        self.connected = connected
        self.word = tag_word(tag)
        self.now = now
        self.span_days = span_days
        self.slots: list[tuple[float, SyntheticReport]] = []
        self.expected: list[ExpectedAlert] = []
        self.count = 0
        rng, n = self.rng, size
        if connected:  # the area's places, from the area's own Random: its districts share them
            area = index // AREA_DISTRICTS
            self.homes, self.schools, self.hotspots = self._places(area, n * AREA_DISTRICTS)
            self.county_hotspots = self._places(-1, 150 * COUNTY_HOTSPOTS)[2]
            self.next_homes = self._places(area + 1, n * AREA_DISTRICTS)[0]
        else:
            self.homes, self.schools, self.hotspots = self._places(index, n)
        self.children = [self._child(rng) for _ in range(max(12, n // 8))]
        self.adults = [self._adult(rng) for _ in range(max(6, n // 40))]
        self.vehicles = [self._vrm(rng) for _ in range(max(3, n // 120))]
        if connected:  # a county line: adults and cars every district sees
            county = random.Random(f"{seed}/county")  # noqa: S311 - synthetic data
            self.county_adults = [self._adult(county) for _ in range(COUNTY_ADULTS)]
            self.county_vehicles = [self._vrm(county) for _ in range(COUNTY_VEHICLES)]

    def _places(self, owner: int, n: int) -> tuple[list[dict[str, Any]], ...]:
        """The homes, schools and hotspots of a district (or, connected, of an area), from the
        owner's own Random when connected so that every district of the area gets the same."""
        rng = random.Random(f"{self.seed}/places/{owner}") if self.connected else self.rng  # noqa: S311
        homes = [
            self._place(rng, owner, f"House {i}", "care_home") for i in range(max(2, n // 500))
        ]
        schools = [
            self._place(rng, owner, f"Academy {i}", "school") for i in range(max(2, n // 800))
        ]
        hotspots = [
            self._place(rng, owner, f"Corner {i}", HOTSPOT_CATEGORIES[i % len(HOTSPOT_CATEGORIES)])
            for i in range(max(3, n // 150))
        ]
        return homes, schools, hotspots

    # ---- entities ---------------------------------------------------------------------------

    def _name_word(self, rng: random.Random, parts: int) -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()

    def _person_name(self, rng: random.Random) -> str:
        if self.connected:
            first = _zipf_name(rng, self.seed, GIVEN_NAMES, GIVEN_EXPONENT)
            last = _zipf_name(rng, self.seed, SURNAMES, SURNAME_EXPONENT).lower()
            return f"{first} {last.capitalize()}{self.word}"
        first = self._name_word(rng, rng.choice((2, 3)))
        return f"{first} {self._name_word(rng, 3)}{self.word}"

    def _place(
        self, rng: random.Random, owner: int, label: str, category: str, *, own: bool = False
    ) -> dict[str, Any]:
        """A place of a district (`own`, or any place when not connected), of an area, or of
        the county (owner -1)."""
        inward = f"{rng.randrange(10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJ')}"
        kind = {"care_home": "Home", "school": "School"}.get(category, category.replace("_", " "))
        where = "County" if owner < 0 else f"{'Area' if self.connected and not own else ''}{owner}"
        return {
            "name": f"Synthetic {kind} {label} {self.word.capitalize()}{where}",
            "postcode": f"ZZ99 {inward}",
            "category": category,
            "local_authority": f"Synthetic Borough {owner % 7}",
        }

    def _hotspot(self) -> dict[str, Any]:
        if self.connected and self.rng.random() < COUNTY_SHARE:
            return self.rng.choice(self.county_hotspots)
        return self.rng.choice(self.hotspots)

    def _some_adult(self) -> dict[str, Any]:
        if self.connected and self.rng.random() < COUNTY_SHARE:
            return self.rng.choice(self.county_adults)
        return self.rng.choice(self.adults)

    def _some_vehicle(self) -> str:
        if self.connected and self.rng.random() < COUNTY_SHARE:
            return self.rng.choice(self.county_vehicles)
        return self.rng.choice(self.vehicles)

    def _child(self, rng: random.Random) -> dict[str, Any]:
        born = self.now.date() - timedelta(days=rng.randrange(11 * 365, 17 * 365))
        child: dict[str, Any] = {
            "name": self._person_name(rng),
            "date_of_birth": born.isoformat(),
            "role": "young_person",
            "gender": rng.choice(("female", "male")),
            "school": rng.choice(self.schools),
        }
        if rng.random() < 0.3:
            out_of_area = self.connected and rng.random() < OUT_OF_AREA_SHARE
            child["placement"] = rng.choice(self.next_homes if out_of_area else self.homes)
            child["flags"] = {"looked_after": True}
        return child

    def _adult(self, rng: random.Random) -> dict[str, Any]:
        adult: dict[str, Any] = {
            "name": self._person_name(rng),
            "estimated_age": rng.randrange(19, 46),
            "role": "adult",
        }
        if rng.random() < 0.5:
            adult["phones"] = [f"07700 900{rng.randrange(1000):03d}"]
        return adult

    def _vrm(self, rng: random.Random) -> str:
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXY") for _ in range(3))
        return f"Z{self.word[0].upper()}{rng.randrange(10, 100)} {letters}"

    def _mention(self, person: dict[str, Any]) -> dict[str, Any]:
        """A person as a report names them: the school and placement only sometimes."""
        if self.rng.random() < 0.3:
            return person
        return {k: v for k, v in person.items() if k not in ("school", "placement")}

    # ---- reports ----------------------------------------------------------------------------

    def _when(self, *, within_days: float | None = None) -> datetime:
        days = within_days if within_days is not None else self.span_days
        return self.now - timedelta(seconds=self.rng.uniform(3600, days * 86_400))

    def _grading(self, agency: str, *, planted: bool) -> dict[str, Any]:
        grading: dict[str, Any] = {
            "source": self.rng.choice((1, 2, 2, 3)),
            "intelligence": self.rng.choice("ABBC"),
            "handling": "P",
        }
        if not planted and self.rng.random() < 0.05:
            grading |= {"handling": "C", "conditions": {"agencies": [agency]}}
        return grading

    def _add(
        self,
        position: float,
        agency: str,
        observed: datetime,
        event: dict[str, Any],
        *,
        pattern: str | None = None,
    ) -> str:
        key = report_key(self.index, self.count)
        self.count += 1
        body = {
            "observed_at": observed.isoformat(),
            "grading": self._grading(agency, planted=pattern is not None),
            "concerns": ["cce"] if pattern else [],
            "narrative": "Synthetic report generated for benchmarks and fault tests.",
            "event": event,
        }
        report = ReportCreate.model_validate(body)
        self.slots.append((position, SyntheticReport(key, agency, report, body, pattern)))
        return key

    def background(self, position: float) -> None:
        """One piece of everyday intelligence (two reports for a missing episode)."""
        rng = self.rng
        roll = rng.random()
        when = self._when()
        if roll < 0.45:
            people = [self._mention(c) for c in rng.sample(self.children, rng.randint(1, 3))]
            if rng.random() < 0.2:
                people.append(self._mention(self._some_adult()))
            event = {"type": "sighting", "persons": people, "place": self._hotspot()}
            self._add(position, AGENCIES[3], when, event)
        elif roll < 0.60:
            a, b = rng.sample(self.children, 2)
            event = {
                "type": "association",
                "person_a": self._mention(a),
                "person_b": self._mention(b),
                "nature": "friend",
            }
            self._add(position, AGENCIES[1], when, event)
        elif roll < 0.70:
            event = {
                "type": "vehicle_sighting",
                "vehicle": {
                    "vrm": self._some_vehicle(),
                    "colour": rng.choice(("black", "red")),
                },
                "place": self._hotspot(),
                "driver": self._mention(self._some_adult()),
            }
            self._add(position, AGENCIES[2], when, event)
        elif roll < 0.80:
            adult = self._some_adult()
            phones = adult.get("phones") or [f"07700 900{rng.randrange(1000):03d}"]
            event = {
                "type": "phone_contact",
                "subject": self._mention(adult),
                "numbers_used": phones,
            }
            self._add(position, AGENCIES[2], when, event)
        elif roll < 0.90:
            child = rng.choice(self.children)
            hours = rng.uniform(2, 12)
            self._missing(position, child, when, hours, gap=25.0)
        elif roll < 0.95:
            event = {
                "type": "approach",
                "approached": [self._mention(rng.choice(self.children))],
                "approachers": [self._mention(self._some_adult())],
                "place": self._hotspot(),
                "purpose": rng.choice(("unknown", "recruitment")),
            }
            self._add(position, AGENCIES[1], when, event)
        else:
            event = {
                "type": "return_interview",
                "child": self._mention(rng.choice(self.children)),
                "conducted_by": "Synthetic Youth Worker",
                "conducted_on": when.date().isoformat(),
                "places_named": [self._hotspot()],
            }
            self._add(position, AGENCIES[3], when, event)

    def _missing(
        self,
        position: float,
        child: dict[str, Any],
        started: datetime,
        hours: float,
        *,
        gap: float,
        pattern: str | None = None,
    ) -> list[str]:
        """A missing episode: reported, then (later in the stream) ended."""
        found = min(started + timedelta(hours=hours), self.now - timedelta(minutes=1))
        reported: dict[str, Any] = {
            "type": "missing_reported",
            "child": self._mention(child),
            "last_seen_at": started.isoformat(),
            "police_risk_grading": "medium",
        }
        if "placement" in child:
            reported["placement"] = child["placement"]
        ended = {
            "type": "missing_ended",
            "child": self._mention(child),
            "found_at": found.isoformat(),
            "circumstances": "returned",
        }
        return [
            self._add(position, AGENCIES[0], started, reported, pattern=pattern),
            self._add(position + gap, AGENCIES[0], found, ended, pattern=pattern),
        ]

    # ---- planted patterns -------------------------------------------------------------------

    def plant(self, number: int, kind: str, position: float, gap: float) -> None:
        """One planted pattern instance, its reports `gap` positions apart."""
        name = f"d{self.index:04d}:p{number:03d}:{kind}"
        at = [position + i * gap for i in range(6)]
        recent = [
            self.now - timedelta(days=d)
            for d in sorted(self.rng.uniform(1, PLANTED_WITHIN_DAYS) for _ in range(3))[::-1]
        ]
        planters = {
            "adult_linked_to_children": self._adult_and_children,
            "car_collecting_from_two_homes": self._car_and_homes,
            "school_pupils_at_take_away": self._pupils_at_take_away,
            "escalating_missing": self._escalating_missing,
        }
        planters[kind](_Plan(name, number, at, recent))

    def _adult_and_children(self, plan: _Plan) -> None:
        adult = self._adult(self.rng)
        keys = [
            self._add(
                plan.at[i],
                AGENCIES[3],
                plan.recent[i],
                {
                    "type": "association",
                    "person_a": self._mention(child),
                    "person_b": self._mention(adult),
                    "nature": "risky_adult",
                },
                pattern=plan.name,
            )
            for i, child in enumerate(self.rng.sample(self.children, 3))
        ]
        self.expected.append(
            ExpectedAlert("adult_linked_to_children", adult["name"], tuple(keys), plan.name)
        )

    def _car_and_homes(self, plan: _Plan) -> None:
        vrm = self._vrm(self.rng)
        keys = []
        for i, home in enumerate(self.rng.sample(self.homes, 2)):
            child = self._child(self.rng) | {"placement": home, "flags": {"looked_after": True}}
            event = {
                "type": "vehicle_sighting",
                "vehicle": {"vrm": vrm, "colour": "silver"},
                "place": home,
                "got_in": [child],
            }
            keys.append(
                self._add(plan.at[i], AGENCIES[0], plan.recent[i], event, pattern=plan.name)
            )
        mark = Vehicle(vrm=vrm).vrm or vrm
        self.expected.append(
            ExpectedAlert("vehicle_linked_to_children", mark, tuple(keys), plan.name)
        )

    def _pupils_at_take_away(self, plan: _Plan) -> None:
        school = self.rng.choice(self.schools)
        shop = self._place(self.rng, self.index, f"Fryer {plan.number}", "take_away", own=True)
        adult = self._adult(self.rng)
        keys = []
        for i in range(2):
            pupil = self._child(self.rng) | {"school": school}
            event = {
                "type": "approach",
                "approached": [pupil],
                "approachers": [self._mention(adult)],
                "place": shop,
                "purpose": "drug_trafficking",
            }
            keys.append(
                self._add(plan.at[i], AGENCIES[1], plan.recent[i], event, pattern=plan.name)
            )
        self.expected.append(ExpectedAlert("shared_hotspot", shop["name"], tuple(keys), plan.name))
        self.expected.append(
            ExpectedAlert("adult_linked_to_children", adult["name"], tuple(keys), plan.name)
        )

    def _escalating_missing(self, plan: _Plan) -> None:
        child = self._child(self.rng) | {
            "placement": self.rng.choice(self.homes),
            "flags": {"looked_after": True},
        }
        keys: list[str] = []
        gap = plan.at[1] - plan.at[0]
        for i, (days_ago, hours) in enumerate(((40, 3.0), (20, 9.0), (5, 30.0))):
            started = self.now - timedelta(days=days_ago, hours=self.rng.uniform(0, 12))
            keys += self._missing(plan.at[2 * i], child, started, hours, gap=gap, pattern=plan.name)
        self.expected.append(
            ExpectedAlert("missing_escalation", child["name"], tuple(keys), plan.name)
        )

    def build(self, planted_share: float) -> District:
        """The district's reports in stream order, with what its planted patterns must raise."""
        n = self.size
        patterns = max(len(PATTERNS), round(n * planted_share / 4)) if n >= 40 else 0
        gap = max(25.0, n / 50)
        for i in range(patterns):
            self.plant(i, PATTERNS[i % len(PATTERNS)], self.rng.uniform(0, n * 0.7), gap)
        while self.count < n:
            self.background(self.rng.uniform(0, n))
        self.slots.sort(key=lambda slot: slot[0])
        return District(self.index, [r for _, r in self.slots], self.expected)


class Population:
    """Districts of synthetic reports; deterministic given seed, tag and now."""

    def __init__(
        self,
        *,
        reports: int,
        seed: int = 7,
        tag: str = "0000",
        now: datetime | None = None,
        span_days: int = 180,
        planted_share: float = 0.05,
        district_reports: int = DISTRICT_REPORTS,
        connected: bool = False,
    ) -> None:
        self.total = reports
        self.seed = seed
        self.tag = tag
        self.now = now or datetime.now(UTC)
        self.span_days = span_days
        self.planted_share = planted_share
        self.district_reports = district_reports
        self.connected = connected

    @property
    def districts(self) -> int:
        """How many districts the population has."""
        return max(1, -(-self.total // self.district_reports))

    def district(self, index: int) -> District:
        """One district (about district_reports reports; the last may be smaller)."""
        size = min(self.district_reports, self.total - index * self.district_reports)
        builder = _Builder(
            index=index,
            size=max(size, 1),
            seed=self.seed,
            tag=self.tag,
            now=self.now,
            span_days=self.span_days,
            connected=self.connected,
        )
        return builder.build(self.planted_share)

    def iter_districts(self, start: int = 0) -> Iterator[District]:
        """Every district from `start` on, one at a time."""
        for index in range(start, self.districts):
            yield self.district(index)

    def reports(self) -> Iterator[SyntheticReport]:
        """Every report, district by district, each district in stream order."""
        for district in self.iter_districts():
            yield from district.reports

    def expected_alerts(self) -> list[ExpectedAlert]:
        """What every planted pattern of the population must raise."""
        return [alert for district in self.iter_districts() for alert in district.expected]

    def probes(self, *, district: int, count: int, salt: str) -> list[SyntheticReport]:
        """Fresh background reports about a district's existing people, places and cars."""
        builder = _Builder(
            index=district,
            size=min(self.district_reports, self.total),
            seed=self.seed,
            tag=self.tag,
            now=self.now,
            span_days=self.span_days,
            connected=self.connected,
        )
        builder.rng.seed(f"{self.seed}/{district}/probe/{salt}")
        builder.count = 10**6  # keys apart from the district's own
        while len(builder.slots) < count:
            builder.background(float(len(builder.slots)))
        return [
            SyntheticReport(f"{r.key}:{salt}", r.agency, r.report, r.body, r.pattern)
            for _, r in builder.slots[:count]
        ]

    def report_id(self, key: str) -> uuid.UUID:
        """The report id a population report has when published directly (not through ingest)."""
        return uuid.uuid5(NAMESPACE, f"{self.tag}:{key}")

    def submitted(self, report: SyntheticReport, *, at: datetime | None = None) -> ReportSubmitted:
        """The event ingest would publish for the report, with a deterministic id."""
        return ReportSubmitted(
            event_id=self.report_id(report.key),
            occurred_at=at or self.now,
            source_agency=report.agency,
            submitted_by=BENCH_USER,
            report=report.report,
        )


def run_tag() -> str:
    """A short random tag that keeps one run's population apart from every other's."""
    return uuid.uuid4().hex[:8]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    began = datetime.now(UTC)
    population = Population(reports=args.reports, seed=args.seed)
    kinds: Counter[str] = Counter()
    planted = 0
    for report in population.reports():
        kinds[report.report.event.type] += 1
        planted += report.pattern is not None
    took = (datetime.now(UTC) - began).total_seconds()
    expected = population.expected_alerts()
    print(f"{args.reports} reports in {population.districts} district(s), {took:.1f}s to generate")
    print("by type: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    print(f"planted reports {planted}; expected alerts {len(expected)}:")
    for kind, n in Counter(a.type for a in expected).most_common():
        print(f"  {kind}: {n}")


if __name__ == "__main__":
    main()
