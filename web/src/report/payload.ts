// The reports a filled-in form sends (the bodies of ReportCreate, schemas/reports.py), and for
// each value the form field it came from, so a message the server gives can be shown there.
// Pure: the form's values come in through FormState, the clock through `now`.

import { localInput } from "../dom";
import type { ReportCreate } from "../api";
import { CARRYING, CHILD_IDENTIFIERS, CONCERNS, FOUND_CONDITIONS, FOUND_ITEMS, Kind } from "./kinds";

export type Json = Record<string, unknown>;

/** The form's values by field name: text trimmed ("" when empty), checkboxes ticked or not. */
export interface FormState {
  value(name: string): string;
  checked(name: string): boolean;
}

/** What a chosen child's profile adds to a report. */
export interface ProfileFacts {
  associates: Json[];
  places: Json[];
  phones: string[];
}

export interface ReportInput {
  kind: Kind;
  form: FormState;
  /** The user's agency: the home a young person left, when no home is given. */
  agency: string;
  /** The chosen child's profile, if any. */
  profile: ProfileFacts | null;
  /** Now, for reports that ask no time ("a vehicle", "a person") left empty. */
  now: Date;
}

export interface BuiltReports {
  reports: ReportCreate[];
  /** A value's place in the body ("0.event.child.name") -> the field that gave it. */
  paths: Map<string, string>;
}

/** A datetime-local value as an instant. */
export function isoOf(local: string): string {
  return new Date(local).toISOString();
}

/** A plain FormState over a record of values (missing names are empty or unticked). */
export function stateOf(values: Record<string, string | boolean>): FormState {
  return {
    value: (name) => {
      const v = values[name];
      return typeof v === "string" ? v.trim() : "";
    },
    checked: (name) => values[name] === true,
  };
}

/** The reports the form sends: one, or two when a missing or leaving young person was collected
 * in a car (the vehicle sighting first). */
export function buildReports({ kind, form, agency, profile, now }: ReportInput): BuiltReports {
  const paths = new Map<string, string>();

  function text(name: string, path: string, into: Json, key: string): void {
    const v = form.value(name);
    if (v) {
      into[key] = v;
      paths.set(path, name);
    }
  }

  function child(reportIndex: number): Json {
    const base = `${reportIndex}.event.child`;
    const c: Json = { role: "young_person" };
    text("child.name", `${base}.name`, c, "name");
    const nick = form.value("child.nickname");
    if (nick) c.nicknames = nick.split(",").map((n) => n.trim()).filter(Boolean);
    if (form.value("child.dob")) c.date_of_birth = form.value("child.dob");
    else if (form.value("child.age")) c.estimated_age = Number(form.value("child.age"));
    c.gender = form.value("child.gender") || "unknown";
    if (kind !== "missing") text("child.description", `${base}.description`, c, "description");
    c.flags = {
      looked_after: form.checked("child.looked_after"),
      learning_disability: form.checked("child.learning_disability"),
      additional_needs: form.checked("child.additional_needs"),
    };
    for (const key of CHILD_IDENTIFIERS) {
      text(`child.${key}`, `${base}.${key}`, c, key);
    }
    if (form.value("child.home_postcode")) {
      c.home_postcode = form.value("child.home_postcode").toUpperCase();
      paths.set(`${base}.home_postcode`, "child.home_postcode");
    }
    if (profile?.phones.length) c.phones = profile.phones;
    return c;
  }

  function someone(value: string, role = "adult"): Json {
    return { description: value, role };
  }

  function place(nameField: string, postcodeField: string, category = "other"): Json | null {
    const name = form.value(nameField);
    const pc = form.value(postcodeField);
    if (!name && !pc) return null;
    const p: Json = { category };
    if (name) p.name = name;
    if (pc) p.postcode = pc.toUpperCase();
    return p;
  }

  function envelope(observedAt: string, event: Json): ReportCreate {
    const concerns = CONCERNS.map(([k]) => k).filter((k) => form.checked(`concern.${k}`));
    const share = form.value("grading.share") || "P";
    const report: Json = {
      observed_at: isoOf(observedAt),
      grading: {
        // Never a default: validation asks for both, and the server refuses a report without.
        ...(form.value("grading.source") ? { source: Number(form.value("grading.source")) } : {}),
        ...(form.value("grading.how") ? { intelligence: form.value("grading.how") } : {}),
        handling: share,
        ...(share === "C" ? { conditions: { roles: ["police"], note: "Police only, as the reporter asked" } } : {}),
      },
      concerns,
      narrative: narrative(),
      event,
    };
    if (form.value("police.ref")) report.police_incident_ref = form.value("police.ref");
    if (form.value("police.officer")) {
      report.officer = { name: form.value("police.officer"), shoulder_number: form.value("police.shoulder") };
    }
    // Built field by field from what was typed; ingest validates it against ReportCreate.
    return report as unknown as ReportCreate;
  }

  function narrative(): string {
    const parts = [form.value("narrative")];
    if (kind === "leaving") {
      const took = CARRYING.filter((k) => form.checked(`leaving.${k}`));
      if (form.value("leaving.to")) parts.push(`Said they were going to ${form.value("leaving.to")}.`);
      if (form.value("leaving.meeting")) parts.push(`Meeting: ${form.value("leaving.meeting")}.`);
      if (form.value("leaving.back")) parts.push(`Expected back: ${new Date(form.value("leaving.back")).toLocaleString("en-GB")}.`);
      if (took.length) {
        const amount = form.value("leaving.amount");
        parts.push(`Took: ${took.join(", ")}${amount ? ` (about £${amount})` : ""}.`);
      }
      if (form.value("leaving.travel")) parts.push(`Travelling by ${form.value("leaving.travel")}.`);
      if (form.value("leaving.departure")) parts.push(`Departure: ${form.value("leaving.departure")}.`);
    }
    return parts.filter(Boolean).join("\n");
  }

  function vehicleReport(index: number, fallbackAt: string, atHome: Json | null): ReportCreate {
    const vehicle: Json = {};
    const vrm = form.value("car.vrm").replace(/\s+/g, " ").toUpperCase();
    if (vrm) {
      vehicle.vrm = vrm;
      paths.set(`${index}.event.vehicle.vrm`, "car.vrm");
    }
    text("car.make", `${index}.event.vehicle.make`, vehicle, "make");
    text("car.colour", `${index}.event.vehicle.colour`, vehicle, "colour");
    const where = place("car.place", "car.postcode") ?? atHome ?? { name: agency, category: "care_home" };
    const event: Json = { type: "vehicle_sighting", vehicle, place: where };
    const people = form.value("car.people");
    if (people) event.driver = someone(people);
    const got = kind === "vehicle" ? form.checked("car.got_in") && form.value("child.name") : true;
    if (got) event.got_in = [child(index)];
    paths.set(`${index}.event.got_in.0.name`, "child.name");
    return envelope(form.value("car.at") || fallbackAt, event);
  }

  /** The person the "Who is the person?" section describes, as a report's person. */
  function adult(base: string): Json {
    const other: Json = { role: "adult" };
    text("person.name", `${base}.name`, other, "name");
    if (form.value("person.nickname")) other.nicknames = [form.value("person.nickname")];
    if (form.value("person.age")) other.estimated_age = Number(form.value("person.age"));
    text("person.description", `${base}.description`, other, "description");
    if (form.value("person.phone")) {
      other.phones = [form.value("person.phone")];
      paths.set(`${base}.phones`, "person.phone");
    }
    paths.set(base, "person.description");
    return other;
  }

  /** Young people seen together (a sighting), or approached (an approach), at a place. */
  function sceneReport(): ReportCreate {
    const at = form.value("scene.at");
    const where = place("scene.place", "scene.postcode", form.value("scene.category") || "other");
    const c = child(0);
    const others = otherYoungPeople(form);
    if (kind === "together") {
      paths.set("0.event.persons.0", "child.name");
      paths.set("0.event.persons", "others.names");
      paths.set("0.event.place", "scene.place");
      return envelope(at, { type: "sighting", persons: [c, ...others], place: where });
    }
    paths.set("0.event.approached.0", "child.name");
    paths.set("0.event.approachers.0", "person.description");
    paths.set("0.event.place", "scene.place");
    paths.set("0.event.purpose_detail", "approach.detail");
    const together = form.checked("approach.others_approached");
    const event: Json = {
      type: "approach",
      approached: together ? [c, ...others] : [c],
      approachers: [adult("0.event.approachers.0")],
      place: where,
      purpose: form.value("approach.purpose") || "unknown",
      ...(together ? {} : { peers_present: others }),
    };
    text("approach.detail", "0.event.purpose_detail", event, "purpose_detail");
    return envelope(at, event);
  }

  function build(): ReportCreate[] {
    const home = place("home.name", "home.postcode", "care_home");
    if (kind === "missing") {
      const reports: ReportCreate[] = [];
      const at = form.value("missing.at");
      if (form.checked("collected")) reports.push(vehicleReport(0, at, home));
      const i = reports.length;
      const event: Json = {
        type: "missing_reported",
        child: child(i),
        last_seen_at: isoOf(at),
      };
      paths.set(`${i}.event.last_seen_at`, "missing.at");
      if (home) event.placement = home;
      const seen = place("missing.place", "missing.postcode");
      if (seen) event.last_seen_place = seen;
      text("child.description", `${i}.event.description_and_clothing`, event, "description_and_clothing");
      text("police.ref", `${i}.event.police_incident_ref`, event, "police_incident_ref");
      if (form.value("police.officer")) {
        event.officer = { name: form.value("police.officer"), shoulder_number: form.value("police.shoulder") };
      }
      if (form.value("missing.risk")) event.police_risk_grading = form.value("missing.risk");
      const associates: Json[] = [...(profile?.associates ?? [])];
      if (form.value("missing.with")) associates.push(someone(form.value("missing.with"), "unknown"));
      if (associates.length) event.known_associates = associates;
      if (profile?.places.length) event.known_places = profile.places;
      reports.push(envelope(at, event));
      return reports;
    }
    if (kind === "leaving") {
      const reports: ReportCreate[] = [];
      const at = form.value("leaving.at");
      if (form.checked("collected")) reports.push(vehicleReport(0, at, home));
      const i = reports.length;
      const event: Json = {
        type: "departed",
        child: child(i),
        left_at: isoOf(at),
        left_from: home ?? { name: agency, category: "care_home" },
      };
      paths.set(`${i}.event.left_at`, "leaving.at");
      const to = place("leaving.to", "leaving.to_postcode");
      if (to) event.going_to = to;
      if (form.value("leaving.meeting")) {
        event.meeting = [someone(form.value("leaving.meeting"), "unknown")];
        paths.set(`${i}.event.meeting.0`, "leaving.meeting");
      }
      if (form.value("leaving.back")) {
        event.expected_back = isoOf(form.value("leaving.back"));
      }
      const carrying = CARRYING.filter((k) => form.checked(`leaving.${k}`));
      if (carrying.length) event.carrying = carrying;
      text("leaving.amount", `${i}.event.money_gbp`, event, "money_gbp");
      const travel = [form.value("leaving.travel"), form.value("leaving.departure")].filter(Boolean).join(", ");
      if (travel) {
        event.transport = travel.slice(0, 200);
        paths.set(`${i}.event.transport`, "leaving.departure");
      }
      reports.push(envelope(at, event));
      return reports;
    }
    if (kind === "vehicle") {
      return [vehicleReport(0, form.value("car.at") || localInput(now), home)];
    }
    if (kind === "found") {
      const at = form.value("found.at");
      const event: Json = { type: "missing_ended", child: child(0), found_at: isoOf(at) };
      paths.set("0.event.found_at", "found.at");
      const where = place("found.place", "found.postcode");
      if (where) {
        if (form.value("found.force")) where.police_force_area = form.value("found.force");
        event.found_place = where;
      }
      if (form.value("found.with")) event.found_with = [someone(form.value("found.with"), "unknown")];
      event.circumstances = form.value("found.circumstances") || "other";
      event.condition = FOUND_CONDITIONS.filter((c) => form.checked(`found.condition.${c}`));
      event.items_found = FOUND_ITEMS.map(([k]) => k)
        .filter((k) => form.checked(`found.item.${k}`))
        .map((k) => ({ kind: k }));
      text("police.ref", "0.event.police_incident_ref", event, "police_incident_ref");
      return [envelope(at, event)];
    }
    if (kind === "together" || kind === "approach") return [sceneReport()];
    const other = adult("0.event.person_b");
    const at = form.value("person.at") || localInput(now);
    const c = child(0);
    paths.set("0.event.person_a.name", "child.name");
    return [
      envelope(at, {
        type: "association",
        person_a: c,
        person_b: other,
        nature: form.value("person.nature") || "risky_adult",
      }),
    ];
  }

  return { reports: build(), paths };
}

/** The other young people at the scene: each name or nickname, and one for the rest. */
export function otherYoungPeople(form: FormState): Json[] {
  const named = form
    .value("others.names")
    .split(",")
    .map((n) => n.trim())
    .filter(Boolean)
    .map((name) => ({ name, role: "young_person" }));
  const described = form.value("others.description");
  return [...named, ...(described ? [{ description: described, role: "young_person" }] : [])];
}
