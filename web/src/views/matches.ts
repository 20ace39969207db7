// The analyst's review of possible matches: pairs of people the network worker thinks may be one
// young person, each with why (every detail's comparison and the weight it adds, the rule that
// stops a merge, the thresholds), and a decision: the same person, or different people.

import { announce, fill, h, s, uid } from "../dom";
import { api, ApiError, NetworkSchemas, query } from "../api";
import type { View } from "../main";
import { ANALYST_PURPOSE_KEY, MIN_PURPOSE } from "../purpose";

const PAGE_SIZE = 10;
const MIN_REASON = 5; // as the analyst API asks
const MAX_REASON = 2000;

type Candidate = NetworkSchemas["Candidate"];
type CandidatePage = NetworkSchemas["CandidatePage"];
type Comparison = NetworkSchemas["Comparison"];
type Decided = NetworkSchemas["DecisionRecorded"];

/** What the page shows of a person: what the reports the analyst may see say. */
interface Someone {
  id: string;
  names: string[];
  born: string | null;
  ages: number[];
  postcode: string | null;
  missing: boolean; // the analyst may not see them (any more)
}

const FIELDS: Record<string, string> = {
  given_name: "Given name",
  surname: "Surname",
  date_of_birth: "Date of birth",
  identifiers: "Identifiers partners hold (NHS, UPN, PNC, PND, local authority)",
  phones: "Phone numbers",
  handles: "Social media handles",
  postcode: "Home postcode",
  address: "Home address",
  nickname: "Nicknames",
};

// Each comparison level in plain words, per field (services/network/matching.py).
const LEVELS: Record<string, Record<string, string>> = {
  given_name: {
    exact: "The same",
    nickname: "One is a nickname of the other",
    typo: "Nearly the same: a small spelling difference",
    initial: "Only an initial, and it fits",
    different: "Different",
  },
  surname: {
    exact: "The same",
    typo1: "One letter different",
    typo2: "Two letters different",
    similar: "Similar: three letters different, alike in spelling or sound",
    different: "Different",
  },
  date_of_birth: {
    exact: "The same",
    one_digit: "One digit different",
    transposed: "Two digits swapped",
    day_month_swapped: "Day and month swapped",
    same_year: "An age on one side fits the other's year of birth",
    conflict: "Different, and no slip of the keys explains it",
  },
  identifiers: { agree: "One they both have is the same", conflict: "Conflict: the same kind, different numbers" },
  phones: { agree: "A number they share", disagree: "Known for both, none shared" },
  handles: { agree: "A handle they share", disagree: "Known for both, none shared" },
  postcode: { exact: "The same", district: "The same district (outward code)", different: "Different" },
  address: { exact: "The same", similar: "Nearly the same", different: "Different" },
  nickname: { agree: "A nickname recorded for both" },
};

const OUTCOMES: Record<Comparison["outcome"], string> = {
  merge: "would now be merged without asking",
  candidate: "would be put to an analyst, as they were",
  apart: "would now be kept apart",
};

function fieldName(field: string): string {
  return FIELDS[field] ?? field.replace(/_/g, " ");
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function levelWords(field: string, level: string): string {
  return LEVELS[field]?.[level] ?? level.replace(/_/g, " ");
}

/** A weight with its sign, as "+6.3", "−2.0" or "0". */
export function signed(weight: number): string {
  const rounded = Math.round(weight * 10) / 10;
  if (rounded === 0) return "0";
  return `${rounded > 0 ? "+" : "−"}${Math.abs(rounded).toFixed(1)}`;
}

/** A probability as a percentage people read: 0.997 is 99.7%. */
export function percent(p: number): string {
  return `${(Math.round(p * 1000) / 10).toLocaleString("en-GB")}%`;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A bar either side of zero: green to the right for a weight for, red to the left against. */
function weightBar(weight: number, scale: number): SVGElement {
  const half = 60;
  const width = Math.min(half, (Math.abs(weight) / scale) * half);
  return s(
    "svg",
    { class: "weight-bar", viewBox: "0 0 120 14", width: 120, height: 14, "aria-hidden": "true", focusable: "false" },
    s("rect", { class: weight >= 0 ? "for" : "against", x: weight >= 0 ? half : half - width, y: 2, width, height: 10 }),
    s("line", { class: "zero", x1: half, x2: half, y1: 0, y2: 14 }),
  );
}

/** The match weight on a scale with the two thresholds marked. */
function weightScale(c: Comparison): SVGElement {
  const lo = Math.min(0, c.weight) - 1;
  const hi = Math.max(c.merge_threshold + 4, c.weight + 1);
  const x = (v: number) => 10 + ((v - lo) / (hi - lo)) * 380;
  const mark = (v: number, label: string) => [
    s("line", { class: "threshold", x1: x(v), x2: x(v), y1: 14, y2: 44 }),
    s("text", { class: "threshold-label", x: x(v), y: 11, "text-anchor": "middle" }, `${label} ${v}`),
  ];
  return s(
    "svg",
    { class: "weight-scale", viewBox: "0 0 400 50", "aria-hidden": "true", focusable: "false" },
    s("rect", { class: "track", x: 10, y: 22, width: 380, height: 14 }),
    s("rect", {
      class: c.weight >= 0 ? "for" : "against",
      x: Math.min(x(0), x(c.weight)),
      y: 22,
      width: Math.abs(x(c.weight) - x(0)),
      height: 14,
    }),
    ...mark(c.candidate_threshold, "ask"),
    ...mark(c.merge_threshold, "merge"),
  );
}

/** Why the pair is, or is not, one person: the table of contributions, the rule, the thresholds. */
function explanation(c: Comparison, a: Someone, b: Someone): HTMLElement {
  const counted = c.contributions.filter((x) => x.level !== "missing");
  const unknown = c.contributions.filter((x) => x.level === "missing");
  const scale = Math.max(10, ...counted.map((x) => Math.abs(x.weight)));
  const captionId = uid("why");
  const where =
    c.weight >= c.merge_threshold
      ? "at or above the merge threshold"
      : c.weight >= c.candidate_threshold
        ? "between the threshold for asking an analyst and the merge threshold"
        : "below the threshold for asking an analyst";
  return h(
    "div",
    { class: "explanation" },
    h(
      "p",
      {},
      `Compared now, on the reports you may see: ${nameOf(a)} and ${nameOf(b)} ${OUTCOMES[c.outcome]}. `,
      `Match probability ${percent(c.probability)}, match weight ${signed(c.weight)}.`,
    ),
    c.rule
      ? h("p", { class: "rule", "data-testid": "match-rule" }, h("strong", {}, "Rule that stops a merge: "), c.rule, ".")
      : h("p", { class: "hint" }, "No rule stops a merge: the weight alone decides."),
    h(
      "table",
      { class: "data contributions", "aria-describedby": captionId },
      h("caption", { id: captionId }, "How each detail compares, and the weight it adds for (+) or against (−) one person"),
      h("thead", {}, h("tr", {}, ...["Detail", "How they compare", "Weight"].map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        ...counted.map((x) =>
          h(
            "tr",
            { "data-field": x.field },
            h("th", { scope: "row" }, fieldName(x.field)),
            h("td", {}, levelWords(x.field, x.level)),
            h(
              "td",
              { class: "weight" },
              h("span", { class: x.weight > 0 ? "number for" : x.weight < 0 ? "number against" : "number" }, signed(x.weight)),
              weightBar(x.weight, scale),
            ),
          ),
        ),
        h(
          "tr",
          { class: "total" },
          h("th", { scope: "row" }, "Match weight"),
          h("td", {}, `The sum, ${where}`),
          h("td", { class: "weight" }, h("strong", { class: "number" }, signed(c.weight))),
        ),
      ),
    ),
    unknown.length
      ? h("p", { class: "hint" }, `Not known for one or both, so not counted: ${unknown.map((x) => lowerFirst(fieldName(x.field))).join("; ")}.`)
      : null,
    h("h4", {}, "Thresholds"),
    weightScale(c),
    h(
      "p",
      { class: "hint" },
      `A pair is put to an analyst from a weight of ${c.candidate_threshold} and merged without asking from ${c.merge_threshold}, unless a rule stops it. `,
      `Scored with model ${c.model_version}.`,
    ),
  );
}

function nameOf(p: Someone): string {
  return p.names[0] ?? "Someone not named";
}

function describe(p: Someone): HTMLElement {
  if (p.missing) return h("div", { class: "someone" }, h("p", {}, "Not visible to you any more."), h("p", { class: "mono" }, p.id));
  const facts = [
    p.born ? `born ${p.born}` : p.ages.length ? `age ${p.ages.join(" or ")} when reported` : "date of birth not known",
    p.postcode ? `home ${p.postcode}` : null,
  ].filter((x): x is string => x !== null);
  return h(
    "div",
    { class: "someone" },
    h("p", { class: "names" }, p.names.length ? p.names.join(" / ") : "Not named in reports you may see"),
    h("p", { class: "hint" }, facts.join(", ")),
    h("a", { href: `#/explore?entity=${encodeURIComponent(p.id)}` }, "Open in the network explorer", h("span", { class: "visually-hidden" }, ` (${nameOf(p)})`)),
  );
}

export const matchesView: View = {
  title: "Possible matches",
  render(main) {
    let offset = 0;
    let decidedHere = 0; // decided on this page: the pages after it moved up by as many
    let nextOffset: number | null = null;
    let active = true;
    const people = new Map<string, Promise<Someone>>();

    const purpose = h("input", { id: "purpose", name: "purpose", autocomplete: "off", "aria-required": "true", maxlength: 500 });
    purpose.value = sessionStorage.getItem(ANALYST_PURPOSE_KEY) ?? "";
    purpose.addEventListener("input", () => sessionStorage.setItem(ANALYST_PURPOSE_KEY, purpose.value));
    const purposeError = h("p", { class: "field-error", id: "purpose-error" });
    purpose.setAttribute("aria-describedby", "purpose-hint purpose-error");
    const purposeForm = h(
      "form",
      { class: "field purpose", novalidate: true },
      h("label", { for: "purpose" }, "Why are you looking? (required)"),
      h("p", { class: "hint", id: "purpose-hint" }, "Recorded in the audit log with your name, everyone you see and every decision, e.g. 'ETAC review for case 123'."),
      purposeError,
      h("div", { class: "inline-form" }, purpose, h("button", { type: "submit", class: "secondary" }, "Show possible matches")),
    );

    const outcome = h("div", { class: "confirmation", role: "status", tabindex: "-1", "data-testid": "decision-outcome" });
    outcome.hidden = true;
    const status = h("p", { class: "status", "aria-live": "polite" });
    const list = h("ol", { class: "matches", "aria-label": "Possible matches, most likely first" });
    const previous = h("button", { type: "button", class: "secondary" }, "Previous page");
    const next = h("button", { type: "button", class: "secondary" }, "Next page");
    const paging = h("nav", { class: "actions paging", "aria-label": "Pages of possible matches" }, previous, next);
    paging.hidden = true;

    fill(
      main,
      h("h1", { id: "matches-title" }, "Possible matches"),
      h(
        "p",
        { class: "intro" },
        "Pairs of people the reports may describe as one young person, put to you because the evidence is strong but not enough to merge them, or a rule says a person must decide. ",
        "Saying they are the same person makes them one, for every alert from then on; saying they are different keeps them apart.",
      ),
      purposeForm,
      outcome,
      status,
      list,
      paging,
    );

    function why(focus = true): string | null {
      const v = purpose.value.trim();
      if (v.length < MIN_PURPOSE) {
        purposeError.textContent = `Say why you are looking (at least ${MIN_PURPOSE} characters) to see possible matches.`;
        purpose.setAttribute("aria-invalid", "true");
        if (focus) purpose.focus();
        return null;
      }
      purposeError.textContent = "";
      purpose.removeAttribute("aria-invalid");
      return v;
    }

    function someone(id: string, p: string): Promise<Someone> {
      let found = people.get(id);
      if (!found) {
        found = api<{ person: Record<string, unknown> | null }>(
          "GET",
          `/api/network/entities/${encodeURIComponent(id)}${query({ purpose: p, limit: 1 })}`,
        ).then(
          ({ person }) => {
            const labels = Array.isArray(person?.labels) ? (person.labels as unknown[]) : [];
            const ages = Array.isArray(person?.ages) ? (person.ages as unknown[]) : [];
            return {
              id,
              names: labels.filter((x): x is string => typeof x === "string" && x !== ""),
              born: typeof person?.date_of_birth === "string" ? person.date_of_birth : null,
              ages: ages.filter((x): x is number => typeof x === "number"),
              postcode: typeof person?.home_postcode === "string" ? person.home_postcode : null,
              missing: false,
            };
          },
          (e: unknown) => {
            people.delete(id); // asked again next time
            if (e instanceof ApiError && e.status === 404) return { id, names: [], born: null, ages: [], postcode: null, missing: true };
            throw e;
          },
        );
        people.set(id, found);
      }
      return found;
    }

    async function load(from: number, focusList = false): Promise<void> {
      const p = why();
      if (!p) return;
      status.textContent = "Loading possible matches…";
      try {
        const page = await api<CandidatePage>(
          "GET",
          `/api/network/resolution/candidates${query({ purpose: p, status: "pending", offset: from, limit: PAGE_SIZE })}`,
        );
        if (page.items.length === 0 && from > 0) return load(Math.max(0, from - PAGE_SIZE), focusList);
        const cards = await Promise.all(page.items.map((c) => card(c, p)));
        if (!active) return;
        offset = from;
        decidedHere = 0;
        nextOffset = page.page.next_offset;
        fill(list, ...cards);
        showCount();
        if (focusList) (list.querySelector("h2") as HTMLElement | null)?.focus();
      } catch (e) {
        status.textContent = "";
        fill(list, h("li", { class: "error-summary", role: "alert" }, h("p", {}, `The possible matches could not be shown: ${message(e)}`)));
        paging.hidden = true;
      }
    }

    function showCount(): void {
      const shown = list.querySelectorAll("li.match").length;
      if (shown === 0 && offset === 0 && nextOffset === null) {
        status.textContent = "";
        fill(list, h("li", { class: "empty" }, h("p", {}, "No possible matches are waiting.")));
      } else if (shown === 0) {
        void load(offset);
        return;
      } else {
        status.textContent =
          offset === 0 && nextOffset === null
            ? `${shown} possible ${shown === 1 ? "match is" : "matches are"} waiting, most likely first.`
            : `Showing possible matches ${offset + 1} to ${offset + shown}, most likely first.`;
      }
      previous.hidden = offset === 0;
      next.hidden = nextOffset === null;
      paging.hidden = previous.hidden && next.hidden;
    }

    previous.addEventListener("click", () => {
      outcome.hidden = true;
      void load(Math.max(0, offset - PAGE_SIZE), true);
    });
    next.addEventListener("click", () => {
      outcome.hidden = true;
      if (nextOffset !== null) void load(nextOffset - decidedHere, true);
    });

    async function card(c: Candidate, p: string): Promise<HTMLElement> {
      const [a, b] = await Promise.all([someone(c.person_a, p), someone(c.person_b, p)]);
      const titleId = uid("match");
      const title = h("h2", { id: titleId, tabindex: "-1" }, `${nameOf(a)} and ${nameOf(b)}`);
      const whyBox = h("div", { class: "why", id: uid("match-why") });
      whyBox.hidden = true;
      const toggle = h("button", { type: "button", class: "secondary", "aria-expanded": "false", "aria-controls": whyBox.id }, "Why they were put to you");
      const same = h("button", { type: "button", class: "primary" }, "Same person");
      const different = h("button", { type: "button", class: "secondary" }, "Different people");
      const decision = h("div", { class: "decision" });
      const item = h(
        "li",
        { class: "match", "data-candidate": c.id },
        h(
          "article",
          { "aria-labelledby": titleId },
          title,
          h("p", { class: "probability" }, "Match probability on the reports you may see: ", h("strong", {}, percent(c.score))),
          h("div", { class: "pair" }, describe(a), describe(b)),
          h("div", { class: "actions" }, toggle, same, different),
          whyBox,
          decision,
        ),
      );

      let loaded = false;
      toggle.addEventListener("click", async () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        const q = open && !loaded ? why() : null;
        if (open && !loaded && !q) return;
        toggle.setAttribute("aria-expanded", String(open));
        whyBox.hidden = !open;
        if (!open || loaded || !q) return;
        fill(whyBox, h("p", { class: "hint" }, "Comparing the two…"));
        try {
          const compared = await api<Comparison>(
            "GET",
            `/api/network/persons/${encodeURIComponent(c.person_a)}/compare/${encodeURIComponent(c.person_b)}${query({ purpose: q })}`,
          );
          loaded = true;
          fill(whyBox, h("h3", {}, "Why they were put to you"), explanation(compared, a, b));
          announce(`Why ${nameOf(a)} and ${nameOf(b)} were put to you is shown below the buttons.`);
        } catch (e) {
          const text =
            e instanceof ApiError && e.status === 404
              ? "One of the two is no longer visible to you, so they cannot be compared."
              : `They could not be compared: ${message(e)}`;
          fill(whyBox, h("p", { role: "alert", class: "field-error" }, text));
        }
      });

      function ask(verdict: Decided["decision"]): void {
        const reasonId = uid("reason");
        const reason = h("textarea", { id: reasonId, name: "reason", required: true, "aria-required": "true", maxlength: MAX_REASON, rows: 3 });
        const error = h("p", { class: "field-error", id: `${reasonId}-error`, role: "alert" });
        reason.setAttribute("aria-describedby", `${reasonId}-hint ${reasonId}-error`);
        const record = h("button", { type: "submit", class: "primary" }, "Record decision");
        const cancel = h("button", { type: "button", class: "link-button" }, "Cancel");
        const legend =
          verdict === "same"
            ? `${nameOf(a)} and ${nameOf(b)} are the same person`
            : `${nameOf(a)} and ${nameOf(b)} are different people`;
        const hint =
          verdict === "same"
            ? "They become one person: every report about either is then about them, for every alert. Say what shows it, e.g. the same school, placement and social worker."
            : "They stay two people and are not proposed again. Say what shows it, e.g. different schools and parents.";
        const form = h(
          "form",
          { class: "decision-form", novalidate: true },
          h(
            "fieldset",
            {},
            h("legend", {}, `Record: ${legend}`),
            h(
              "div",
              { class: "field" },
              h("label", { for: reasonId }, "Why? (required)"),
              h("p", { class: "hint", id: `${reasonId}-hint` }, hint),
              error,
              reason,
            ),
            h("div", { class: "actions" }, record, cancel),
          ),
        );
        cancel.addEventListener("click", () => {
          decision.replaceChildren();
          (verdict === "same" ? same : different).focus();
        });
        form.addEventListener("submit", async (event) => {
          event.preventDefault();
          const text = reason.value.trim();
          if (text.length < MIN_REASON) {
            error.textContent = `Give a reason (at least ${MIN_REASON} characters): it is kept with the decision.`;
            reason.setAttribute("aria-invalid", "true");
            reason.focus();
            return;
          }
          reason.removeAttribute("aria-invalid");
          error.textContent = "";
          const q = why();
          if (!q) return;
          record.disabled = true;
          try {
            const done = await api<Decided>(
              "POST",
              `/api/network/resolution/candidates/${encodeURIComponent(c.id)}/decision${query({ purpose: q })}`,
              { decision: verdict, reason: text },
            );
            decided(done, a, b);
            item.remove();
            decidedHere += 1;
            people.delete(c.person_a);
            people.delete(c.person_b);
            showCount();
          } catch (e) {
            error.textContent =
              e instanceof ApiError && e.status === 404
                ? "This possible match is no longer waiting (it may have been decided already): show the possible matches again to see what is left."
                : `The decision was not recorded: ${message(e)}`;
            reason.focus();
          } finally {
            record.disabled = false;
          }
        });
        fill(decision, form);
        reason.focus();
      }

      same.addEventListener("click", () => ask("same"));
      different.addEventListener("click", () => ask("different"));
      return item;
    }

    function decided(done: Decided, a: Someone, b: Someone): void {
      const text =
        done.decision === "same"
          ? `Recorded: ${nameOf(a)} and ${nameOf(b)} are the same person. Their reports are now one person's.`
          : `Recorded: ${nameOf(a)} and ${nameOf(b)} are different people. They will not be proposed again.`;
      fill(
        outcome,
        h("h2", {}, "Decision recorded"),
        h("p", {}, text),
        h("p", { class: "hint" }, "Decision reference ", h("span", { class: "mono" }, done.id)),
        h("a", { href: `#/explore?entity=${encodeURIComponent(done.person_a)}` }, `Open ${nameOf(a)} in the network explorer`),
      );
      outcome.hidden = false;
      outcome.focus();
      announce(text);
    }

    purposeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      outcome.hidden = true;
      void load(0);
    });

    if (purpose.value.trim().length >= MIN_PURPOSE) void load(0);
    else {
      status.textContent = "Say why you are looking, then show the possible matches.";
      purpose.focus();
    }
    return () => {
      active = false;
    };
  },
};
