// The form for home and school staff: who, what, why, where, in plain words, as the guidance asks.

import { api, ApiError, SessionInfo } from "../api";
import { announce, fill, h, localInput } from "../dom";
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
import type { View } from "../main";
import { PLACE_CATEGORIES } from "./profiles";
import type { Profile, ProfileSummary } from "./profiles";

type Json = Record<string, unknown>;
type Kind = "missing" | "leaving" | "vehicle" | "found" | "person" | "together" | "approach";

const KINDS: [Kind, string, string][] = [
  ["missing", "A young person has gone missing", "They have not come back, or nobody knows where they are."],
  ["leaving", "A young person is going out and I am worried", "Where they are going, who with, when they will be back."],
  ["vehicle", "A vehicle I am worried about", "A car that collects or drops off a young person, or waits nearby."],
  ["found", "A missing young person is back or has been found", "Where, who with, and how they were."],
  ["together", "Young people seen together at a place", "Who was there together, where and when: a park, a take-away, a flat."],
  ["approach", "Someone approached young people at a place", "An adult or an older young person approaching children: outside a take-away, at the school gate."],
  ["person", "Someone I am worried about", "A person seen with a young person: what they look like."],
];

// Why someone approached young people (schemas/events.py ApproachPurpose).
const APPROACH_PURPOSES: [string, string][] = [
  ["unknown", "Not known"],
  ["drug_trafficking", "To sell, carry or hold drugs"],
  ["recruitment", "To recruit them (a gang, running errands)"],
  ["sexual", "Sexual"],
  ["other", "Something else"],
];

// The grading's questions: asked, never answered for the user (issue 18).
const CHOOSE_HOW = "Choose how this was known";
const CHOOSE_SOURCE = "Choose how reliable the source is";

const CONCERNS: [string, string][] = [
  ["cse", "Sexual exploitation"],
  ["cce", "Criminal exploitation"],
  ["county_lines", "County lines (drug dealing across areas)"],
  ["trafficking", "Trafficking"],
  ["other", "Something else"],
];

const DRAFT_VERSION = 1;

interface Draft {
  version: number;
  fields: Record<string, string | boolean>;
  profileId: string;
  idempotencyKey: string;
  savedAt: string;
}

function draftKey(s: SessionInfo): string {
  return `tessera.draft.${s.user}.report`;
}

function newKey(): string {
  return crypto.randomUUID();
}

function isoOf(local: string): string {
  return new Date(local).toISOString();
}

export const reportView: View = {
  title: "Report a concern",
  render(main, session) {
    const form = new Form();
    let kind: Kind = "missing";
    let profiles: ProfileSummary[] = [];
    let profile: Profile | null = null;
    let idempotencyKey = newKey();
    const requiredWhen = (when: () => boolean): Check => (v) => (when() && !v.trim() ? "Fill this in" : null);
    const childNamed = requiredWhen(() => kind !== "vehicle");

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
      form.field({ name: "missing.at", label: "Last seen (date and time)", type: "datetime-local", checks: [requiredWhen(() => kind === "missing"), notFuture] }),
      h(
        "div",
        { class: "row" },
        form.field({ name: "missing.place", label: "Where they were last seen", hint: "A place name or address", checks: [maxLength(200)] }),
        form.field({ name: "missing.postcode", label: "Postcode there", checks: [postcode] }),
      ),
      h(
        "div",
        { class: "row" },
        form.field({ name: "home.name", label: "The home or placement they are missing from", value: session.agency, checks: [maxLength(200)] }),
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
      form.field({ name: "leaving.at", label: "When they left (date and time)", type: "datetime-local", checks: [requiredWhen(() => kind === "leaving"), notFuture] }),
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
        checks: [
          (v) => {
            const left = form.value("leaving.at");
            return v && left && new Date(v).getTime() <= new Date(left).getTime() ? "This is before they left" : null;
          },
        ],
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
      form.field({ name: "found.at", label: "Found or came back (date and time)", type: "datetime-local", checks: [requiredWhen(() => kind === "found"), notFuture] }),
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
        ...["well", "injured", "unkempt", "hungry", "under_the_influence", "distressed"].map((c) =>
          form.checkbox(`found.condition.${c}`, c.replace(/_/g, " ").replace(/^./, (x) => x.toUpperCase())),
        ),
      ),
      h(
        "fieldset",
        { class: "checks" },
        h("legend", {}, "Did they have any of these?"),
        ...[
          ["cash", "Cash"],
          ["drugs", "Drugs"],
          ["phone", "A phone that is not theirs"],
          ["sim_card", "SIM cards"],
          ["weapon", "A weapon"],
          ["gift", "New gifts (clothes, trainers, jewellery)"],
        ].map(([k, label]) => form.checkbox(`found.item.${k}`, label)),
      ),
    );

    const onScene = (): boolean => kind === "together" || kind === "approach";
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

    const kindGroup = form.radioGroup("kind", "What do you want to tell us?", KINDS, kind);
    const errors = h("div", { class: "error-summary", role: "alert", tabindex: "-1" });
    errors.hidden = true;
    const draftStatus = h("p", { class: "draft-status", "aria-live": "polite" });
    const submit = h("button", { type: "submit", class: "primary" }, "Send report");
    const discard = h("button", { type: "button", class: "secondary" }, "Discard draft");
    const confirmation = h("div", { class: "confirmation", tabindex: "-1" });
    confirmation.hidden = true;

    const formEl = h(
      "form",
      { class: "report-form", novalidate: true, "aria-labelledby": "report-title" },
      h("h1", { id: "report-title" }, "Report a concern"),
      h(
        "p",
        { class: "intro" },
        "Ask who, what, why and where. Small pieces help: a nickname, a car, a place. ",
        "If a child is in immediate danger, call 999. If a crime has been disclosed, also call 101.",
      ),
      errors,
      kindGroup,
      who,
      missing,
      leaving,
      found,
      scene,
      person,
      approachDetail,
      car,
      why,
      police,
      grading,
      h("div", { class: "actions" }, submit, discard),
      draftStatus,
    );

    function show(): void {
      kind = (form.value("kind") || "missing") as Kind;
      missing.hidden = kind !== "missing";
      leaving.hidden = kind !== "leaving";
      found.hidden = kind !== "found";
      person.hidden = kind !== "person" && kind !== "approach";
      scene.hidden = !onScene();
      approachDetail.hidden = kind !== "approach";
      for (const row of person.querySelectorAll<HTMLElement>(".person-link")) row.hidden = kind === "approach";
      const heading = person.querySelector("h2");
      if (heading) heading.textContent = kind === "approach" ? "Who approached them?" : "Who is the person?";
      const collectable = kind === "missing" || kind === "leaving";
      car.hidden = !(collectable || kind === "vehicle");
      collectedBox.hidden = !collectable;
      carFields.hidden = collectable && !form.checked("collected");
      gotIn.hidden = kind !== "vehicle";
      const desc = document.querySelector(`label[for="${form.fields.get("child.description")?.control.id}"]`);
      if (desc?.firstChild) desc.firstChild.textContent = kind === "missing" ? "Description and clothing" : "Description";
    }

    // --- Drafts -----------------------------------------------------------------------------
    let saveTimer = 0;
    function saveDraft(): void {
      window.clearTimeout(saveTimer);
      saveTimer = window.setTimeout(() => {
        const draft: Draft = {
          version: DRAFT_VERSION,
          fields: form.snapshot(),
          profileId: profileSelect.value,
          idempotencyKey,
          savedAt: new Date().toISOString(),
        };
        localStorage.setItem(draftKey(session), JSON.stringify(draft));
        draftStatus.textContent = `Draft saved on this device at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}.`;
      }, 400);
    }
    function restoreDraft(): boolean {
      const raw = localStorage.getItem(draftKey(session));
      if (!raw) return false;
      try {
        const draft = JSON.parse(raw) as Draft;
        if (draft.version !== DRAFT_VERSION) return false;
        form.restore(draft.fields);
        idempotencyKey = draft.idempotencyKey || newKey();
        if (draft.profileId) {
          profileSelect.dataset.pending = draft.profileId;
        }
        draftStatus.textContent = `Your draft from ${new Date(draft.savedAt).toLocaleString("en-GB")} is back.`;
        return true;
      } catch {
        return false;
      }
    }
    function clearDraft(): void {
      localStorage.removeItem(draftKey(session));
      idempotencyKey = newKey();
    }

    form.onChange = () => {
      show();
      saveDraft();
    };
    // A shoulder number needs the officer's name: say so as soon as the number is typed.
    form.fields.get("police.shoulder")?.control.addEventListener("input", () =>
      form.recheck("police.officer", form.value("police.shoulder") !== ""),
    );
    // A postcode is enough to place it: clear "give the place's name" as soon as one is typed.
    form.fields.get("scene.postcode")?.control.addEventListener("input", () => {
      if (form.value("scene.postcode")) form.recheck("scene.place", false);
    });
    discard.addEventListener("click", () => {
      if (!window.confirm("Discard this draft? What you typed will be lost.")) return;
      clearDraft();
      form.clear();
      form.set("kind", "missing");
      form.set("home.name", session.agency);
      form.set("grading.how", "");
      form.set("grading.source", "");
      form.set("grading.share", "P");
      profileSelect.value = "";
      profile = null;
      defaults();
      show();
      draftStatus.textContent = "Draft discarded.";
    });

    function defaults(): void {
      const now = localInput(new Date());
      for (const name of ["missing.at", "leaving.at", "found.at", "person.at", "car.at", "scene.at"]) {
        if (!form.value(name)) form.set(name, now);
      }
      form.tick("car.got_in", true);
      form.tick("approach.others_approached", true);
    }

    // --- Profiles ---------------------------------------------------------------------------
    async function loadProfiles(): Promise<void> {
      if (session.role !== "submitter") return;
      try {
        profiles = await api<ProfileSummary[]>("GET", "/api/profiles");
      } catch {
        return;
      }
      if (!profiles.length) return;
      profileSelect.append(...profiles.map((p) => h("option", { value: p.id }, p.name)));
      profileWrap.hidden = false;
      const pending = profileSelect.dataset.pending;
      if (pending && profiles.some((p) => p.id === pending)) {
        profileSelect.value = pending;
        profile = await api<Profile>("GET", `/api/profiles/${encodeURIComponent(pending)}`);
      }
    }
    // A report sent while a chosen profile is still loading waits for it, so it is never
    // checked or sent with the child's details half filled in.
    let profileLoading: Promise<void> = Promise.resolve();
    profileSelect.addEventListener("change", () => {
      profileLoading = fillFromProfile();
    });
    async function fillFromProfile(): Promise<void> {
      profile = null;
      if (profileSelect.value) {
        profile = await api<Profile>("GET", `/api/profiles/${encodeURIComponent(profileSelect.value)}`);
        const p = profile.profile;
        form.set("child.name", p.name);
        form.set("child.nickname", p.nicknames.join(", "));
        form.set("child.dob", p.date_of_birth ?? "");
        form.set("child.gender", p.gender);
        form.set("child.description", p.description);
        form.tick("child.looked_after", p.flags.looked_after);
        form.tick("child.learning_disability", p.flags.learning_disability);
        form.tick("child.additional_needs", p.flags.additional_needs);
        announce(`Filled in from ${p.name}'s profile`);
      }
      saveDraft();
    }

    // --- Building the reports ----------------------------------------------------------------
    const paths = new Map<string, string>(); // "0.event.child.name" -> the field that gave it

    function text(name: string, path: string, into: Json, key: string): void {
      const v = form.value(name);
      if (v) {
        into[key] = v;
        paths.set(path, name);
      }
    }

    function child(reportIndex: number, at: string): Json {
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
      for (const key of ["home_address", "home_local_authority", "nhs_number", "upn", "pnc_id", "pnd_id", "la_child_id"]) {
        text(`child.${key}`, `${base}.${key}`, c, key);
      }
      if (form.value("child.home_postcode")) {
        c.home_postcode = form.value("child.home_postcode").toUpperCase();
        paths.set(`${base}.home_postcode`, "child.home_postcode");
      }
      if (profile?.profile.phones.length) c.phones = profile.profile.phones;
      void at;
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

    function envelope(observedAt: string, event: Json): Json {
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
      return report;
    }

    function narrative(): string {
      const parts = [form.value("narrative")];
      if (kind === "leaving") {
        const took = ["luggage", "passport", "money"].filter((k) => form.checked(`leaving.${k}`));
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

    function vehicleReport(index: number, fallbackAt: string, atHome: Json | null): Json {
      const vehicle: Json = {};
      const vrm = form.value("car.vrm").replace(/\s+/g, " ").toUpperCase();
      if (vrm) {
        vehicle.vrm = vrm;
        paths.set(`${index}.event.vehicle.vrm`, "car.vrm");
      }
      text("car.make", `${index}.event.vehicle.make`, vehicle, "make");
      text("car.colour", `${index}.event.vehicle.colour`, vehicle, "colour");
      const where = place("car.place", "car.postcode") ?? atHome ?? { name: session.agency, category: "care_home" };
      const event: Json = { type: "vehicle_sighting", vehicle, place: where };
      const people = form.value("car.people");
      if (people) event.driver = someone(people);
      const got = kind === "vehicle" ? form.checked("car.got_in") && form.value("child.name") : true;
      if (got) event.got_in = [child(index, fallbackAt)];
      paths.set(`${index}.event.got_in.0.name`, "child.name");
      return envelope(form.value("car.at") || fallbackAt, event);
    }

    function build(): Json[] {
      paths.clear();
      const home = place("home.name", "home.postcode", "care_home");
      if (kind === "missing") {
        const reports: Json[] = [];
        const at = form.value("missing.at");
        if (form.checked("collected")) reports.push(vehicleReport(0, at, home));
        const i = reports.length;
        const event: Json = {
          type: "missing_reported",
          child: child(i, at),
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
        const associates: Json[] = [...((profile?.profile.associates as Json[] | undefined) ?? [])];
        if (form.value("missing.with")) associates.push(someone(form.value("missing.with"), "unknown"));
        if (associates.length) event.known_associates = associates;
        if (profile?.profile.places.length) event.known_places = profile.profile.places;
        reports.push(envelope(at, event));
        return reports;
      }
      if (kind === "leaving") {
        const reports: Json[] = [];
        const at = form.value("leaving.at");
        if (form.checked("collected")) reports.push(vehicleReport(0, at, home));
        const i = reports.length;
        const event: Json = {
          type: "departed",
          child: child(i, at),
          left_at: isoOf(at),
          left_from: home ?? { name: session.agency, category: "care_home" },
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
        const carrying = ["luggage", "passport", "money"].filter((k) => form.checked(`leaving.${k}`));
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
        return [vehicleReport(0, form.value("car.at") || localInput(new Date()), home)];
      }
      if (kind === "found") {
        const at = form.value("found.at");
        const event: Json = { type: "missing_ended", child: child(0, at), found_at: isoOf(at) };
        paths.set("0.event.found_at", "found.at");
        const where = place("found.place", "found.postcode");
        if (where) {
          if (form.value("found.force")) where.police_force_area = form.value("found.force");
          event.found_place = where;
        }
        if (form.value("found.with")) event.found_with = [someone(form.value("found.with"), "unknown")];
        event.circumstances = form.value("found.circumstances") || "other";
        event.condition = ["well", "injured", "unkempt", "hungry", "under_the_influence", "distressed"].filter((c) =>
          form.checked(`found.condition.${c}`),
        );
        event.items_found = ["cash", "drugs", "phone", "sim_card", "weapon", "gift"]
          .filter((k) => form.checked(`found.item.${k}`))
          .map((k) => ({ kind: k }));
        text("police.ref", "0.event.police_incident_ref", event, "police_incident_ref");
        return [envelope(at, event)];
      }
      if (kind === "together" || kind === "approach") return [sceneReport()];
      const other = adult("0.event.person_b");
      const at = form.value("person.at") || localInput(new Date());
      const c = child(0, at);
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

    /** The other young people at the scene: each name or nickname, and one for the rest. */
    function otherYoungPeople(): Json[] {
      const named = form
        .value("others.names")
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean)
        .map((name) => ({ name, role: "young_person" }));
      const described = form.value("others.description");
      return [...named, ...(described ? [{ description: described, role: "young_person" }] : [])];
    }

    /** Young people seen together (a sighting), or approached (an approach), at a place. */
    function sceneReport(): Json {
      const at = form.value("scene.at");
      const where = place("scene.place", "scene.postcode", form.value("scene.category") || "other");
      const c = child(0, at);
      const others = otherYoungPeople();
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

    function extraChecks(): { label: string; message: string; control: HTMLElement }[] {
      const problems = [];
      const carShown = !car.hidden && !carFields.hidden;
      if (carShown && !["car.vrm", "car.make", "car.colour", "car.people"].some((n) => form.value(n))) {
        const control = form.fields.get("car.vrm")!.control;
        form.serverError("car.vrm", "Give the registration, or describe the vehicle");
        problems.push({ label: "Registration", message: "Give the registration, or describe the vehicle", control });
      }
      if (kind === "together" && !otherYoungPeople().length) {
        const control = form.fields.get("others.names")!.control;
        const message = "Name or describe at least one other young person seen with them";
        form.serverError("others.names", message);
        problems.push({ label: "Other young people there", message, control });
      }
      if ((kind === "person" || kind === "approach") && !["person.name", "person.nickname", "person.description"].some((n) => form.value(n))) {
        const control = form.fields.get("person.description")!.control;
        form.serverError("person.description", "Give a name, a nickname or a description");
        problems.push({ label: "What they look like", message: "Give a name, a nickname or a description", control });
      }
      return problems;
    }

    function showErrors(items: { label: string; message: string; control?: HTMLElement }[], title: string): void {
      fill(
        errors,
        h("h2", {}, title),
        h(
          "ul",
          {},
          ...items.map((item) => {
            if (!item.control) return h("li", {}, `${item.label}: ${item.message}`);
            const link = h("a", { href: "#" }, `${item.label}: ${item.message}`);
            link.addEventListener("click", (e) => {
              e.preventDefault();
              item.control?.focus();
            });
            return h("li", {}, link);
          }),
        ),
      );
      errors.hidden = false;
      errors.focus();
    }

    formEl.addEventListener("submit", async (event) => {
      event.preventDefault();
      errors.hidden = true;
      try {
        await profileLoading;
      } catch {
        // The profile could not be read: the form is checked as the user left it.
      }
      const failed = [...form.validate(), ...extraChecks()];
      if (failed.length) {
        showErrors(failed, "Check these before you send");
        return;
      }
      submit.disabled = true;
      submit.textContent = "Sending…";
      const reports = build();
      try {
        const answer = await api<{ report_ids: string[] }>(
          "POST",
          "/api/reports",
          { reports, profile_id: profileSelect.value || null },
          { "Idempotency-Key": idempotencyKey },
        );
        clearDraft();
        const shared = profile && kind === "missing";
        fill(
          confirmation,
          h("h2", {}, "Report sent"),
          h("p", {}, "Thank you. Tessera has your report. Quote this reference to police or analysts:"),
          ...answer.report_ids.map((id) => h("p", { class: "reference", "data-testid": "reference" }, id)),
          shared
            ? h("p", {}, `${profile?.profile.name}'s profile and photo are now shared with police until they are found.`)
            : null,
          h("p", {}, "Child exploitation is a child protection issue: follow your usual child protection procedures."),
          h("button", { type: "button", class: "primary", onclick: () => reportView.render(main, session, new URLSearchParams()) }, "Make another report"),
        );
        formEl.hidden = true;
        confirmation.hidden = false;
        confirmation.focus();
        announce("Report sent");
      } catch (e) {
        if (e instanceof ApiError && e.fields.length) {
          const items = e.fields.map((f) => {
            const loc = f.loc.filter((p) => p !== "body" && p !== "reports");
            const [index, ...rest] = loc;
            const type = (reports[Number(index)]?.event as Json | undefined)?.type;
            const key = [index, ...rest.filter((p) => p !== type)].join(".");
            const grading: Record<string, string> = { source: "grading.source", intelligence: "grading.how" };
            let name: string | undefined = rest[0] === "grading" ? grading[String(rest[1])] : undefined;
            for (let cut = key.split(".").length; cut > 1 && !name; cut--) {
              name = paths.get(key.split(".").slice(0, cut).join("."));
            }
            if (name) form.serverError(name, f.msg);
            const control = name ? form.fields.get(name)?.control : undefined;
            return { label: name ? labelOf(name) : rest.join(" › "), message: f.msg, control };
          });
          showErrors(items, "Tessera could not accept this yet");
        } else {
          const message = e instanceof Error ? e.message : String(e);
          showErrors([{ label: "Not sent", message: `${message} Your draft is kept.` }], "The report was not sent");
        }
      } finally {
        submit.disabled = false;
        submit.textContent = "Send report";
      }
    });

    function labelOf(name: string): string {
      if (name === "grading.how") return "How was this known?";
      if (name === "grading.source") return "How reliable is where it came from?";
      const control = form.fields.get(name)?.control;
      const label = control ? document.querySelector(`label[for="${control.id}"]`) : null;
      return (label?.firstChild?.textContent ?? name).trim();
    }

    fill(main, formEl, confirmation);
    const restored = restoreDraft();
    defaults();
    show();
    void loadProfiles();
    if (!restored) formEl.querySelector<HTMLInputElement>('input[name="kind"]')?.focus();
    return () => window.clearTimeout(saveTimer);
  },
};
