"""One synthetic, valid example of every event type, as a partner would send it.

Used by the schema tests, the API -> Kafka -> consumer round trip and the demo. Names, places,
phones (Ofcom drama range) and registrations are invented.
"""

from typing import Any

CHILD: dict[str, Any] = {
    "name": "Dara Synth-Example",
    "nicknames": ["D-Syn"],
    "date_of_birth": "2010-04-02",
    "role": "young_person",
    "gender": "male",
    "home_local_authority": "Synthetic Borough",
    "flags": {"looked_after": True},
}
ADULT: dict[str, Any] = {
    "nicknames": ["Blade"],
    "estimated_age": 25,
    "role": "adult",
    "description": "tall, grey hoodie, synthetic example",
    "phones": ["07700 900123"],
}
SHOP: dict[str, Any] = {
    "name": "Synthetic Fried Chicken",
    "postcode": "zz99 1aa",
    "category": "take_away",
    "local_authority": "Synthetic Borough",
}
HOME: dict[str, Any] = {
    "name": "Synthetic House Children's Home",
    "postcode": "ZZ99 2BB",
    "category": "care_home",
}

EVENTS: dict[str, dict[str, Any]] = {
    "sighting": {"type": "sighting", "persons": [CHILD, ADULT], "place": SHOP},
    "approach": {
        "type": "approach",
        "approached": [CHILD],
        "approachers": [ADULT],
        "group": "Synthetic Line",
        "place": SHOP,
        "purpose": "drug_trafficking",
    },
    "association": {
        "type": "association",
        "person_a": CHILD,
        "person_b": ADULT,
        "nature": "risky_adult",
    },
    "vehicle_sighting": {
        "type": "vehicle_sighting",
        "vehicle": {"vrm": "zz51 syn", "make": "Ford", "colour": "grey"},
        "place": HOME,
        "got_in": [CHILD],
        "driver": ADULT,
    },
    "departed": {
        "type": "departed",
        "child": CHILD,
        "left_at": "2026-11-20T17:45:00Z",
        "left_from": HOME,
        "going_to": {"name": "Synthtown town centre"},
        "meeting": [{"nicknames": ["Jay Syn"], "role": "unknown"}],
        "expected_back": "2026-11-20T21:00:00Z",
        "carrying": ["luggage", "money"],
        "money_gbp": "60.00",
        "transport": "the 18:10 bus to Synthtown",
        "departure_point": {"name": "Synthetic Bus Station", "category": "bus_or_train_station"},
    },
    "missing_reported": {
        "type": "missing_reported",
        "child": CHILD,
        "placement": HOME,
        "last_seen_at": "2026-11-20T18:30:00Z",
        "description_and_clothing": "black puffer jacket, white trainers",
        "police_incident_ref": "SYN-2026-0001",
        "officer": {"name": "PC Synthetic", "shoulder_number": "SY1234"},
        "police_risk_grading": "high",
    },
    "missing_ended": {
        "type": "missing_ended",
        "child": CHILD,
        "found_at": "2026-11-21T09:00:00Z",
        "found_place": {
            "address": "1 Synthetic Lane",
            "postcode": "ZZ99 3CC",
            "category": "private_address",
            "police_force_area": "Synthetic Shire",
        },
        "found_by": "Synthetic Shire Police",
        "found_with": [ADULT],
        "condition": ["unkempt", "hungry"],
        "items_found": [{"kind": "cash", "value_gbp": "340.00"}, {"kind": "phone", "quantity": 2}],
        "circumstances": "found_by_police",
    },
    "return_interview": {
        "type": "return_interview",
        "child": CHILD,
        "conducted_by": "Synthetic Youth Service",
        "conducted_on": "2026-11-22",
        "disclosures": ["was told to hold a package"],
        "push_factors": ["does not trust staff"],
        "pull_factors": ["money"],
        "people_named": [ADULT],
    },
    "phone_contact": {
        "type": "phone_contact",
        "subject": CHILD,
        "numbers_used": ["+44 7700 900456"],
        "contacted_by": ["07700900123"],
        "unknown_callers": True,
        "additional_unexplained_phone": True,
    },
    "social_media": {
        "type": "social_media",
        "subject": CHILD,
        "platform": "instagram",
        "handle": "https://www.instagram.com/Synthetic.Example/",
        "content": ["recruitment"],
    },
    "address_concern": {
        "type": "address_concern",
        "place": {
            "address": "2 Synthetic Court",
            "postcode": "ZZ99 4DD",
            "category": "private_address",
        },
        "multiple_callers": True,
        "tenant": {"name": "Vic Synth-Tenant", "role": "vulnerable_adult"},
        "tenant_vulnerable": True,
        "suspected_cuckooing": True,
        "visitors": [CHILD],
    },
    "operation": {
        "type": "operation",
        "kind": "raid",
        "premises": {
            "address": "2 Synthetic Court",
            "postcode": "ZZ99 4DD",
            "category": "private_address",
        },
        "operation_ref": "OP-SYNTH-1",
        "persons_present": [CHILD, ADULT],
        "seized": [{"kind": "drugs", "detail": "wraps"}, {"kind": "cash", "value_gbp": "1200"}],
        "phone_numbers_seized": ["07700 900789"],
    },
    "protective_order": {
        "type": "protective_order",
        "kind": "bail_conditions",
        "subject": ADULT,
        "protected": [CHILD],
        "issued_on": "2026-11-22",
        "expires_on": "2027-02-22",
        "radius_m": 500,
        "centre": HOME,
        "no_contact": [CHILD],
    },
    "screening": {
        "type": "screening",
        "child": CHILD,
        "screened_on": "2026-11-22",
        "indicators": ["S2", "S4", "T11", "E1", "V4"],
        "comments": {"significant_risk": "missing episodes growing longer"},
        "outcome": "yes",
        "risk_level": "high",
        "completed_by": "Synthetic Social Worker",
    },
}
