// Children's profiles (the Philomena protocol): kept by the home, shared with police only while
// the child is reported missing.

import { api, ApiError, NetworkSchemas, query, SessionInfo, WebSchemas } from "../api";
import { announce, fill, h, uid, when, words } from "../dom";
import { Form, section } from "../form";
import { maxLength, pastDate, phone, postcode } from "../validate";
import type { View } from "../main";
import { purposeField } from "../purpose";

type Json = Record<string, unknown>;

export type ProfileSummary = WebSchemas["ProfileSummary"];
export type ChildProfile = WebSchemas["ChildProfile"];
/** A profile as /api/profiles answers it: ProfileOut, whose `profile` is the ChildProfile kept. */
export type Profile = Omit<WebSchemas["ProfileOut"], "profile"> & { profile: ChildProfile };

// Every PlaceCategory of schemas/entities.py; what each takes part in is README's table "Places
// and the patterns they take part in" (services/alerts/detectors/place_rules.py).
export const PLACE_CATEGORIES: [string, string][] = [
  ["other", "Other"],
  ["take_away", "Take-away"],
  ["park", "Park"],
  ["town_centre", "Town centre or high street"],
  ["shopping_centre", "Shopping centre"],
  ["bus_or_train_station", "Bus or train station"],
  ["taxi_rank", "Taxi rank"],
  ["off_licence", "Off licence"],
  ["hotel", "Hotel"],
  ["seaside_or_rural_town", "Seaside or rural town"],
  ["private_address", "A private address"],
  ["school", "School"],
  ["youth_club", "Youth club or centre"],
  ["sports_club", "Sports club"],
  ["library", "Library"],
  ["place_of_worship", "Place of worship"],
  ["health_service", "Health service (GP, clinic, hospital)"],
  ["family_service", "Family service (family hub, children's centre)"],
  ["care_home", "Children's home"],
];

const MAX_PHOTO_SIDE = 640;

/** A photo from a file, made smaller, as a JPEG data URL. */
async function shrink(file: File): Promise<string> {
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(img.width, img.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(img.width * scale);
    canvas.height = Math.round(img.height * scale);
    canvas.getContext("2d")?.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL("image/jpeg", 0.85);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Rows of a few fields each, with "add another" and "remove". */
class Rows {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private count = 0;
  private readonly forms: Form[] = [];

  constructor(
    private readonly legend: string,
    private readonly make: (form: Form, n: number) => HTMLElement,
    private readonly read: (form: Form) => Json | null,
    private readonly write: (form: Form, value: Json) => void,
  ) {
    this.list = h("div", { class: "rows" });
    const add = h("button", { type: "button", class: "secondary" }, `Add ${legend.toLowerCase()}`);
    add.addEventListener("click", () => this.add()?.querySelector<HTMLElement>("input")?.focus());
    this.el = h("fieldset", { class: "row-group" }, h("legend", {}, legend), this.list, add);
  }

  add(value?: Json): HTMLElement {
    this.count += 1;
    const form = new Form();
    const row = h("div", { class: "row-item" }, this.make(form, this.count));
    const remove = h("button", { type: "button", class: "link-button" }, `Remove this ${this.legend.toLowerCase().replace(/s$/, "")}`);
    remove.addEventListener("click", () => {
      row.remove();
      this.forms.splice(this.forms.indexOf(form), 1);
    });
    row.append(remove);
    this.forms.push(form);
    this.list.append(row);
    if (value) this.write(form, value);
    return row;
  }

  values(): Json[] {
    return this.forms.map(this.read).filter((v): v is Json => v !== null);
  }

  invalid(): { label: string; message: string; control: HTMLElement }[] {
    return this.forms.flatMap((f) => f.validate());
  }
}

function editor(main: HTMLElement, session: SessionInfo, existing: Profile | null): void {
  const form = new Form();
  const p = existing?.profile;
  let photo: string | null = p?.photo ?? null;
  const preview = h("img", { class: "photo", alt: "" });
  const photoStatus = h("p", { class: "hint", "aria-live": "polite" });
  function showPhoto(): void {
    preview.hidden = !photo;
    if (photo) {
      preview.src = photo;
      preview.alt = `Photo of ${form.value("name") || "the child"}`;
    }
  }
  const fileId = uid("photo");
  const file = h("input", { type: "file", id: fileId, accept: "image/jpeg,image/png,image/webp" });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    try {
      photo = await shrink(chosen);
      photoStatus.textContent = "Photo ready. Save the profile to keep it.";
      showPhoto();
    } catch {
      photoStatus.textContent = "That file could not be read as a photo.";
    }
  });
  const removePhoto = h("button", { type: "button", class: "link-button" }, "Remove the photo");
  removePhoto.addEventListener("click", () => {
    photo = null;
    showPhoto();
    photoStatus.textContent = "Photo removed. Save the profile to keep this.";
  });

  const associates = new Rows(
    "Associates",
    (f, n) =>
      h(
        "div",
        { class: "row" },
        f.field({ name: `a${n}.name`, label: "Name or nickname", checks: [maxLength(200)] }),
        f.field({ name: `a${n}.description`, label: "Who they are, what they look like", checks: [maxLength(2000)] }),
        f.field({ name: `a${n}.phone`, label: "Phone", type: "tel", checks: [phone] }),
      ),
    (f) => {
      const [name, description, tel] = [...f.fields.keys()].map((k) => f.value(k));
      if (!name && !description) return null;
      const person: Json = { role: "unknown" };
      if (name) person.name = name;
      if (description) person.description = description;
      if (tel) person.phones = [tel];
      return person;
    },
    (f, v) => {
      const [name, description, tel] = [...f.fields.keys()];
      f.set(name, String(v.name ?? ""));
      f.set(description, String(v.description ?? ""));
      f.set(tel, ((v.phones as string[] | undefined) ?? [])[0] ?? "");
    },
  );
  const places = new Rows(
    "Places",
    (f, n) =>
      h(
        "div",
        { class: "row" },
        f.field({ name: `p${n}.name`, label: "Place", checks: [maxLength(200)] }),
        f.field({ name: `p${n}.postcode`, label: "Postcode", checks: [postcode] }),
        f.field({ name: `p${n}.category`, label: "What kind of place", options: PLACE_CATEGORIES }),
      ),
    (f) => {
      const [name, pc, category] = [...f.fields.keys()].map((k) => f.value(k));
      if (!name && !pc) return null;
      const place: Json = { category: category || "other" };
      if (name) place.name = name;
      if (pc) place.postcode = pc.toUpperCase();
      return place;
    },
    (f, v) => {
      const [name, pc, category] = [...f.fields.keys()];
      f.set(name, String(v.name ?? ""));
      f.set(pc, String(v.postcode ?? ""));
      f.set(category, String(v.category ?? "other"));
    },
  );

  const errors = h("div", { class: "error-summary", role: "alert", tabindex: "-1" });
  errors.hidden = true;
  const save = h("button", { type: "submit", class: "primary" }, "Save profile");
  const back = h("a", { href: "#/profiles", class: "back" }, "Back to profiles");
  back.addEventListener("click", (e) => {
    e.preventDefault();
    profilesView.render(main, session, new URLSearchParams());
  });
  const el = h(
    "form",
    { class: "profile-form", novalidate: true },
    back,
    h("h1", {}, existing ? `${p?.name}'s profile` : "New child's profile"),
    h(
      "p",
      { class: "intro" },
      "Keep this up to date. It stays with your home; police see it only while the child is reported missing.",
    ),
    existing?.shared_since
      ? h("p", { class: "notice" }, `Shared with police since ${when(existing.shared_since)} (reported missing).`)
      : null,
    errors,
    section(
      "The child",
      null,
      h(
        "div",
        { class: "row" },
        form.field({ name: "name", label: "Full name", required: true, checks: [maxLength(200)], value: p?.name }),
        form.field({ name: "nicknames", label: "Nicknames", hint: "Separate them with commas", value: p?.nicknames.join(", ") }),
      ),
      h(
        "div",
        { class: "row" },
        form.field({ name: "dob", label: "Date of birth", type: "date", checks: [pastDate], value: p?.date_of_birth ?? "" }),
        form.field({
          name: "gender",
          label: "Gender",
          options: [["unknown", "Not known"], ["female", "Female"], ["male", "Male"], ["other", "Other"]],
          value: p?.gender,
        }),
      ),
      form.field({
        name: "description",
        label: "Description",
        hint: "Height, build, hair, eyes, marks or tattoos, what they usually wear",
        rows: 3,
        value: p?.description,
      }),
      h(
        "div",
        { class: "field" },
        h("label", { for: fileId }, "A recent photo"),
        h("p", { class: "hint" }, "Police are given it only if the child goes missing."),
        preview,
        file,
        removePhoto,
        photoStatus,
      ),
      form.field({
        name: "phones",
        label: "Phone numbers they use",
        hint: "One per line",
        rows: 2,
        value: p?.phones.join("\n"),
        checks: [(v) => v.split("\n").map((x) => phone(x)).find((m) => m) ?? null],
      }),
      h(
        "fieldset",
        { class: "checks" },
        h("legend", {}, "Does any of this apply?"),
        form.checkbox("looked_after", "Looked after (in care)"),
        form.checkbox("learning_disability", "Has a learning disability"),
        form.checkbox("additional_needs", "Has additional needs"),
      ),
    ),
    section("People they spend time with", null, associates.el),
    section("Places they go", null, places.el),
    section("Anything else police should know", null, form.field({ name: "notes", label: "Notes", rows: 3, value: p?.notes })),
    h("div", { class: "actions" }, save),
  );
  if (p) {
    form.tick("looked_after", p.flags.looked_after);
    form.tick("learning_disability", p.flags.learning_disability);
    form.tick("additional_needs", p.flags.additional_needs);
    p.associates.forEach((a) => associates.add(a));
    p.places.forEach((pl) => places.add(pl));
  }
  showPhoto();
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    const failed = [...form.validate(), ...associates.invalid(), ...places.invalid()];
    if (failed.length) {
      fill(errors, h("h2", {}, "Check these"), h("ul", {}, ...failed.map((f) => h("li", {}, `${f.label}: ${f.message}`))));
      errors.hidden = false;
      errors.focus();
      return;
    }
    const body = {
      name: form.value("name"),
      nicknames: form.value("nicknames").split(",").map((n) => n.trim()).filter(Boolean),
      date_of_birth: form.value("dob") || null,
      gender: form.value("gender") || "unknown",
      description: form.value("description"),
      photo,
      phones: form.value("phones").split("\n").map((x) => x.trim()).filter(Boolean),
      associates: associates.values(),
      places: places.values(),
      flags: {
        looked_after: form.checked("looked_after"),
        learning_disability: form.checked("learning_disability"),
        additional_needs: form.checked("additional_needs"),
      },
      notes: form.value("notes"),
    };
    save.disabled = true;
    try {
      const saved = existing
        ? await api<Profile>("PUT", `/api/profiles/${encodeURIComponent(existing.id)}`, body)
        : await api<Profile>("POST", "/api/profiles", body);
      announce(`${saved.profile.name}'s profile is saved`);
      editor(main, session, saved);
      main.querySelector(".profile-form")?.prepend(h("p", { class: "notice", role: "status" }, "Saved."));
    } catch (e) {
      const message = e instanceof ApiError && e.fields.length
        ? e.fields.map((f) => `${f.loc.slice(1).join(" › ")}: ${f.msg}`)
        : [e instanceof Error ? e.message : String(e)];
      fill(errors, h("h2", {}, "Not saved"), h("ul", {}, ...message.map((m) => h("li", {}, m))));
      errors.hidden = false;
      errors.focus();
    } finally {
      save.disabled = false;
    }
  });
  fill(main, el);
  main.focus();
}

export const profilesView: View = {
  title: "Children's profiles",
  render(main, session) {
    const list = h("ul", { class: "cards" });
    const add = h("button", { type: "button", class: "primary" }, "New profile");
    add.addEventListener("click", () => editor(main, session, null));
    fill(
      main,
      h("h1", {}, "Children's profiles"),
      h(
        "p",
        { class: "intro" },
        "A profile for each child your home looks after: a recent photo, a description, the people they see, the places they go and their phone numbers. ",
        "It is shared with police only while the child is reported missing.",
      ),
      add,
      list,
    );
    api<ProfileSummary[]>("GET", "/api/profiles")
      .then((profiles) => {
        if (!profiles.length) {
          list.replaceWith(h("p", {}, "No profiles yet."));
          return;
        }
        fill(
          list,
          ...profiles.map((p) => {
            const open = h("button", { type: "button", class: "card-button" }, p.name);
            open.addEventListener("click", async () => {
              editor(main, session, await api<Profile>("GET", `/api/profiles/${encodeURIComponent(p.id)}`));
            });
            return h(
              "li",
              { class: "card" },
              open,
              h("p", {}, p.date_of_birth ? `Born ${p.date_of_birth}` : "Date of birth not known"),
              p.shared_since ? h("p", { class: "badge shared" }, `Missing: shared with police since ${when(p.shared_since)}`) : null,
              h("p", { class: "hint" }, `Updated ${when(p.updated_at)} by ${p.updated_by}`),
            );
          }),
        );
      })
      .catch((e) => list.replaceWith(h("p", { role: "alert" }, e instanceof Error ? e.message : String(e))));
  },
};

function describePerson(p: Json): string {
  return [p.name, p.description, ((p.phones as string[] | undefined) ?? []).join(", ")].filter(Boolean).join(" – ");
}

function describePlace(p: Json): string {
  return [p.name, p.postcode, p.category && p.category !== "other" ? words(String(p.category)) : ""].filter(Boolean).join(", ");
}

// Police read the children missing now, from every channel's reports (the graph's open missing
// episodes, as far as they may see them), and the profiles homes share while a child is missing.
// Both reads state a purpose, recorded in the audit with each child.
const MISSING_PURPOSE = "Finding a child reported missing";

export type MissingChild = NetworkSchemas["MissingChild"];

/** How long, as a person says it: "3 h", "1 day 6 h", "12 days". */
export function duration(hours: number): string {
  if (hours < 1) return "under an hour";
  const days = Math.floor(hours / 24);
  const rest = Math.floor(hours - days * 24);
  if (days === 0) return `${rest} h`;
  if (days >= 7 || rest === 0) return `${days} ${days === 1 ? "day" : "days"}`;
  return `${days} ${days === 1 ? "day" : "days"} ${rest} h`;
}

function ageOf(child: MissingChild): string {
  if (child.date_of_birth) {
    const born = new Date(child.date_of_birth);
    const now = new Date();
    let years = now.getFullYear() - born.getFullYear();
    if (now.getMonth() < born.getMonth() || (now.getMonth() === born.getMonth() && now.getDate() < born.getDate())) years -= 1;
    return `${years}, born ${child.date_of_birth}`;
  }
  return child.age !== null ? `about ${child.age}` : "age not known";
}

function placeText(name: string | null, postcode: string | null): string | null {
  const text = [name, postcode].filter(Boolean).join(", ");
  return text || null;
}

function missingCard(child: MissingChild, profileAnchor: string | null): HTMLElement {
  const risk = child.police_risk_grading;
  const since = child.seen_since;
  return h(
    "article",
    { class: "missing-child", "aria-labelledby": `missing-${child.episode_id}` },
    h(
      "header",
      {},
      h("h3", { id: `missing-${child.episode_id}` }, child.name ?? "Name not given"),
      h("p", { class: "missing-for" }, h("strong", {}, `Missing ${duration(child.missing_for_hours)}`), ` · since ${when(child.missing_since)}`),
      risk
        ? h("span", { class: `badge risk-${risk}` }, risk === "no_apparent_risk" ? "No apparent risk" : `${words(risk)} risk`)
        : h("span", { class: "badge" }, "Risk not graded"),
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Last seen"),
      h("dd", {}, placeText(child.last_seen_place, child.last_seen_postcode) ?? "Not given"),
      h("dt", {}, "Missing from"),
      h("dd", {}, placeText(child.missing_from, child.missing_from_postcode) ?? "Not given"),
      h("dt", {}, "Age"),
      h("dd", {}, ageOf(child)),
      h("dt", {}, "Since then"),
      h(
        "dd",
        {},
        since
          ? `${words(since.type ?? "report")} ${when(since.observed_at)}${since.places.length ? ` at ${since.places.join(", ")}` : ""}`
          : "No later report you may see",
      ),
      h("dt", {}, "Reported by"),
      h("dd", {}, `${child.reported_by ?? "Source protected"} · report ${child.report_id.slice(0, 8)}`),
    ),
    profileAnchor ? h("p", {}, h("a", { href: `#${profileAnchor}`, onclick: (e: Event) => jump(e, profileAnchor) }, "See the home's profile: photo, description, places")) : null,
  );
}

function jump(event: Event, id: string): void {
  // The address hash routes the pages, so move focus instead of following the link.
  event.preventDefault();
  const target = document.getElementById(id);
  target?.scrollIntoView({ block: "start" });
  target?.focus();
}

function sameName(a: string | null, b: string): boolean {
  return !!a && a.trim().toLowerCase() === b.trim().toLowerCase();
}

export const sharedProfilesView: View = {
  title: "Missing children",
  render(main) {
    const now = h("div", { class: "missing-list", "aria-live": "polite" }, h("p", {}, "Loading…"));
    const list = h("div", { class: "shared-list" });
    const why = purposeField("missing-purpose", "tessera.purpose.missing", MISSING_PURPOSE);
    fill(
      main,
      h("h1", {}, "Missing children"),
      h("p", { class: "intro" }, "Children reported missing and not yet reported found, from every agency's reports you may see, longest missing first. Every time you open this page it is recorded in the audit log."),
      why.element,
      h("section", { "aria-labelledby": "missing-now-title" }, h("h2", { id: "missing-now-title" }, "Missing now"), now),
      h(
        "section",
        { "aria-labelledby": "shared-title" },
        h("h2", { id: "shared-title" }, "Profiles shared by their homes"),
        h("p", { class: "hint" }, "A home shares a child's profile with police while the child is reported missing."),
        list,
      ),
    );
    why.onChange(show);
    const initial = why.value();
    if (initial !== null) show(initial);

    function show(purpose: string): void {
      Promise.allSettled([
        api<{ items: MissingChild[] }>("GET", `/api/network/missing${query({ purpose, limit: 200 })}`),
        api<ProfileSummary[]>("GET", `/api/profiles${query({ purpose })}`).then((summaries) =>
          Promise.all(summaries.map((s) => api<Profile>("GET", `/api/profiles/${encodeURIComponent(s.id)}${query({ purpose })}`))),
        ),
      ]).then(([missing, shared]) => {
        const profiles = shared.status === "fulfilled" ? shared.value : [];
        if (missing.status === "rejected") {
          fill(now, h("p", { role: "alert" }, `Could not load the children missing now: ${reason(missing.reason)}`));
        } else if (!missing.value.items.length) {
          fill(now, h("p", {}, "No child you may see is reported missing right now."));
        } else {
          const children = missing.value.items;
          fill(
            now,
            h("p", { class: "count" }, `${children.length} ${children.length === 1 ? "child" : "children"} missing now.`),
            h(
              "div",
              { class: "missing-grid" },
              ...children.map((c) => {
                const profile = profiles.find((p) => sameName(c.name, p.profile.name));
                return missingCard(c, profile ? `profile-${profile.id}` : null);
              }),
            ),
          );
        }
        if (shared.status === "rejected") {
          fill(list, h("p", { role: "alert" }, reason(shared.reason)));
        } else if (!profiles.length) {
          fill(list, h("p", {}, "No home has shared a profile right now."));
        } else {
          fill(list, ...profiles.map(sharedCard));
        }
      });
    }
  },
};

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function sharedCard({ id, profile: c, shared_since, shared_report_id, agency }: Profile): HTMLElement {
  return h(
    "article",
    { class: "shared-profile", id: `profile-${id}`, tabindex: "-1" },
    h("h3", {}, c.name),
    c.photo ? h("img", { class: "photo", src: c.photo, alt: `Photo of ${c.name}` }) : h("p", {}, "No photo given."),
    h(
      "dl",
      {},
      h("dt", {}, "Missing from"),
      h("dd", {}, agency),
      h("dt", {}, "Reported missing"),
      h("dd", {}, `${when(shared_since)} (report ${shared_report_id ?? ""})`),
      h("dt", {}, "Date of birth"),
      h("dd", {}, c.date_of_birth ?? "Not known"),
      h("dt", {}, "Nicknames"),
      h("dd", {}, c.nicknames.join(", ") || "None given"),
      h("dt", {}, "Description"),
      h("dd", {}, c.description || "None given"),
      h("dt", {}, "Phones"),
      h("dd", {}, c.phones.join(", ") || "None given"),
      h("dt", {}, "Associates"),
      h("dd", {}, c.associates.length ? h("ul", {}, ...c.associates.map((a) => h("li", {}, describePerson(a)))) : "None given"),
      h("dt", {}, "Places they go"),
      h("dd", {}, c.places.length ? h("ul", {}, ...c.places.map((p) => h("li", {}, describePlace(p)))) : "None given"),
      h("dt", {}, "Notes"),
      h("dd", {}, c.notes || "None"),
    ),
  );
}
