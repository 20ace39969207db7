"""P21 departure risk: leaving with luggage, a passport or money; report missing if late."""

from datetime import UTC, datetime, timedelta

from schemas.alerts import AlertType, Priority
from services.alerts.actions import Action, deadlines
from services.alerts.patterns.departure_risk.rule import Departure, Whereto, detect_departure_risk
from services.alerts.shared.candidate import AlertCandidate
from services.alerts.shared.episodes import Child

RID = "00000000-0000-0000-0000-000000000001"
LEFT = datetime(2026, 11, 20, 17, 45, tzinfo=UTC)
CHILD = Child(id="person:r1", name="Rae Synth", age=15, vulnerable=False)
HOME = Whereto(id="location:h1", name="Synthetic House", category="care_home")
STATION = Whereto(id="location:bs", name="Synthetic Bus Station", category="bus_or_train_station")


def _departure(*carrying: str, **extra: object) -> Departure:
    return Departure(
        id="departure:1",
        report_id=RID,
        left_at=LEFT,
        carrying=frozenset(carrying),
        left_from=HOME,
        **extra,  # type: ignore[arg-type]
    )


def _detect(*departures: Departure, child: Child = CHILD) -> list[AlertCandidate]:
    return detect_departure_risk(child=child, departures=list(departures), grace=timedelta(hours=1))


def test_leaving_with_luggage_and_money_asks_staff_to_escort_and_sets_a_missing_deadline() -> None:
    (alert,) = _detect(
        _departure(
            "luggage",
            "money",
            money_gbp="60.00",
            meeting=("Jay",),
            going_to=Whereto(id="location:t", name="Synthtown"),
            expected_back=LEFT + timedelta(hours=3, minutes=15),
        )
    )
    assert alert.type is AlertType.DEPARTURE_RISK
    assert alert.fingerprint == "departure_risk:departure:1"
    assert alert.priority is Priority.MEDIUM
    assert alert.summary == (
        "Rae Synth left Synthetic House at 17:45 on 20 Nov with luggage and £60.00, saying they "
        "were going to Synthtown, meeting Jay and back by 21:00 on 20 Nov; escort or follow them "
        "if it is safe; report them missing if they are not back by 22:00 on 20 Nov."
    )
    assert alert.actions == (Action.ESCORT_OR_FOLLOW, Action.REPORT_MISSING_IF_LATE)
    due = {d.action: d.due_at for d in deadlines(alert.actions, since=LEFT, fixed=alert.due)}
    assert due["report them missing to the police if they are not back"] == LEFT + timedelta(
        hours=4, minutes=15
    )
    assert [s.id for s in alert.subjects] == ["person:r1", "location:h1", "location:t"]


def test_a_passport_or_a_station_adds_a_border_alert() -> None:
    (passport,) = _detect(_departure("passport"))
    assert passport.priority is Priority.HIGH
    assert Action.BORDER_ALERT in passport.actions
    (station,) = _detect(_departure("luggage", leaving_by=STATION, transport="the 18:10 bus"))
    assert Action.BORDER_ALERT in station.actions
    assert "by the 18:10 bus from Synthetic Bus Station" in station.summary


def test_leaving_with_nothing_to_notice_raises_nothing() -> None:
    assert _detect(_departure()) == []


def test_an_escorted_young_person_needs_no_escort_action() -> None:
    (alert,) = _detect(_departure("money", escorted=True))
    assert Action.ESCORT_OR_FOLLOW not in alert.actions
    assert "escort" not in alert.summary


def test_summer_times_read_as_the_clock_on_the_wall() -> None:
    june = datetime(2026, 6, 1, 17, 45, tzinfo=UTC)
    (alert,) = _detect(
        Departure(id="departure:2", report_id=RID, left_at=june, carrying=frozenset({"luggage"}))
    )
    assert "left at 18:45 on 01 Jun" in alert.summary  # British Summer Time
