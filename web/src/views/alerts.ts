// The police alert dashboard: a compact list, filtered, searched, sorted and paged by the alerts
// API and kept live by its stream (server-sent events); each alert opens onto its summary,
// explanation, evidence (what each report said) and history, and can be acknowledged, assigned,
// actioned and closed.

import type cytoscape from "cytoscape";
import { AlertsSchemas, api, ApiError, PEEK, query, SessionInfo } from "../api";
import { announce, fill, h, when, words } from "../dom";
import { drawGraph, GEdge, GNode } from "../graph";
import type { View } from "../main";
import { purposeField } from "../purpose";

// Every read of alerts (the list, each alert, the live stream) states why, and is audited.
const DEFAULT_PURPOSE = "Monitoring and acting on safeguarding alerts";

/** An alert as the alerts API gives it (AlertRaised); in the list (AlertListItem) also the areas
 * its cited reports give. */
type Alert = AlertsSchemas["AlertRaised"] & { areas?: string[] };

/** A cited report as the detail gives it: what it said, as far as the reader may see it. */
type EvidenceItem = AlertsSchemas["EvidenceItem"];
type Page = AlertsSchemas["AlertPage"];

const PAGE_SIZE = 50;
const TYPES = [
  "shared_hotspot",
  "peer_group_context",
  "adult_linked_to_children",
  "harbouring_adult",
  "vehicle_linked_to_children",
  "vehicle_linked_to_missing",
  "missing_escalation",
  "co_missing",
  "found_out_of_area",
  "county_lines_suspected",
  "trap_house",
  "cuckooing",
  "care_home_targeted",
  "debt_bondage",
  "injury_on_return",
  "shared_phone",
  "departure_risk",
  "protective_condition_breach",
  "child_in_custody",
];
const STATUSES: Record<string, string[]> = {
  active: ["open", "acknowledged", "actioned"],
  open: ["open"],
  closed: ["closed"],
  all: [],
};

/** Who or what an alert is about, in a few words: its subjects, places first. */
function aboutLine(a: Alert): string {
  const places = a.subjects.filter((x) => x.kind === "location").map((x) => x.display_name);
  const others = a.subjects.filter((x) => x.kind !== "location").map((x) => x.display_name);
  return [...places, ...others].join(", ");
}

/** A time short enough for a list row: "Today 23:10", "Yesterday 02:41", "3 Dec 06:50". */
function shortWhen(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  const day = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const today = new Date(new Date().setHours(0, 0, 0, 0)).getTime();
  if (day === today) return `Today ${time}`;
  if (day === today - 86_400_000) return `Yesterday ${time}`;
  const sameYear = d.getFullYear() === new Date().getFullYear();
  return `${d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: sameYear ? undefined : "numeric" })} ${time}`;
}

/** The start of a day, or of the day after, typed in a date input, as an instant. */
function dayStart(value: string, after = false): string | undefined {
  if (!value) return undefined;
  const d = new Date(`${value}T00:00:00`);
  if (after) d.setDate(d.getDate() + 1);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

type History = AlertsSchemas["HistoryItem"];

/** A deadline passed on an alert not yet acted on; "now" (due as it was raised) is not marked. */
function overdue(alert: Alert, dueAt: string): boolean {
  const due = new Date(dueAt).getTime();
  const waiting = alert.status === "open" || alert.status === "acknowledged";
  return waiting && due !== new Date(alert.raised_at).getTime() && due < Date.now();
}
const HANDLERS = new Set(["police", "admin"]);
const EXPLORERS = new Set(["analyst", "admin"]);

export const alertsView: View = {
  title: "Alerts",
  render(main, session: SessionInfo, params) {
    const alerts = new Map<string, Alert>(); // the alerts this page has seen, by id
    const seenEvents = new Set<string>();
    const fresh = new Set<string>();
    let selected: string | null = params.get("alert");
    let shownUpdatedAt = ""; // the version of the selected alert the detail shows
    let selectSeq = 0;
    let loadSeq = 0;
    let source: EventSource | null = null;
    let retry = 0;
    let lastUpdate = new Date(Date.now() - 60_000).toISOString();
    let cy: cytoscape.Core | null = null;
    let closed = false;
    let offset = 0;
    let page: Page | null = null;
    let reloadTimer = 0;
    // The newest change the first read showed: an alert raised after it is new to this officer,
    // whether the stream or a read of the list brought it first (a read started by another
    // event may fetch it before its own event arrives).
    let baseline: string | null = null;

    const live = h("p", { class: "live", role: "status" }, "Connecting…");
    const why = purposeField("alert-purpose", "tessera.purpose.alerts", DEFAULT_PURPOSE);
    const show = h(
      "select",
      { id: "alert-filter" },
      h("option", { value: "active" }, "Not closed"),
      h("option", { value: "open" }, "Open only"),
      h("option", { value: "closed" }, "Closed"),
      h("option", { value: "all" }, "All"),
    );
    const type = h("select", { id: "alert-type" }, h("option", { value: "" }, "Any type"), ...TYPES.map((t) => h("option", { value: t }, words(t))));
    const priority = h(
      "select",
      { id: "alert-priority" },
      h("option", { value: "" }, "Any priority"),
      h("option", { value: "urgent" }, "Urgent"),
      h("option", { value: "high" }, "High"),
      h("option", { value: "medium" }, "Medium"),
    );
    const area = h("input", { id: "alert-area", type: "search", autocomplete: "off", maxlength: 200, placeholder: "e.g. Demoshire" });
    const subject = h("input", { id: "alert-subject", type: "search", autocomplete: "off", maxlength: 200, placeholder: "a name or place" });
    const from = h("input", { id: "alert-from", type: "date" });
    const to = h("input", { id: "alert-to", type: "date" });
    const search = h("input", { id: "alert-search", type: "search", autocomplete: "off", maxlength: 200, placeholder: "words in the alert" });
    const sort = h(
      "select",
      { id: "alert-sort" },
      h("option", { value: "updated" }, "Latest change first"),
      h("option", { value: "priority" }, "Most urgent first"),
      h("option", { value: "raised" }, "Newest raised first"),
      h("option", { value: "oldest" }, "Oldest raised first"),
    );
    const clear = h("button", { type: "button", class: "secondary" }, "Clear filters");
    const counter = h("p", { class: "list-count", role: "status" });
    const previous = h("button", { type: "button", class: "secondary" }, "Previous");
    const next = h("button", { type: "button", class: "secondary" }, "Next");
    const list = h("ol", { class: "alert-list alert-rows", "aria-label": "Alerts" });
    const detail = h("section", { class: "alert-detail", "aria-labelledby": "alert-detail-title", tabindex: "-1" });
    const alertRegion = h("div", { class: "visually-hidden", role: "alert" });

    main.classList.add("wide"); // the list and the open alert side by side on a desk's screen
    const labelled = (id: string, label: string, control: HTMLElement) => h("div", { class: "field filter" }, h("label", { for: id }, label), control);
    fill(
      main,
      h("h1", {}, "Alerts"),
      why.element,
      h("div", { class: "toolbar" }, live),
      h(
        "form",
        { class: "alert-filters", role: "search", "aria-label": "Filter alerts" },
        labelled("alert-filter", "Show", show),
        labelled("alert-type", "Type", type),
        labelled("alert-priority", "Priority", priority),
        labelled("alert-area", "Area", area),
        labelled("alert-subject", "Subject or place", subject),
        labelled("alert-from", "Raised from", from),
        labelled("alert-to", "Raised to", to),
        labelled("alert-search", "Search", search),
        labelled("alert-sort", "Sort", sort),
        h("div", { class: "filter-actions" }, clear),
      ),
      alertRegion,
      h(
        "div",
        { class: "dashboard" },
        h("section", { "aria-label": "Alert list", class: "alert-list-pane" }, counter, list, h("div", { class: "pager" }, previous, next)),
        detail,
      ),
    );
    fill(detail, h("h2", { id: "alert-detail-title" }, "Choose an alert"), h("p", { class: "hint" }, "Its summary, evidence and history appear here."));

    function refilter(): void {
      offset = 0;
      void load();
    }
    for (const control of [show, type, priority, sort, from, to]) control.addEventListener("change", refilter);
    let typing = 0;
    for (const control of [area, subject, search]) {
      control.addEventListener("input", () => {
        window.clearTimeout(typing);
        typing = window.setTimeout(refilter, 350);
      });
    }
    clear.addEventListener("click", () => {
      show.value = "active";
      for (const control of [type, priority]) control.value = "";
      for (const control of [area, subject, search, from, to]) control.value = "";
      sort.value = "updated";
      refilter();
    });
    previous.addEventListener("click", () => {
      offset = Math.max(0, offset - PAGE_SIZE);
      void load();
    });
    next.addEventListener("click", () => {
      if (page?.next_offset != null) offset = page.next_offset;
      void load();
    });

    function row(a: Alert): HTMLElement {
      const about = aboutLine(a);
      const b = h(
        "button",
        {
          type: "button",
          class: `alert-item priority-${a.priority}${a.alert_id === selected ? " selected" : ""}`,
          "aria-current": a.alert_id === selected ? "true" : null,
          "data-alert-id": a.alert_id,
          "data-type": a.type,
        },
        h("span", { class: "row-priority" }, h("span", { class: `badge priority-${a.priority}` }, a.priority.toUpperCase())),
        h("span", { class: "row-type" }, fresh.has(a.alert_id) ? h("span", { class: "badge new" }, "NEW") : null, words(a.type)),
        h("span", { class: `row-status status-${a.status}` }, words(a.status)),
        h("span", { class: "row-about", title: about }, about),
        h("span", { class: "row-area" }, (a.areas ?? []).join(", ")),
        h("time", { class: "row-when", datetime: a.raised_at, title: `Raised ${when(a.raised_at)}, last changed ${when(a.updated_at)}` }, shortWhen(a.raised_at)),
      );
      b.addEventListener("click", () => void select(a.alert_id));
      return h("li", {}, b);
    }

    function renderList(): void {
      if (!page) return;
      const items = page.items.map((a) => alerts.get(a.alert_id) ?? a);
      const first = page.total ? page.offset + 1 : 0;
      counter.textContent = page.total ? `Alerts ${first}–${page.offset + items.length} of ${page.total}` : "";
      previous.disabled = page.offset === 0;
      next.disabled = page.next_offset == null;
      if (!items.length) {
        fill(list, h("li", { class: "empty" }, "No alerts match these filters."));
        return;
      }
      fill(list, ...items.map(row));
    }

    function upsert(a: Alert, announceNew: boolean): void {
      if (seenEvents.has(a.event_id)) return;
      seenEvents.add(a.event_id);
      const before = alerts.get(a.alert_id);
      if (before && before.updated_at > a.updated_at) return; // an older event arrived late
      alerts.set(a.alert_id, { ...a, areas: a.areas ?? before?.areas });
      if (a.updated_at > lastUpdate) lastUpdate = a.updated_at;
      if (announceNew && !before) {
        fresh.add(a.alert_id);
        alertRegion.textContent = `New ${a.priority} alert: ${words(a.type)}, ${aboutLine(a)}`;
      }
      // What the server lists (filtered, sorted, a page at a time) may have changed: read the
      // page again, once for a burst of events.
      if (announceNew) {
        window.clearTimeout(reloadTimer);
        reloadTimer = window.setTimeout(() => void load(), 400);
      } else renderList();
      // Redraw the open alert only for a change it does not show yet: the officer's own change
      // comes back on the stream after the page has drawn it, and redrawing then would wipe
      // what they are typing.
      if (a.alert_id === selected && before && a.updated_at > shownUpdatedAt) void select(a.alert_id, false);
    }

    async function load(): Promise<void> {
      const purpose = why.value();
      if (purpose === null) return;
      const mine = ++loadSeq; // only the latest read draws the list
      try {
        const answer = await api<Page>(
          "GET",
          `/api/alerts/alerts${query({
            purpose,
            status: STATUSES[show.value] ?? [],
            type: type.value,
            priority: priority.value,
            area: area.value.trim(),
            subject: subject.value.trim(),
            q: search.value.trim(),
            raised_from: dayStart(from.value),
            raised_to: dayStart(to.value, true),
            sort: sort.value,
            offset,
            limit: PAGE_SIZE,
          })}`,
        );
        if (mine !== loadSeq) return;
        for (const a of answer.items) {
          const known = alerts.get(a.alert_id);
          if (!known && baseline !== null && a.raised_at > baseline) fresh.add(a.alert_id);
          if (!known || known.updated_at <= a.updated_at) alerts.set(a.alert_id, a);
          seenEvents.add(a.event_id);
          if (a.updated_at > lastUpdate) lastUpdate = a.updated_at;
        }
        if (baseline === null) baseline = lastUpdate;
        page = answer;
        renderList();
        if (selected && !shownUpdatedAt) void select(selected);
      } catch (e) {
        if (mine !== loadSeq) return;
        fill(list, h("li", { role: "alert" }, e instanceof Error ? e.message : String(e)));
      }
    }

    function connect(): void {
      const purpose = why.value();
      if (closed || purpose === null) return;
      // From a minute before the last change seen: the list and the stream overlap, and
      // duplicates are dropped on event_id.
      const since = new Date(new Date(lastUpdate).getTime() - 60_000).toISOString();
      source = new EventSource(`/api/alerts/stream${query({ since, purpose })}`);
      source.addEventListener("open", () => {
        retry = 0;
        live.textContent = "Live: new alerts appear here as they are raised.";
        live.dataset.state = "live";
      });
      source.addEventListener("alert", (event) => {
        upsert(JSON.parse((event as MessageEvent<string>).data) as Alert, true);
      });
      source.addEventListener("error", () => {
        if (source?.readyState === EventSource.CLOSED) {
          live.textContent = "Reconnecting…";
          live.dataset.state = "down";
          source.close();
          retry = Math.min(retry + 1, 5);
          window.setTimeout(async () => {
            try {
              await api("GET", PEEK); // signed out? then the sign-in page takes over
              connect();
            } catch {
              /* signed out */
            }
          }, 1000 * retry);
        } else {
          live.textContent = "Reconnecting…";
          live.dataset.state = "down";
        }
      });
    }

    async function change(a: Alert, action: string, body?: unknown): Promise<void> {
      try {
        const updated = await api<Alert>("POST", `/api/alerts/alerts/${a.alert_id}/${action}`, body);
        upsert(updated, false);
        announce(`Alert ${words(updated.status).toLowerCase()}`);
        await select(a.alert_id, false);
      } catch (e) {
        const message = e instanceof ApiError && e.status === 409 ? `${e.message} (it may have changed: it is shown as it is now)` : e instanceof Error ? e.message : String(e);
        detail.querySelector(".action-error")?.replaceChildren(message);
        await select(a.alert_id, false);
        detail.querySelector(".action-error")?.replaceChildren(message);
      }
    }

    function actionsFor(a: Alert): HTMLElement | null {
      if (!HANDLERS.has(session.role)) return h("p", { class: "hint" }, "Analysts can read alerts; police act on them.");
      if (a.status === "closed") return null;
      const parts: HTMLElement[] = [];
      if (a.status === "open") {
        const ack = h("button", { type: "button", class: "primary" }, "Acknowledge");
        ack.addEventListener("click", () => void change(a, "acknowledge"));
        parts.push(ack);
      }
      const assignee = h("input", { id: "assignee", autocomplete: "off", value: a.assignee ?? session.user });
      const assign = h("button", { type: "submit", class: "secondary" }, "Assign");
      const assignForm = h("form", { class: "inline-form" }, h("label", { for: "assignee" }, "Assign to"), assignee, assign);
      assignForm.addEventListener("submit", (e) => {
        e.preventDefault();
        if (assignee.value.trim()) void change(a, "assign", { assignee: assignee.value.trim() });
      });
      parts.push(assignForm);
      if (a.status === "acknowledged" || a.status === "actioned") {
        const note = h("input", { id: "action-note", autocomplete: "off" });
        const record = h("button", { type: "submit", class: "secondary" }, "Record");
        const actionForm = h("form", { class: "inline-form" }, h("label", { for: "action-note" }, "What was done"), note, record);
        actionForm.addEventListener("submit", (e) => {
          e.preventDefault();
          if (note.value.trim()) void change(a, "action", { note: note.value.trim() });
        });
        parts.push(actionForm);
      }
      const reason = h("input", { id: "close-reason", autocomplete: "off", maxlength: 500 });
      const fp = h("input", { id: "close-fp", type: "checkbox" });
      const close = h("button", { type: "submit", class: "warning" }, "Close alert");
      const reasonError = h("p", { class: "field-error", id: "close-reason-error" });
      reason.setAttribute("aria-describedby", "close-reason-error");
      const closeForm = h(
        "form",
        { class: "close-form", novalidate: true },
        h("div", { class: "field" }, h("label", { for: "close-reason" }, "Reason for closing (required)"), reasonError, reason),
        h("div", { class: "check" }, fp, h("label", { for: "close-fp" }, "This was a false alarm")),
        close,
      );
      closeForm.addEventListener("submit", (e) => {
        e.preventDefault();
        if (!reason.value.trim()) {
          reasonError.textContent = "Say why the alert is closed";
          reason.setAttribute("aria-invalid", "true");
          reason.focus();
          return;
        }
        void change(a, "close", { reason: reason.value.trim(), false_positive: fp.checked });
      });
      parts.push(closeForm);
      return h("div", { class: "alert-actions" }, h("h3", {}, "Act on it"), h("p", { class: "action-error field-error", role: "alert" }), ...parts);
    }

    /** Each cited report: when, what and where, its grading and what the reporter wrote. */
    function evidenceTable(alert: Alert, items: EvidenceItem[] | null): HTMLElement {
      const rows: EvidenceItem[] =
        items ??
        alert.evidence.map((e) => ({ ...e, event_type: null, place: null, narrative: null, retracted: false }));
      return h(
        "table",
        { class: "data evidence" },
        h(
          "thead",
          {},
          h("tr", {}, h("th", { scope: "col" }, "Observed"), h("th", { scope: "col" }, "What and where"), h("th", { scope: "col" }, "Grading"), h("th", { scope: "col" }, "What the report says")),
        ),
        h(
          "tbody",
          {},
          ...rows.map((e) =>
            h(
              "tr",
              {},
              h("td", { class: "observed" }, when(e.observed_at)),
              h(
                "td",
                { class: "what" },
                e.retracted ? "Retracted" : [e.event_type ? words(e.event_type) : "", e.place ? ` at ${e.place}` : ""].join(""),
                h("span", { class: "report-id mono", title: "The report's reference" }, e.report_id),
              ),
              h("td", { class: "grading" }, e.grading ?? "Not graded"),
              h("td", { class: "narrative" }, e.retracted ? h("span", { class: "hint" }, "This report was retracted.") : e.narrative || h("span", { class: "hint" }, "No narrative.")),
            ),
          ),
        ),
      );
    }

    async function select(id: string, focus = true): Promise<void> {
      const mine = ++selectSeq; // only the latest selection draws: an earlier read may be stale
      selected = id;
      fresh.delete(id);
      renderList();
      let a = alerts.get(id);
      let history: History[] = [];
      let evidence: EvidenceItem[] | null = null;
      try {
        const purpose = why.value();
        if (purpose === null) throw new Error("Say why you are looking before you open an alert.");
        const answer = await api<{ alert: Alert; evidence: EvidenceItem[]; history: History[] }>("GET", `/api/alerts/alerts/${encodeURIComponent(id)}${query({ purpose })}`);
        if (mine !== selectSeq) return;
        a = { ...answer.alert, areas: alerts.get(id)?.areas };
        history = answer.history;
        evidence = answer.evidence;
        alerts.set(id, a);
      } catch (e) {
        if (!a) {
          fill(detail, h("h2", { id: "alert-detail-title" }, "Alert not found"), h("p", {}, e instanceof Error ? e.message : String(e)));
          return;
        }
      }
      if (!a) return;
      const alert = a;
      shownUpdatedAt = alert.updated_at;
      const graph = h("div", { class: "graph small", role: "img", "aria-label": "The links that explain this alert; listed below too" });
      fill(
        detail,
        h("h2", { id: "alert-detail-title" }, words(alert.type)),
        h("p", { class: "alert-summary-full" }, h("span", { class: `badge priority-${alert.priority}` }, alert.priority.toUpperCase()), " ", alert.summary),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, "Status"),
          h("dd", { "data-testid": "alert-status" }, words(alert.status)),
          h("dt", {}, "Assigned to"),
          h("dd", {}, alert.assignee ?? "Nobody yet"),
          h("dt", {}, "Area"),
          h("dd", {}, alert.areas?.length ? alert.areas.join(", ") : "Not given"),
          h("dt", {}, "Raised"),
          h("dd", {}, when(alert.raised_at)),
          h("dt", {}, "Updated"),
          h("dd", {}, when(alert.updated_at)),
          alert.closure_reason ? h("dt", {}, "Closed because") : null,
          alert.closure_reason ? h("dd", {}, `${alert.closure_reason}${alert.false_positive ? " (false alarm)" : ""}`) : null,
        ),
        actionsFor(alert),
        h("h3", {}, "Who and what"),
        h(
          "ul",
          { class: "subjects" },
          ...alert.subjects.map((s) =>
            h(
              "li",
              {},
              `${s.display_name} (${words(s.kind)})`,
              EXPLORERS.has(session.role)
                ? h(
                    "a",
                    {
                      href: `#/explore?entity=${encodeURIComponent(s.id)}&purpose=${encodeURIComponent(`Reviewing alert ${alert.alert_id}`)}`,
                      class: "open-network",
                    },
                    ` Open ${s.display_name}'s network`,
                  )
                : null,
            ),
          ),
        ),
        alert.deadlines.length || alert.actions.length ? h("h3", {}, "What to do") : null,
        alert.deadlines.length
          ? h(
              "ul",
              {},
              ...alert.deadlines.map((d) =>
                h(
                  "li",
                  {},
                  overdue(alert, d.due_at) ? h("span", { class: "badge overdue" }, "Overdue") : null,
                  h("strong", {}, `By ${when(d.due_at)}: `),
                  d.action,
                  h("span", { class: "hint" }, ` (${d.basis})`),
                ),
              ),
            )
          : null,
        alert.actions.length ? h("ul", {}, ...alert.actions.map((x) => h("li", {}, x))) : null,
        h("h3", {}, "Why: the links its reports state"),
        graph,
        h(
          "ul",
          { class: "explain" },
          ...alert.subgraph.edges.map((e) => {
            const from = alert.subgraph.nodes.find((n) => n.id === e.source)?.label ?? e.source;
            const to = alert.subgraph.nodes.find((n) => n.id === e.target)?.label ?? e.target;
            return h("li", {}, `${from} – ${words(e.type.toLowerCase())} – ${to} (reports ${e.report_ids.join(", ")})`);
          }),
        ),
        h("h3", {}, `Evidence: what the ${alert.evidence.length} report${alert.evidence.length === 1 ? "" : "s"} said`),
        evidenceTable(alert, evidence),
        h("h3", {}, "History"),
        history.length
          ? h("ol", { class: "history" }, ...history.map((x) => h("li", {}, `${when(x.at)}: ${x.by} – ${words(x.action)} (${x.status})${x.note ? `: ${x.note}` : ""}`)))
          : h("p", { class: "hint" }, "No history yet."),
      );
      cy?.destroy();
      const nodes: GNode[] = alert.subgraph.nodes.map((n) => ({
        id: n.id,
        kind: n.kind,
        label: n.label,
      }));
      const edges: GEdge[] = alert.subgraph.edges.map((e) => ({ ...e, reports: e.report_ids }));
      if (nodes.length) cy = drawGraph(graph, nodes, edges, alert.subjects[0]?.id ?? null);
      else graph.replaceWith(h("p", { class: "hint" }, "No links to draw."));
      if (focus) detail.focus();
    }

    // A new purpose applies to what is read from now on: the stream reconnects with it.
    why.onChange(() => {
      source?.close();
      if (alerts.size) connect();
      else void load().then(connect);
    });
    void load().then(connect);
    return () => {
      closed = true;
      source?.close();
      cy?.destroy();
    };
  },
};
