// The police alert dashboard: a live list (server-sent events) by priority; each alert opens onto
// its explanation, evidence and history, and can be acknowledged, assigned, actioned and closed.

import type cytoscape from "cytoscape";
import { api, ApiError, PEEK, query, SessionInfo } from "../api";
import { announce, fill, h, when, words } from "../dom";
import { drawGraph, GEdge, GNode } from "../graph";
import type { View } from "../main";
import { purposeField } from "../purpose";

// Every read of alerts (the list, each alert, the live stream) states why, and is audited.
const DEFAULT_PURPOSE = "Monitoring and acting on safeguarding alerts";

interface Alert {
  event_id: string;
  alert_id: string;
  type: string;
  status: "open" | "acknowledged" | "actioned" | "closed";
  priority: "urgent" | "high" | "medium";
  summary: string;
  subjects: { kind: string; id: string; display_name: string }[];
  evidence: { report_id: string; observed_at: string; grading: string | null }[];
  raised_at: string;
  updated_at: string;
  actions: string[];
  deadlines: { action: string; due_at: string; basis: string }[];
  subgraph: { nodes: { id: string; kind: string; label: string }[]; edges: { source: string; target: string; type: string; report_ids: string[] }[] };
  assignee: string | null;
  closure_reason: string | null;
  false_positive: boolean | null;
}

interface History {
  at: string;
  by: string;
  action: string;
  status: string;
  note: string;
}

const RANK: Record<Alert["priority"], number> = { urgent: 0, high: 1, medium: 2 };
const ACTIVE = new Set(["open", "acknowledged", "actioned"]);

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
    const alerts = new Map<string, Alert>();
    const seenEvents = new Set<string>();
    const fresh = new Set<string>();
    let selected: string | null = params.get("alert");
    let shownUpdatedAt = ""; // the version of the selected alert the detail shows
    let selectSeq = 0;
    let source: EventSource | null = null;
    let retry = 0;
    let lastUpdate = new Date(Date.now() - 60_000).toISOString();
    let cy: cytoscape.Core | null = null;
    let closed = false;

    const live = h("p", { class: "live", role: "status" }, "Connecting…");
    const why = purposeField("alert-purpose", "tessera.purpose.alerts", DEFAULT_PURPOSE);
    const show = h(
      "select",
      { id: "alert-filter" },
      h("option", { value: "active" }, "Open, acknowledged and actioned"),
      h("option", { value: "open" }, "Open only"),
      h("option", { value: "closed" }, "Closed"),
      h("option", { value: "all" }, "All"),
    );
    const list = h("ol", { class: "alert-list", "aria-label": "Alerts, most urgent first" });
    const detail = h("section", { class: "alert-detail", "aria-labelledby": "alert-detail-title", tabindex: "-1" });
    const alertRegion = h("div", { class: "visually-hidden", role: "alert" });

    fill(
      main,
      h("h1", {}, "Alerts"),
      why.element,
      h("div", { class: "toolbar" }, live, h("div", { class: "field inline" }, h("label", { for: "alert-filter" }, "Show"), show)),
      alertRegion,
      h("div", { class: "dashboard" }, h("section", { "aria-label": "Alert list" }, list), detail),
    );
    fill(detail, h("h2", { id: "alert-detail-title" }, "Choose an alert"), h("p", { class: "hint" }, "Its explanation, evidence and history appear here."));
    show.addEventListener("change", renderList);

    function visible(a: Alert): boolean {
      if (show.value === "active") return ACTIVE.has(a.status);
      if (show.value === "all") return true;
      return a.status === show.value;
    }

    function renderList(): void {
      const items = [...alerts.values()]
        .filter(visible)
        .sort((a, b) => RANK[a.priority] - RANK[b.priority] || b.updated_at.localeCompare(a.updated_at));
      if (!items.length) {
        fill(list, h("li", { class: "empty" }, "No alerts to show."));
        return;
      }
      fill(
        list,
        ...items.map((a) => {
          const b = h(
            "button",
            {
              type: "button",
              class: `alert-item priority-${a.priority}${a.alert_id === selected ? " selected" : ""}`,
              "aria-current": a.alert_id === selected ? "true" : null,
              "data-alert-id": a.alert_id,
              "data-type": a.type,
            },
            h("span", { class: `badge priority-${a.priority}` }, a.priority.toUpperCase()),
            fresh.has(a.alert_id) ? h("span", { class: "badge new" }, "NEW") : null,
            h("span", { class: "alert-type" }, words(a.type)),
            h("span", { class: "alert-summary" }, a.summary),
            h("span", { class: "alert-meta" }, `${words(a.status)}${a.assignee ? ` · assigned to ${a.assignee}` : ""} · updated ${when(a.updated_at)}`),
          );
          b.addEventListener("click", () => void select(a.alert_id));
          return h("li", {}, b);
        }),
      );
    }

    function upsert(a: Alert, announceNew: boolean): void {
      if (seenEvents.has(a.event_id)) return;
      seenEvents.add(a.event_id);
      const before = alerts.get(a.alert_id);
      if (before && before.updated_at > a.updated_at) return; // an older event arrived late
      alerts.set(a.alert_id, a);
      if (a.updated_at > lastUpdate) lastUpdate = a.updated_at;
      if (announceNew && !before) {
        fresh.add(a.alert_id);
        alertRegion.textContent = `New ${a.priority} alert: ${a.summary}`;
      }
      renderList();
      // Redraw the open alert only for a change it does not show yet: the officer's own change
      // comes back on the stream after the page has drawn it, and redrawing then would wipe
      // what they are typing.
      if (a.alert_id === selected && before && a.updated_at > shownUpdatedAt) void select(a.alert_id, false);
    }

    async function load(): Promise<void> {
      const purpose = why.value();
      if (purpose === null) return;
      try {
        const page = await api<{ items: Alert[] }>("GET", `/api/alerts/alerts${query({ limit: 200, purpose })}`);
        page.items.forEach((a) => upsert(a, false));
        renderList();
        if (selected) void select(selected);
      } catch (e) {
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

    async function select(id: string, focus = true): Promise<void> {
      const mine = ++selectSeq; // only the latest selection draws: an earlier read may be stale
      selected = id;
      fresh.delete(id);
      renderList();
      let a = alerts.get(id);
      let history: History[] = [];
      try {
        const purpose = why.value();
        if (purpose === null) throw new Error("Say why you are looking before you open an alert.");
        const answer = await api<{ alert: Alert; history: History[] }>("GET", `/api/alerts/alerts/${encodeURIComponent(id)}${query({ purpose })}`);
        if (mine !== selectSeq) return;
        a = answer.alert;
        history = answer.history;
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
        h("h3", {}, "Evidence"),
        h(
          "table",
          { class: "data" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Observed"), h("th", { scope: "col" }, "Grading"), h("th", { scope: "col" }, "Report"))),
          h("tbody", {}, ...alert.evidence.map((e) => h("tr", {}, h("td", {}, when(e.observed_at)), h("td", {}, e.grading ?? ""), h("td", { class: "mono" }, e.report_id)))),
        ),
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
