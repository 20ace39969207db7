// The report form's checks across fields, which sections each kind shows, where the server's
// messages go, and drafts.

import { describe, expect, it } from "vitest";
import { backAfterLeaving, fieldOfError, formProblems } from "../src/report/checks";
import { DRAFT_VERSION, draftKey, readDraft } from "../src/report/draft";
import { KINDS, layoutOf } from "../src/report/kinds";
import { buildReports, stateOf } from "../src/report/payload";

describe("formProblems", () => {
  it("asks for the vehicle to be described when its fields are shown", () => {
    expect(formProblems("vehicle", stateOf({}), true)).toEqual([
      { name: "car.vrm", label: "Registration", message: "Give the registration, or describe the vehicle" },
    ]);
    expect(formProblems("vehicle", stateOf({ "car.colour": "Red" }), true)).toEqual([]);
    expect(formProblems("missing", stateOf({}), false)).toEqual([]);
  });

  it("asks for someone else seen together, and for the person to be named or described", () => {
    expect(formProblems("together", stateOf({ "others.names": " , " }), false).map((p) => p.name)).toEqual(["others.names"]);
    expect(formProblems("together", stateOf({ "others.description": "Two boys" }), false)).toEqual([]);
    expect(formProblems("approach", stateOf({}), false).map((p) => p.name)).toEqual(["person.description"]);
    expect(formProblems("person", stateOf({ "person.nickname": "Tiny" }), false)).toEqual([]);
  });
});

describe("backAfterLeaving", () => {
  it("refuses a return before they left, and says nothing when either is empty", () => {
    expect(backAfterLeaving("2026-12-01T10:00", "2026-12-01T12:00")).toBe("This is before they left");
    expect(backAfterLeaving("2026-12-01T12:00", "2026-12-01T12:00")).toBe("This is before they left");
    expect(backAfterLeaving("2026-12-01T13:00", "2026-12-01T12:00")).toBeNull();
    expect(backAfterLeaving("", "2026-12-01T12:00")).toBeFalsy();
  });
});

describe("layoutOf", () => {
  it("shows each kind its own sections", () => {
    expect(layoutOf("missing", false)).toMatchObject({ missing: true, leaving: false, car: true, collectedBox: true, carFields: false, gotIn: false, descriptionLabel: "Description and clothing" });
    expect(layoutOf("missing", true).carFields).toBe(true);
    expect(layoutOf("vehicle", false)).toMatchObject({ car: true, collectedBox: false, carFields: true, gotIn: true, descriptionLabel: "Description" });
    expect(layoutOf("approach", false)).toMatchObject({ person: true, personLink: false, personHeading: "Who approached them?", scene: true, approachDetail: true, car: false });
    expect(layoutOf("person", false)).toMatchObject({ person: true, personLink: true, personHeading: "Who is the person?", scene: false });
    expect(layoutOf("together", false)).toMatchObject({ scene: true, person: false, approachDetail: false });
  });

  it("offers every kind once", () => {
    expect(new Set(KINDS.map(([k]) => k)).size).toBe(KINDS.length);
  });
});

describe("fieldOfError", () => {
  const built = buildReports({
    kind: "missing",
    form: stateOf({ "child.name": "Alex", "missing.at": "2026-12-01T14:30", collected: true, "car.vrm": "AB12CDE" }),
    agency: "Demo House",
    profile: null,
    now: new Date(),
  });

  it("finds the field that gave a value, skipping the event type in the location", () => {
    const error = { loc: ["body", "reports", 1, "event", "missing_reported", "child", "name"], msg: "too long" };
    expect(fieldOfError(error, built.reports, built.paths)).toEqual({ name: "child.name", where: "event › missing_reported › child › name" });
    const car = { loc: ["body", "reports", 0, "event", "vehicle_sighting", "vehicle", "vrm", "x"], msg: "bad" };
    expect(fieldOfError(car, built.reports, built.paths).name).toBe("car.vrm");
  });

  it("sends grading messages to the grading questions, and names the place of the rest", () => {
    const grading = { loc: ["body", "reports", 0, "grading", "intelligence"], msg: "Field required" };
    expect(fieldOfError(grading, built.reports, built.paths).name).toBe("grading.how");
    const other = { loc: ["body", "reports", 0, "partner_reference"], msg: "odd" };
    expect(fieldOfError(other, built.reports, built.paths)).toEqual({ name: undefined, where: "partner_reference" });
  });
});

describe("drafts", () => {
  it("are kept per user and read back only in this version", () => {
    expect(draftKey("kw1")).toBe("tessera.draft.kw1.report");
    const draft = { version: DRAFT_VERSION, fields: { "child.name": "Alex" }, profileId: "", idempotencyKey: "k", savedAt: "2026-12-01T00:00:00Z" };
    expect(readDraft(JSON.stringify(draft))).toEqual(draft);
    expect(readDraft(JSON.stringify({ ...draft, version: DRAFT_VERSION + 1 }))).toBeNull();
    expect(readDraft("{not json")).toBeNull();
    expect(readDraft("null")).toBeNull();
    expect(readDraft(null)).toBeNull();
  });
});
