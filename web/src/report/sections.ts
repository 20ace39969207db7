// The report form's sections (who, what and where for each kind, the vehicle, why, police, how
// known), built on one Form; which are shown is kinds.ts's layoutOf.

import { h } from "../dom";
import { Form, section } from "../form";
import {
  age,
  Check,
  maxLength,
  nhsNumber,
  notFuture,
  pastDate,
  phone,
  pncId,
  pndId,
  postcode,
  pupilNumber,
  registration,
  shoulderNumber,
} from "../validate";
import { PLACE_CATEGORIES } from "../views/profiles";
import { backAfterLeaving } from "./checks";
import { APPROACH_PURPOSES, CHOOSE_HOW, CHOOSE_SOURCE, CONCERNS, FOUND_CONDITIONS, FOUND_ITEMS, Kind, onScene as sceneKind } from "./kinds";

/** A check that asks for a value only while `when()` holds. */
export function requiredWhen(when: () => boolean): Check {
  return (v) => (when() && !v.trim() ? "Fill this in" : null);
}

export interface ReportSections {
  profileSelect: HTMLSelectElement;
  profileWrap: HTMLElement;
  who: HTMLElement;
  missing: HTMLElement;
  leaving: HTMLElement;
  found: HTMLElement;
  scene: HTMLElement;
  person: HTMLElement;
  approachDetail: HTMLElement;
  car: HTMLElement;
  carFields: HTMLElement;
  collectedBox: HTMLElement;
  gotIn: HTMLElement;
  why: HTMLElement;
  police: HTMLElement;
  grading: HTMLElement;
}

/** Every section of the form, its fields registered on `form`; `current()` is the kind of report
 * chosen now (some fields are required only for some kinds). */
export function reportSections(form: Form, agency: string, current: () => Kind): ReportSections {
  const childNamed = requiredWhen(() => current() !== "vehicle");
  // --- Who --------------------------------------------------------------------------------
  const profileSelect = h("select", { id: "profile", name: "profile" }, h("option", { value: "" }, "Not from our profiles"));
  const profileWrap = h(
    "div",
    { class: "field" },
    h("label", { for: "profile" }, "Choose a child from your home's profiles"),
    h("p", { class: "hint" }, "Their details are filled in for you. When you report them missing, police can see their profile and photo until they are found."),
    profileSelect,
  );
  profileWrap.hidden = true;

  const who = section(
    "Who",
    "The young person this is about. Give as much as you know; a nickname alone helps.",
    profileWrap,
    h(
      "div",
      { class: "row" },
      form.field({ name: "child.name", label: "Full name", checks: [childNamed, maxLength(200)], autocomplete: "off" }),
      form.field({ name: "child.nickname", label: "Nicknames or other names", hint: "Separate them with commas", checks: [maxLength(200)] }),
    ),
    h(
      "div",
      { class: "row" },
      form.field({ name: "child.dob", label: "Date of birth", type: "date", checks: [pastDate] }),
      form.field({ name: "child.age", label: "Or their age", type: "number", inputmode: "numeric", checks: [age] }),
      form.field({
        name: "child.gender",
        label: "Gender",
        options: [["unknown", "Not known"], ["female", "Female"], ["male", "Male"], ["other", "Other"]],
      }),
    ),
    form.field({
      name: "child.description",
      label: "Description and clothing",
      hint: "Height, build, hair, marks, and what they were wearing today",
      rows: 3,
      checks: [maxLength(10000)],
    }),
    h(
      "fieldset",
      { class: "checks" },
      h("legend", {}, "Does any of this apply?"),
      form.checkbox("child.looked_after", "Looked after (in care)"),
      form.checkbox("child.learning_disability", "Has a learning disability"),
      form.checkbox("child.additional_needs", "Has additional needs"),
    ),
    h(
      "fieldset",
      {},
      h("legend", {}, "Their home and identifiers, if you have them"),
      h("p", { class: "hint" }, "Only what your records hold. These tell two children with the same name apart."),
      h(
        "div",
        { class: "row" },
        form.field({ name: "child.home_address", label: "Home address", checks: [maxLength(500)], autocomplete: "off" }),
        form.field({ name: "child.home_postcode", label: "Home postcode", checks: [postcode], autocomplete: "off" }),
        form.field({ name: "child.home_local_authority", label: "Home local authority", checks: [maxLength(200)] }),
      ),
      h(
        "div",
        { class: "row" },
        form.field({ name: "child.nhs_number", label: "NHS number", inputmode: "numeric", checks: [nhsNumber], autocomplete: "off" }),
        form.field({ name: "child.upn", label: "Unique Pupil Number", hint: "13 characters, from the school record", checks: [pupilNumber], autocomplete: "off" }),
      ),
      h(
        "div",
        { class: "row" },
        form.field({ name: "child.pnc_id", label: "Police PNC id", hint: "Like 2009/0123456C", checks: [pncId], autocomplete: "off" }),
        form.field({ name: "child.pnd_id", label: "Police PND id", checks: [pndId], autocomplete: "off" }),
        form.field({ name: "child.la_child_id", label: "Local authority's child id", hint: "The id in the home local authority's records", checks: [maxLength(50)], autocomplete: "off" }),
      ),
    ),
  );

  // --- What and where, per kind -----------------------------------------------------------
  const missing = section(
    "When and where were they last seen?",
    null,
    form.field({ name: "missing.at", label: "Last seen (date and time)", type: "datetime-local", checks: [requiredWhen(() => current() === "missing"), notFuture] }),
    h(
      "div",
      { class: "row" },
      form.field({ name: "missing.place", label: "Where they were last seen", hint: "A place name or address", checks: [maxLength(200)] }),
      form.field({ name: "missing.postcode", label: "Postcode there", checks: [postcode] }),
    ),
    h(
      "div",
      { class: "row" },
      form.field({ name: "home.name", label: "The home or placement they are missing from", value: agency, checks: [maxLength(200)] }),
      form.field({ name: "home.postcode", label: "Its postcode", checks: [postcode] }),
    ),
    h(
      "div",
      { class: "row" },
      form.field({ name: "missing.with", label: "Who might they be with?", hint: "A name, nickname or description", checks: [maxLength(200)] }),
      form.field({
        name: "missing.risk",
        label: "Risk the police gave (if they said)",
        options: [["", "Not said"], ["no_apparent_risk", "No apparent risk"], ["low", "Low"], ["medium", "Medium"], ["high", "High"]],
      }),
    ),
  );

  const leaving = section(
    "Where are they going?",
    "Ask where they are going, who they are meeting and when they will be back.",
    form.field({ name: "leaving.at", label: "When they left (date and time)", type: "datetime-local", checks: [requiredWhen(() => current() === "leaving"), notFuture] }),
    h(
      "div",
      { class: "row" },
      form.field({ name: "leaving.to", label: "Where they said they were going", checks: [maxLength(200)] }),
      form.field({ name: "leaving.to_postcode", label: "Postcode there", checks: [postcode] }),
    ),
    form.field({ name: "leaving.meeting", label: "Who they are meeting", hint: "A name, nickname or description", checks: [maxLength(200)] }),
    form.field({
      name: "leaving.back",
      label: "When they said they would be back",
      type: "datetime-local",
      checks: [(v) => backAfterLeaving(v, form.value("leaving.at"))],
    }),
    h(
      "fieldset",
      { class: "checks" },
      h("legend", {}, "Did they take any of these?"),
      form.checkbox("leaving.luggage", "Luggage or a bag of clothes"),
      form.checkbox("leaving.passport", "A passport or ID"),
      form.checkbox("leaving.money", "Money"),
    ),
    h(
      "div",
      { class: "row" },
      form.field({ name: "leaving.amount", label: "How much money, roughly (£)", type: "number", inputmode: "decimal" }),
      form.field({
        name: "leaving.travel",
        label: "How they travelled",
        options: [["", "Not known"], ["on foot", "On foot"], ["bus", "Bus"], ["train", "Train"], ["taxi", "Taxi"], ["car", "In a car"]],
      }),
      form.field({ name: "leaving.departure", label: "Bus or train time, if known", hint: "For example 14:05 to Demo Central", checks: [maxLength(200)] }),
    ),
  );

  const found = section(
    "When and where were they found?",
    null,
    form.field({ name: "found.at", label: "Found or came back (date and time)", type: "datetime-local", checks: [requiredWhen(() => current() === "found"), notFuture] }),
    h(
      "div",
      { class: "row" },
      form.field({ name: "found.place", label: "Where", checks: [maxLength(200)] }),
      form.field({ name: "found.postcode", label: "Postcode there", checks: [postcode] }),
      form.field({ name: "found.force", label: "Police force area, if out of area", checks: [maxLength(200)] }),
    ),
    form.field({ name: "found.with", label: "Who they were with", hint: "A name, nickname or description", checks: [maxLength(200)] }),
    form.field({
      name: "found.circumstances",
      label: "How it ended",
      options: [
        ["returned", "Came back by themselves"],
        ["found_by_police", "Found by police"],
        ["found_in_raid", "Found in a police raid"],
        ["in_custody", "In police custody"],
        ["other", "Something else"],
      ],
    }),
    h(
      "fieldset",
      { class: "checks" },
      h("legend", {}, "How were they?"),
      ...FOUND_CONDITIONS.map((c) =>
        form.checkbox(`found.condition.${c}`, c.replace(/_/g, " ").replace(/^./, (x) => x.toUpperCase())),
      ),
    ),
    h(
      "fieldset",
      { class: "checks" },
      h("legend", {}, "Did they have any of these?"),
      ...FOUND_ITEMS.map(([k, label]) => form.checkbox(`found.item.${k}`, label)),
    ),
  );

  const onScene = (): boolean => sceneKind(current());
  const scene = section(
    "Where and when?",
    "Name the place as people know it, and give the postcode if you can: it puts the place on the map.",
    h(
      "div",
      { class: "row" },
      form.field({
        name: "scene.place",
        label: "The place",
        hint: "A shop, a park, an address",
        // As ingest asks of a place: a name or a postcode at least.
        checks: [(v) => (onScene() && !v.trim() && !form.value("scene.postcode") ? "Give the place's name, or its postcode" : null), maxLength(200)],
      }),
      form.field({ name: "scene.postcode", label: "Postcode there", checks: [postcode] }),
      form.field({ name: "scene.category", label: "What kind of place", options: PLACE_CATEGORIES }),
    ),
    form.field({ name: "scene.at", label: "When (date and time)", type: "datetime-local", checks: [requiredWhen(onScene), notFuture] }),
    h(
      "div",
      { class: "row" },
      form.field({ name: "others.names", label: "Other young people there: names or nicknames", hint: "Separate them with commas", checks: [maxLength(1000)] }),
      form.field({ name: "others.description", label: "Others you could not name", hint: "How many, and what they looked like", rows: 2, checks: [maxLength(2000)] }),
    ),
  );
  const othersApproached = form.checkbox("approach.others_approached", "The other young people were approached too");
  const approachDetail = section(
    "What did they want?",
    null,
    form.field({ name: "approach.purpose", label: "What the approach seemed to be for", options: APPROACH_PURPOSES }),
    form.field({ name: "approach.detail", label: "What they said, offered or asked", hint: "Money, a phone, a lift, 'a job', drugs", rows: 3, checks: [maxLength(5000)] }),
    othersApproached,
  );

  const person = section(
    "Who is the person?",
    "Describe them as well as you can: what they look like, what they drive, what they are called.",
    h(
      "div",
      { class: "row" },
      form.field({ name: "person.name", label: "Their name, if known", checks: [maxLength(200)] }),
      form.field({ name: "person.nickname", label: "Nickname", checks: [maxLength(200)] }),
      form.field({ name: "person.age", label: "Age, roughly", type: "number", inputmode: "numeric", checks: [age] }),
    ),
    form.field({ name: "person.description", label: "What they look like", rows: 3, checks: [maxLength(10000)] }),
    h(
      "div",
      { class: "row" },
      form.field({ name: "person.phone", label: "Their phone number", type: "tel", checks: [phone] }),
    ),
    h(
      "div",
      { class: "row person-link" },
      form.field({
        name: "person.nature",
        label: "How they know the young person",
        options: [
          ["risky_adult", "An adult who worries us"],
          ["older_boyfriend_girlfriend", "An older boyfriend or girlfriend"],
          ["friend", "A friend"],
          ["drug_dealer", "Someone who deals drugs"],
          ["gang_member", "A gang member"],
          ["family", "Family"],
          ["other", "Other"],
        ],
      }),
      form.field({ name: "person.at", label: "When you saw or heard this", type: "datetime-local", checks: [notFuture] }),
    ),
  );

  const gotIn = form.checkbox("car.got_in", "The young person got into it");
  const carFields = h(
    "div",
    { class: "car" },
    h(
      "div",
      { class: "row" },
      form.field({
        name: "car.vrm",
        label: "Registration (number plate)",
        hint: "Put ? for any letter or number you did not see",
        checks: [registration],
        autocomplete: "off",
      }),
      form.field({ name: "car.make", label: "Make or model", checks: [maxLength(200)] }),
      form.field({ name: "car.colour", label: "Colour", checks: [maxLength(200)] }),
    ),
    form.field({ name: "car.people", label: "Who was in it", hint: "The driver and anyone else: what they looked like", rows: 2, checks: [maxLength(10000)] }),
    h(
      "div",
      { class: "row" },
      form.field({ name: "car.at", label: "When (date and time)", type: "datetime-local", checks: [notFuture] }),
      form.field({ name: "car.place", label: "Where", hint: "Leave empty if it was at the home", checks: [maxLength(200)] }),
      form.field({ name: "car.postcode", label: "Postcode there", checks: [postcode] }),
    ),
    gotIn,
  );
  const collectedBox = form.checkbox("collected", "They were collected in a car", "Give the registration and describe who was in it.");
  const car = section("The vehicle", null, collectedBox, carFields);

  // --- Why, police, how known -----------------------------------------------------------
  const why = section(
    "Why are you worried?",
    "Be clear that this child is vulnerable to exploitation, and say what the signs are.",
    h(
      "fieldset",
      { class: "checks" },
      h("legend", {}, "What are you worried about?"),
      ...CONCERNS.map(([k, label]) => form.checkbox(`concern.${k}`, label)),
    ),
    form.field({
      name: "narrative",
      label: "What happened, in your own words",
      hint: "What you saw or were told, and the signs of exploitation you have noticed",
      rows: 5,
      checks: [maxLength(9000)],
    }),
  );

  const police = section(
    "Have you told the police?",
    "If you reported this to the police, give the incident reference, or the officer's name and shoulder number.",
    h(
      "div",
      { class: "row" },
      form.field({ name: "police.ref", label: "Police incident reference", checks: [maxLength(60)] }),
      form.field({ name: "police.officer", label: "Officer's name", checks: [maxLength(200), requiredWhen(() => form.value("police.shoulder") !== "")] }),
      form.field({ name: "police.shoulder", label: "Officer's shoulder number", checks: [shoulderNumber] }),
    ),
  );

  const grading = section(
    "How do you know?",
    "Police grade every piece of intelligence. Answer both questions as honestly as you can: there is no wrong answer, and an unsure answer is useful too.",
    form.radioGroup(
      "grading.how",
      "How was this known?",
      [
        ["A", "I saw or heard it myself"],
        ["B", "Someone told me, and something else backs it up"],
        ["C", "Someone told me"],
        ["D", "I am not sure how it is known"],
      ],
      undefined,
      CHOOSE_HOW,
    ),
    form.radioGroup(
      "grading.source",
      "How reliable is where it came from?",
      [
        ["1", "Reliable", "Staff, CCTV, records"],
        ["2", "Not yet known", "A young person or a member of the public we have not heard from before"],
        ["3", "Has been wrong before"],
      ],
      undefined,
      CHOOSE_SOURCE,
    ),
    form.radioGroup(
      "grading.share",
      "Who may see it?",
      [
        ["P", "Police and partner agencies (usual)"],
        ["C", "Police only", "For example, where sharing could put someone at risk"],
      ],
      "P",
    ),
  );

  return { profileSelect, profileWrap, who, missing, leaving, found, scene, person, approachDetail, car, carFields, collectedBox, gotIn, why, police, grading };
}
