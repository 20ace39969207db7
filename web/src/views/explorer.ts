// The analyst's network explorer: search a person, see and expand the network, filter by time
// and grading, read the reports behind a link, a timeline and a map of places.

import type cytoscape from "cytoscape";
import { api, ApiError, NetworkSchemas, query } from "../api";
import { fill, h, when, words } from "../dom";
import { crowdsOf, drawGraph, edgeId, GEdge, GNode, kindName, legend, newView, placeMap, reportTable, timeline, TimelineEntry } from "../graph";
import type { View } from "../main";
import { ANALYST_PURPOSE_KEY as PURPOSE_KEY } from "../purpose";

type PersonHit = NetworkSchemas["PersonHit"];

/** What a hit was found by, when not its whole name: a nickname, a given name, a surname. */
function foundBy(hit: PersonHit): string {
  if (!hit.matched_on) return "";
  const known = hit.names.some((n) => n.toLowerCase() === hit.matched_on?.toLowerCase());
  return known && hit.names.length === 1 ? "" : ` · found by “${hit.matched_on}”`;
}

type Network = NetworkSchemas["Network"];
type PersonDetail = NetworkSchemas["PersonDetail"];
type EntityProfile = NetworkSchemas["EntityProfile"];

function labelled(id: string, label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), hint ? h("p", { class: "hint" }, hint) : null, control);
}

export const explorerView: View = {
  title: "Network explorer",
  render(main, _session, params) {
    const nodes = new Map<string, GNode>();
    const edges = new Map<string, GEdge>();
    let centre: string | null = null;
    let cy: cytoscape.Core | null = null;
    let view = newView(); // what the analyst hid, pinned and opened: kept until a new centre

    // --- Purpose, search and filters -------------------------------------------------------
    const purpose = h("input", { name: "purpose", autocomplete: "off", "aria-required": "true" });
    purpose.value = params.get("purpose") ?? sessionStorage.getItem(PURPOSE_KEY) ?? "";
    purpose.addEventListener("input", () => sessionStorage.setItem(PURPOSE_KEY, purpose.value));
    const purposeError = h("p", { class: "field-error", id: "purpose-error" });
    purpose.setAttribute("aria-describedby", "purpose-hint purpose-error");

    const name = h("input", { name: "name", autocomplete: "off" });
    const dob = h("input", { name: "dob", type: "date" });
    const tel = h("input", { name: "phone", type: "tel", autocomplete: "off" });
    const vrm = h("input", { name: "vrm", autocomplete: "off" });
    const results = h("div", { class: "results", "aria-live": "polite" });
    const searchForm = h(
      "form",
      { class: "search", role: "search", novalidate: true },
      h("h2", {}, "Find a person"),
      h("div", { class: "row" }, labelled("x-name", "Name, alias or nickname", name), labelled("x-dob", "Date of birth", dob)),
      h("div", { class: "row" }, labelled("x-phone", "Phone number", tel), labelled("x-vrm", "Vehicle registration", vrm)),
      h("button", { type: "submit", class: "primary" }, "Search"),
      results,
    );

    const depth = h("select", {}, ...[1, 2, 3].map((d) => h("option", { value: d }, `${d} ${d === 1 ? "step" : "steps"}`)));
    const since = h("input", { type: "date" });
    const until = h("input", { type: "date" });
    const minSource = h("select", {}, h("option", { value: "" }, "Any"), h("option", { value: "1" }, "1 – reliable"), h("option", { value: "2" }, "2 – untested or better"));
    const minIntel = h(
      "select",
      {},
      h("option", { value: "" }, "Any"),
      ...["A", "B", "C", "D"].map((g) => h("option", { value: g }, `${g} or better`)),
    );
    const apply = h("button", { type: "submit", class: "secondary" }, "Apply filters");
    const filters = h(
      "form",
      { class: "filters", novalidate: true },
      h("h2", {}, "Filters"),
      h(
        "div",
        { class: "row" },
        labelled("x-depth", "How far out", depth),
        labelled("x-since", "From", since),
        labelled("x-until", "To", until),
        labelled("x-source", "Source at least", minSource),
        labelled("x-intel", "Intelligence at least", minIntel),
      ),
      apply,
    );

    // --- Results areas ---------------------------------------------------------------------
    const status = h("p", { class: "status", "aria-live": "polite" });
    const graphBox = h("div", { class: "graph", role: "img", "aria-label": "Network graph; the same links are listed in the table below it" });
    const drawing = h("div", { class: "drawing-state", "aria-live": "polite" });
    const details = h("div", { class: "details", "aria-live": "polite" }, h("p", { class: "hint" }, "Select a person, place or link in the graph or the list."));
    const links = h("div", { class: "links" });
    const timelineBox = h("div", { class: "timeline-box" });
    const mapBox = h("div", { class: "map-box" });

    fill(
      main,
      h("h1", {}, "Network explorer"),
      h(
        "div",
        { class: "field purpose" },
        h("label", { for: "purpose" }, "Why are you looking? (required)"),
        h("p", { class: "hint", id: "purpose-hint" }, "Recorded in the audit log with your name and everyone you see, e.g. 'ETAC review for case 123'."),
        purposeError,
        purpose,
      ),
      h("div", { class: "explorer-controls" }, searchForm, filters),
      status,
      h(
        "div",
        { class: "explorer" },
        h(
          "section",
          { class: "graph-panel", "aria-labelledby": "graph-title" },
          h("h2", { id: "graph-title" }, "Network"),
          h("p", { class: "hint" }, "Drag an entity to pin it where you want it. Select one to hide it, pin or unpin it; select a crowd to see who is in it."),
          graphBox,
          drawing,
          legend(),
        ),
        h("section", { class: "detail-panel", "aria-labelledby": "detail-title" }, h("h2", { id: "detail-title" }, "Selected"), details),
      ),
      h("section", { "aria-labelledby": "links-title" }, h("h2", { id: "links-title" }, "Links"), links),
      h("section", { "aria-labelledby": "timeline-title" }, h("h2", { id: "timeline-title" }, "Timeline"), timelineBox),
      h("section", { "aria-labelledby": "map-title" }, h("h2", { id: "map-title" }, "Map of places"), mapBox),
    );
    purpose.id = "purpose";

    function why(): string | null {
      const v = purpose.value.trim();
      if (v.length < 5) {
        purposeError.textContent = "Say why you are looking (at least 5 characters) before you search.";
        purpose.setAttribute("aria-invalid", "true");
        purpose.focus();
        return null;
      }
      purposeError.textContent = "";
      purpose.removeAttribute("aria-invalid");
      return v;
    }

    function minGrading(): string | undefined {
      if (!minSource.value && !minIntel.value) return undefined;
      return `${minSource.value || "3"}${minIntel.value || "E"}`;
    }

    function failed(e: unknown): void {
      status.textContent = e instanceof ApiError || e instanceof Error ? e.message : String(e);
    }

    searchForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const p = why();
      if (!p) return;
      if (!name.value.trim() && !dob.value && !tel.value.trim() && !vrm.value.trim()) {
        fill(results, h("p", { class: "field-error" }, "Give a name, a date of birth, a phone number or a registration."));
        return;
      }
      try {
        const found = await api<{ items: PersonHit[] }>(
          "GET",
          `/api/network/persons${query({ purpose: p, name: name.value.trim(), date_of_birth: dob.value, phone: tel.value.trim(), vrm: vrm.value.trim() })}`,
        );
        if (!found.items.length) {
          fill(results, h("p", {}, "Nobody you may see matches."));
          return;
        }
        fill(
          results,
          h("p", {}, `${found.items.length} found, best match first:`),
          h(
            "ul",
            { class: "hits" },
            ...found.items.map((hit) => {
              const b = h(
                "button",
                { type: "button", class: "card-button" },
                hit.names.join(" / "),
                h("span", { class: "hint" }, ` ${hit.date_of_birth ? `born ${hit.date_of_birth}` : ""} ${hit.role ? words(hit.role) : ""} · match ${Math.round(hit.score * 100)}%${foundBy(hit)}`),
              );
              b.addEventListener("click", () => void open(hit.id, true));
              return h("li", {}, b);
            }),
          ),
        );
      } catch (e) {
        fill(results, h("p", { role: "alert" }, e instanceof Error ? e.message : String(e)));
      }
    });

    filters.addEventListener("submit", (event) => {
      event.preventDefault();
      if (centre) void open(centre, true);
    });

    async function fetchNetwork(id: string, d: number): Promise<Network | null> {
      const p = why();
      if (!p) return null;
      return api<Network>(
        "GET",
        `/api/network/entities/${encodeURIComponent(id)}/network${query({
          purpose: p,
          depth: d,
          since: since.value ? new Date(`${since.value}T00:00:00`).toISOString() : undefined,
          until: until.value ? new Date(`${until.value}T23:59:59`).toISOString() : undefined,
          min_grading: minGrading(),
        })}`,
      );
    }

    async function open(id: string, fresh: boolean): Promise<void> {
      status.textContent = "Loading the network…";
      try {
        const network = await fetchNetwork(id, fresh ? Number(depth.value) : 1);
        if (!network) return;
        if (fresh) {
          nodes.clear();
          edges.clear();
          centre = id;
          view = newView();
        }
        network.nodes.forEach((n) => nodes.set(n.id, n));
        network.edges.forEach((e) => edges.set(edgeId(e), e));
        redraw();
        const label = nodes.get(id)?.label ?? id;
        status.textContent = `${fresh ? "Showing" : "Expanded"} ${label}: ${nodes.size} entities, ${edges.size} links${network.truncated ? " (cut short: narrow the filters)" : ""}.`;
        showNode(id);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) {
          status.textContent = "Nothing you may see is linked to this within the filters.";
        } else failed(e);
      }
    }

    function redraw(): void {
      cy?.destroy();
      cy = drawGraph(
        graphBox,
        [...nodes.values()],
        [...edges.values()],
        centre,
        {
          onNode: (id) => showNode(id),
          onEdge: (id) => showEdge(id),
          onCrowd: (place) => showCrowd(place),
          onMoved: (id, position) => {
            view.pinned.set(id, position);
            if (details.dataset.node === id) showNode(id);
            drawingState();
          },
        },
        view,
      );
      drawingState();
      graphBox.setAttribute("aria-label", `Network of ${nodes.size} entities and ${edges.size} links around ${nodes.get(centre ?? "")?.label ?? ""}; the links are listed below`);
      fill(links, linkTable());
      fill(mapBox, placeMap([...nodes.values()], (id) => showNode(id)));
    }

    function nodeButton(id: string): HTMLElement {
      const n = nodes.get(id);
      const b = h("button", { type: "button", class: "link-button" }, n?.label ?? id);
      b.addEventListener("click", () => showNode(id));
      return b;
    }

    function linkTable(): HTMLElement {
      if (!edges.size) return h("p", { class: "hint" }, "No links.");
      return h(
        "table",
        { class: "data" },
        h("thead", {}, h("tr", {}, ...["From", "Link", "To", "Reports", "First seen", "Last seen", ""].map((c) => h("th", { scope: "col" }, c)))),
        h(
          "tbody",
          {},
          ...[...edges.values()].map((e) => {
            const b = h("button", { type: "button", class: "link-button" }, "Reports behind it");
            b.addEventListener("click", () => showEdge(edgeId(e)));
            return h(
              "tr",
              {},
              h("td", {}, nodeButton(e.source)),
              h("td", {}, words(e.type.toLowerCase())),
              h("td", {}, nodeButton(e.target)),
              h("td", {}, String(e.reports?.length ?? e.count ?? "")),
              h("td", {}, when(e.first_seen)),
              h("td", {}, when(e.last_seen)),
              h("td", {}, b),
            );
          }),
        ),
      );
    }

    async function profileOf(id: string): Promise<EntityProfile | null> {
      const p = why();
      if (!p) return null;
      return api<EntityProfile>("GET", `/api/network/entities/${encodeURIComponent(id)}${query({ purpose: p, limit: 200 })}`);
    }

    /** What is left out of the drawing or fixed in it, with a way back. */
    function drawingState(): void {
      const hidden = [...view.hidden].filter((id) => nodes.has(id));
      const crowds = crowdsOf([...nodes.values()].filter((n) => !view.hidden.has(n.id)), [...edges.values()], centre, view);
      const parts: (HTMLElement | string)[] = [];
      if (crowds.length) {
        parts.push("Drawn as a crowd: ");
        crowds.forEach((c, i) => {
          const see = h("button", { type: "button", class: "link-button" }, `${c.members.length} young people at ${nodes.get(c.place)?.label ?? c.place}`);
          see.addEventListener("click", () => showCrowd(c.place));
          parts.push(see, i < crowds.length - 1 ? ", " : ". ");
        });
      }
      if (hidden.length) {
        const show = h("button", { type: "button", class: "link-button" }, `Show the ${hidden.length} hidden`);
        show.addEventListener("click", () => {
          view.hidden.clear();
          redraw();
        });
        parts.push(`${hidden.length} hidden: ${hidden.map((h_) => nodes.get(h_)?.label ?? h_).join(", ")}. `, show, " ");
      }
      if (view.pinned.size) {
        const unpin = h("button", { type: "button", class: "link-button" }, "Unpin all");
        unpin.addEventListener("click", () => {
          view.pinned.clear();
          redraw();
        });
        parts.push(`${view.pinned.size} pinned. `, unpin);
      }
      fill(drawing, ...parts);
    }

    /** The young people drawn as one crowd at a place: who they are, and a way to draw them. */
    function showCrowd(placeId: string): void {
      const place = nodes.get(placeId);
      const crowd = crowdsOf([...nodes.values()].filter((n) => !view.hidden.has(n.id)), [...edges.values()], centre, view).find((c) => c.place === placeId);
      if (!place || !crowd) return;
      delete details.dataset.node;
      const open = h("button", { type: "button", class: "primary" }, "Draw them one by one");
      open.addEventListener("click", () => {
        view.opened.add(placeId);
        redraw();
        showNode(placeId);
      });
      fill(
        details,
        h("h3", {}, `${crowd.members.length} young people at ${place.label}`),
        h("p", { class: "hint" }, "Linked to nothing else in this drawing, so drawn as one crowd. Select one to read about them."),
        h("ul", { class: "crowd-list" }, ...crowd.members.map((m) => h("li", {}, nodeButton(m)))),
        h("div", { class: "actions" }, open),
      );
    }

    function showNode(id: string): void {
      const n = nodes.get(id);
      if (!n) return;
      details.dataset.node = id;
      cy?.elements().unselect();
      cy?.getElementById(id).select();
      const hide = h("button", { type: "button", class: "secondary" }, "Hide from the drawing");
      hide.addEventListener("click", () => {
        view.hidden.add(id);
        view.pinned.delete(id);
        redraw();
      });
      const pinned = view.pinned.has(id);
      const pin = h("button", { type: "button", class: "secondary" }, pinned ? "Unpin" : "Pin where it is");
      pin.addEventListener("click", () => {
        const at = cy?.getElementById(id);
        if (pinned) view.pinned.delete(id);
        else if (at && at.length) view.pinned.set(id, { ...at.position() });
        redraw();
        showNode(id);
      });
      const regroup = view.opened.has(id)
        ? h("button", { type: "button", class: "secondary", onclick: () => { view.opened.delete(id); redraw(); showNode(id); } }, "Draw its young people as a crowd again")
        : null;
      const drawn = !view.hidden.has(id) && id !== centre;
      const unhide = view.hidden.has(id)
        ? h("button", { type: "button", class: "secondary", onclick: () => { view.hidden.delete(id); redraw(); showNode(id); } }, "Show it in the drawing again")
        : null;
      const expand = h("button", { type: "button", class: "primary" }, "Expand: show its links");
      expand.addEventListener("click", () => void open(id, false));
      const recentre = h("button", { type: "button", class: "secondary" }, "Centre the network here");
      recentre.addEventListener("click", () => void open(id, true));
      fill(
        details,
        h("h3", {}, n.label),
        h(
          "dl",
          {},
          h("dt", {}, "Kind"),
          h("dd", {}, kindName(n)),
          n.category ? h("dt", {}, "Category") : null,
          n.category ? h("dd", {}, words(n.category)) : null,
          typeof n.lat === "number" ? h("dt", {}, "Coordinates") : null,
          typeof n.lat === "number" ? h("dd", {}, `${n.lat?.toFixed(5)}, ${n.lon?.toFixed(5)}`) : null,
          h("dt", {}, "Links shown"),
          h("dd", {}, String([...edges.values()].filter((e) => e.source === id || e.target === id).length)),
        ),
        h("div", { class: "actions" }, expand, recentre),
        h("div", { class: "actions" }, drawn ? hide : null, unhide, view.hidden.has(id) ? null : pin, regroup),
      );
      void loadTimeline(id, n.label);
    }

    async function loadTimeline(id: string, label: string): Promise<void> {
      fill(timelineBox, h("p", { class: "hint" }, `Loading ${label}'s reports…`));
      try {
        const profile = await profileOf(id);
        if (!profile) return;
        fill(
          timelineBox,
          profile.person_detail ? personFacts(profile.person_detail, profile.person ?? {}) : null,
          h("h3", {}, `Reports about ${label}`),
          timeline(profile.timeline),
          profile.young_people.length
            ? h(
                "div",
                {},
                h("h3", {}, "Young people linked over time"),
                h("ul", {}, ...profile.young_people.map((y) => h("li", {}, `${y.named_as ?? y.person_id}${y.age !== null ? ` (${y.age})` : ""} – ${when(y.observed_at)}`))),
              )
            : null,
        );
      } catch (e) {
        fill(timelineBox, h("p", { role: "alert" }, e instanceof Error ? e.message : String(e)));
      }
    }

    function personFacts(d: PersonDetail, facts: Record<string, unknown>): HTMLElement {
      const s = d.screening;
      // Only what reports the analyst may see state: the API leaves the rest out.
      const list = (key: string): string[] => (Array.isArray(facts[key]) ? (facts[key] as string[]) : []);
      const home = [facts.home_address, facts.home_postcode].filter((x): x is string => typeof x === "string" && x !== "");
      const held = [
        ...list("nhs_numbers").map((x) => `NHS ${x}`),
        ...list("upns").map((x) => `UPN ${x}`),
        ...list("pnc_ids").map((x) => `PNC ${x}`),
        ...list("pnd_ids").map((x) => `PND ${x}`),
        ...list("la_child_ids").map((x) => `Local authority ${x}`),
      ];
      const flag = { current: "Current", historic: "Historic", none: "None" }[s.exp_flag];
      const screening = s.screened_on
        ? `${flag} (screened ${s.screened_on}: ${s.outcome}${s.review_date ? `; review ${s.review_date}` : ""})`
        : "Not screened";
      const episode = (e: PersonDetail["missing_episodes"][number]): string => {
        const from = e.started_at ? when(e.started_at) : "start not shown";
        const to = e.ended_at ? when(e.ended_at) : "open (no found report you may see)";
        const found = e.found_at ? `, found at ${e.found_at}` : "";
        const state = e.condition.length ? ` (${e.condition.map(words).join(", ")})` : "";
        return `${from} to ${to}${found}${state}`;
      };
      return h(
        "div",
        { class: "person-facts" },
        h("h3", {}, "About this person"),
        h(
          "dl",
          {},
          h("dt", {}, "Exploitation flag"),
          h("dd", {}, s.review_overdue ? h("span", { class: "badge overdue" }, "Review overdue") : null, screening),
          h("dt", {}, "Placements and schools"),
          h("dd", {}, d.placements.length ? d.placements.map((p) => `${p.name} (${words(p.category ?? p.link)})`).join("; ") : "None known"),
          h("dt", {}, "Phones and handles"),
          h("dd", {}, d.identifiers.length ? d.identifiers.map((i) => i.name).join("; ") : "None known"),
          h("dt", {}, "Home"),
          h("dd", {}, home.length ? home.join(", ") : "Not known"),
          h("dt", {}, "Identifiers partners hold"),
          h("dd", {}, held.length ? held.join("; ") : "None known"),
        ),
        d.missing_episodes.length
          ? h("div", {}, h("h4", {}, `Missing episodes (${d.missing_episodes.length})`), h("ul", {}, ...d.missing_episodes.map((e) => h("li", {}, episode(e)))))
          : null,
        d.departures.length
          ? h(
              "div",
              {},
              h("h4", {}, `Departures (${d.departures.length})`),
              h("ul", {}, ...d.departures.map((x) => h("li", {}, `${when(x.left_at)}${x.going_to ? ` to ${x.going_to}` : ""}${x.carrying.length ? `, with ${x.carrying.join(", ")}` : ""}`))),
            )
          : null,
      );
    }

    async function showEdge(id: string): Promise<void> {
      const e = edges.get(id);
      if (!e) return;
      cy?.elements().unselect();
      cy?.getElementById(id).select();
      const from = nodes.get(e.source)?.label ?? e.source;
      const to = nodes.get(e.target)?.label ?? e.target;
      const box = h("div", {}, h("p", { class: "hint" }, "Loading the reports…"));
      fill(
        details,
        h("h3", {}, `${from} – ${words(e.type.toLowerCase())} – ${to}`),
        h("p", {}, `Seen ${e.count ?? 1} times, ${when(e.first_seen)} to ${when(e.last_seen)}. Gradings: ${(e.gradings ?? []).join(", ")}`),
        e.details?.length ? h("p", {}, `Details: ${e.details.join("; ")}`) : null,
        h("h4", {}, "Reports behind this link"),
        box,
      );
      try {
        const wanted = new Set(e.reports ?? []);
        const [a, b] = await Promise.all([profileOf(e.source), profileOf(e.target)]);
        const rows = new Map<string, TimelineEntry>();
        for (const t of [...(a?.timeline ?? []), ...(b?.timeline ?? [])]) if (wanted.has(t.report_id)) rows.set(t.report_id, t);
        const missing = [...wanted].filter((r) => !rows.has(r));
        fill(
          box,
          rows.size ? reportTable([...rows.values()]) : null,
          missing.length ? h("p", { class: "hint" }, `Also: ${missing.join(", ")}`) : null,
        );
      } catch (err) {
        fill(box, h("p", { role: "alert" }, err instanceof Error ? err.message : String(err)));
      }
    }

    const entity = params.get("entity");
    if (entity) void open(entity, true);
    return () => cy?.destroy();
  },
};
