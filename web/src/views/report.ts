// The form for home and school staff: who, what, why, where, in plain words, as the guidance asks.
// This file wires the page together; the parts live in ../report/: the sections (sections.ts),
// which are shown for each kind (kinds.ts), the reports built from the answers (payload.ts), the
// checks across fields and where the server's messages go (checks.ts), and the draft (draft.ts).

import { api, ApiError, ReportCreate } from "../api";
import { announce, fill, h, localInput } from "../dom";
import { Form } from "../form";
import type { View } from "../main";
import { fieldOfError, formProblems } from "../report/checks";
import { Draft, DRAFT_VERSION, draftKey, readDraft } from "../report/draft";
import { KINDS, Kind, layoutOf, TIME_FIELDS } from "../report/kinds";
import { buildReports, Json } from "../report/payload";
import { reportSections } from "../report/sections";
import type { Profile, ProfileSummary } from "./profiles";

function newKey(): string {
  return crypto.randomUUID();
}

export const reportView: View = {
  title: "Report a concern",
  render(main, session) {
    const form = new Form();
    let kind: Kind = "missing";
    let profiles: ProfileSummary[] = [];
    let profile: Profile | null = null;
    let idempotencyKey = newKey();

    const sections = reportSections(form, session.agency, () => kind);
    const { profileSelect, profileWrap, missing, leaving, found, scene, person, approachDetail } = sections;
    const { car, carFields, collectedBox, gotIn } = sections;

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
      sections.who,
      missing,
      leaving,
      found,
      scene,
      person,
      approachDetail,
      car,
      sections.why,
      sections.police,
      sections.grading,
      h("div", { class: "actions" }, submit, discard),
      draftStatus,
    );

    function show(): void {
      kind = (form.value("kind") || "missing") as Kind;
      const layout = layoutOf(kind, form.checked("collected"));
      missing.hidden = !layout.missing;
      leaving.hidden = !layout.leaving;
      found.hidden = !layout.found;
      person.hidden = !layout.person;
      scene.hidden = !layout.scene;
      approachDetail.hidden = !layout.approachDetail;
      for (const row of person.querySelectorAll<HTMLElement>(".person-link")) row.hidden = !layout.personLink;
      const heading = person.querySelector("h2");
      if (heading) heading.textContent = layout.personHeading;
      car.hidden = !layout.car;
      collectedBox.hidden = !layout.collectedBox;
      carFields.hidden = !layout.carFields;
      gotIn.hidden = !layout.gotIn;
      const desc = document.querySelector(`label[for="${form.fields.get("child.description")?.control.id}"]`);
      if (desc?.firstChild) desc.firstChild.textContent = layout.descriptionLabel;
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
        localStorage.setItem(draftKey(session.user), JSON.stringify(draft));
        draftStatus.textContent = `Draft saved on this device at ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" })}.`;
      }, 400);
    }
    function restoreDraft(): boolean {
      const draft = readDraft(localStorage.getItem(draftKey(session.user)));
      if (!draft) return false;
      try {
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
      localStorage.removeItem(draftKey(session.user));
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
      for (const name of TIME_FIELDS) {
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

    // --- Checking and sending ---------------------------------------------------------------
    // "0.event.child.name" -> the field that gave it, for the reports last built.
    let paths = new Map<string, string>();

    function extraChecks(): { label: string; message: string; control: HTMLElement }[] {
      const carShown = !car.hidden && !carFields.hidden;
      return formProblems(kind, form, carShown).map((problem) => {
        const control = form.fields.get(problem.name)!.control;
        form.serverError(problem.name, problem.message);
        return { label: problem.label, message: problem.message, control };
      });
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
      const facts = profile ? { associates: profile.profile.associates as Json[], places: profile.profile.places as Json[], phones: profile.profile.phones } : null;
      const built = buildReports({ kind, form, agency: session.agency, profile: facts, now: new Date() });
      const reports: ReportCreate[] = built.reports;
      paths = built.paths;
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
            const { name, where } = fieldOfError(f, reports, paths);
            if (name) form.serverError(name, f.msg);
            const control = name ? form.fields.get(name)?.control : undefined;
            return { label: name ? labelOf(name) : where, message: f.msg, control };
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
