// The reports the form builds from its answers: what each kind sends, and where each value came
// from (so the server's messages land on the right field).

import { describe, expect, it } from "vitest";
import { buildReports, FormState, Json, stateOf } from "../src/report/payload";
import type { Kind } from "../src/report/kinds";

const AT = "2026-12-01T14:30";
const NOW = new Date("2026-12-02T09:00:00Z");

function build(kind: Kind, values: Record<string, string | boolean>, profile = null as Parameters<typeof buildReports>[0]["profile"]) {
  const form: FormState = stateOf({ "grading.how": "A", "grading.source": "1", "grading.share": "P", ...values });
  return buildReports({ kind, form, agency: "Demo House", profile, now: NOW });
}

const event = (report: unknown): Json => (report as { event: Json }).event;

describe("a missing young person", () => {
  it("sends one missing_reported report with the child, the home and the grading", () => {
    const { reports, paths } = build("missing", {
      "child.name": " Alex Demo-Rowan ",
      "child.nickname": "Lex, , AJ",
      "child.age": "14",
      "child.description": "Blue coat",
      "child.looked_after": true,
      "child.home_postcode": "zz99 1aa",
      "missing.at": AT,
      "missing.place": "Demo Park",
      "home.name": "Demo House",
      "missing.with": "an older lad",
      "missing.risk": "high",
      "concern.cce": true,
      narrative: "Left by the back door.",
    });
    expect(reports).toHaveLength(1);
    const [report] = reports;
    expect(report.observed_at).toBe(new Date(AT).toISOString());
    expect(report.grading).toEqual({ source: 1, intelligence: "A", handling: "P" });
    expect(report.concerns).toEqual(["cce"]);
    expect(report.narrative).toBe("Left by the back door.");
    expect(event(report)).toEqual({
      type: "missing_reported",
      child: {
        role: "young_person",
        name: "Alex Demo-Rowan",
        nicknames: ["Lex", "AJ"],
        estimated_age: 14,
        gender: "unknown",
        flags: { looked_after: true, learning_disability: false, additional_needs: false },
        home_postcode: "ZZ99 1AA",
      },
      last_seen_at: new Date(AT).toISOString(),
      placement: { category: "care_home", name: "Demo House" },
      last_seen_place: { category: "other", name: "Demo Park" },
      description_and_clothing: "Blue coat",
      police_risk_grading: "high",
      known_associates: [{ description: "an older lad", role: "unknown" }],
    });
    expect(paths.get("0.event.child.name")).toBe("child.name");
    expect(paths.get("0.event.last_seen_at")).toBe("missing.at");
    expect(paths.get("0.event.description_and_clothing")).toBe("child.description");
  });

  it("sends the car they were collected in first, and adds what their profile holds", () => {
    const { reports, paths } = build(
      "missing",
      { "child.name": "Alex", "missing.at": AT, collected: true, "car.vrm": "ab12  c?d", "car.people": "Two men" },
      { associates: [{ name: "Kai", role: "adult" }], places: [{ name: "Chicken shop", category: "take_away" }], phones: ["07700900123"] },
    );
    expect(reports.map((r) => event(r).type)).toEqual(["vehicle_sighting", "missing_reported"]);
    const car = event(reports[0]);
    expect(car.vehicle).toEqual({ vrm: "AB12 C?D" });
    expect(car.place).toEqual({ name: "Demo House", category: "care_home" });
    expect(car.driver).toEqual({ description: "Two men", role: "adult" });
    expect((car.got_in as Json[])[0].name).toBe("Alex");
    const missing = event(reports[1]);
    expect(missing.known_associates).toEqual([{ name: "Kai", role: "adult" }]);
    expect(missing.known_places).toEqual([{ name: "Chicken shop", category: "take_away" }]);
    expect((missing.child as Json).phones).toEqual(["07700900123"]);
    expect(paths.get("0.event.vehicle.vrm")).toBe("car.vrm");
    expect(paths.get("1.event.child.name")).toBe("child.name");
  });
});

describe("a young person going out", () => {
  it("says where, who with and what they took, in the event and the narrative", () => {
    const { reports, paths } = build("leaving", {
      "child.name": "Sam",
      "leaving.at": AT,
      "leaving.to": "Demo Central",
      "leaving.meeting": "Jay",
      "leaving.money": true,
      "leaving.amount": "40",
      "leaving.travel": "train",
      "leaving.departure": "14:05 to Demo Central",
      narrative: "Seemed anxious.",
    });
    const e = event(reports[0]);
    expect(e.type).toBe("departed");
    expect(e.left_from).toEqual({ name: "Demo House", category: "care_home" });
    expect(e.going_to).toEqual({ category: "other", name: "Demo Central" });
    expect(e.meeting).toEqual([{ description: "Jay", role: "unknown" }]);
    expect(e.carrying).toEqual(["money"]);
    expect(e.money_gbp).toBe("40");
    expect(e.transport).toBe("train, 14:05 to Demo Central");
    expect(reports[0].narrative).toBe(
      [
        "Seemed anxious.",
        "Said they were going to Demo Central.",
        "Meeting: Jay.",
        "Took: money (about £40).",
        "Travelling by train.",
        "Departure: 14:05 to Demo Central.",
      ].join("\n"),
    );
    expect(paths.get("0.event.transport")).toBe("leaving.departure");
  });
});

describe("other kinds", () => {
  it("a vehicle with no time given is seen now, and only takes the child when they got in", () => {
    const { reports } = build("vehicle", { "child.name": "Alex", "car.colour": "Red", "car.got_in": false, "car.at": "" });
    const e = event(reports[0]);
    expect(e.got_in).toBeUndefined();
    expect(e.vehicle).toEqual({ colour: "Red" });
    expect(e.place).toEqual({ category: "care_home", name: "Demo House" });
    expect(reports[0].observed_at).toBe(NOW.toISOString()); // now, to the minute
  });

  it("a found young person: where, how and what they had", () => {
    const { reports } = build("found", {
      "found.at": AT,
      "found.place": "Demo Station",
      "found.force": "Demo Police",
      "found.condition.hungry": true,
      "found.item.sim_card": true,
    });
    expect(event(reports[0])).toMatchObject({
      type: "missing_ended",
      found_place: { category: "other", name: "Demo Station", police_force_area: "Demo Police" },
      circumstances: "other",
      condition: ["hungry"],
      items_found: [{ kind: "sim_card" }],
    });
  });

  it("young people seen together: the child and every other named or described", () => {
    const { reports, paths } = build("together", {
      "child.name": "Alex",
      "scene.at": AT,
      "scene.postcode": "zz99 2bb",
      "scene.category": "park",
      "others.names": "Jo, Mo",
      "others.description": "Two older girls",
    });
    expect(event(reports[0])).toEqual({
      type: "sighting",
      persons: [
        expect.objectContaining({ name: "Alex", role: "young_person" }),
        { name: "Jo", role: "young_person" },
        { name: "Mo", role: "young_person" },
        { description: "Two older girls", role: "young_person" },
      ],
      place: { category: "park", postcode: "ZZ99 2BB" },
    });
    expect(paths.get("0.event.persons")).toBe("others.names");
  });

  it("an approach keeps peers who were not approached apart", () => {
    const { reports } = build("approach", {
      "child.name": "Alex",
      "scene.at": AT,
      "scene.place": "Chicken shop",
      "others.names": "Jo",
      "person.description": "Man in a grey hoodie",
      "approach.purpose": "recruitment",
      "approach.detail": "Offered £50",
      "approach.others_approached": false,
    });
    const e = event(reports[0]);
    expect((e.approached as Json[]).map((p) => p.name)).toEqual(["Alex"]);
    expect(e.peers_present).toEqual([{ name: "Jo", role: "young_person" }]);
    expect(e.approachers).toEqual([{ role: "adult", description: "Man in a grey hoodie" }]);
    expect(e.purpose).toBe("recruitment");
    expect(e.purpose_detail).toBe("Offered £50");
  });

  it("a person of concern is an association, police only when the reporter asks", () => {
    const { reports } = build("person", {
      "child.name": "Alex",
      "person.at": AT,
      "person.nickname": "Tiny",
      "person.phone": "07700 900123",
      "grading.share": "C",
      "police.officer": "PC Demo",
      "police.shoulder": "1234",
    });
    const [report] = reports;
    expect(event(report)).toMatchObject({
      type: "association",
      person_a: { name: "Alex" },
      person_b: { role: "adult", nicknames: ["Tiny"], phones: ["07700 900123"] },
      nature: "risky_adult",
    });
    expect(report.grading).toEqual({
      source: 1,
      intelligence: "A",
      handling: "C",
      conditions: { roles: ["police"], note: "Police only, as the reporter asked" },
    });
    expect(report.officer).toEqual({ name: "PC Demo", shoulder_number: "1234" });
  });

  it("never grades for the user", () => {
    const form = stateOf({ "child.name": "Alex", "missing.at": AT });
    const { reports } = buildReports({ kind: "missing", form, agency: "Demo House", profile: null, now: NOW });
    expect(reports[0].grading).toEqual({ handling: "P" });
  });
});
