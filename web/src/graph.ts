// The network drawn with Cytoscape.js (bundled by the build), and an offline map of places.

import cytoscape from "cytoscape";
import { h, s, when, words } from "./dom";

export interface GNode {
  id: string;
  kind: string;
  label: string;
  category?: string | null;
  role?: string | null;
  lat?: number | null;
  lon?: number | null;
}

export interface GEdge {
  source: string;
  target: string;
  type: string;
  count?: number;
  first_seen?: string;
  last_seen?: string;
  details?: string[];
  reports?: string[];
  report_ids?: string[];
  gradings?: string[];
}

export function edgeId(e: GEdge): string {
  return `${e.source}|${e.type}|${e.target}`;
}

// Colours chosen for contrast on white, with shapes so that colour is never the only cue.
const KINDS: Record<string, { colour: string; shape: cytoscape.Css.NodeShape; name: string }> = {
  young_person: { colour: "#1d70b8", shape: "ellipse", name: "Young person" },
  adult: { colour: "#b0281a", shape: "ellipse", name: "Adult" },
  person: { colour: "#505a5f", shape: "ellipse", name: "Person" },
  location: { colour: "#00703c", shape: "round-rectangle", name: "Place" },
  vehicle: { colour: "#a04500", shape: "diamond", name: "Vehicle" },
  phone: { colour: "#4c2c92", shape: "triangle", name: "Phone" },
  handle: { colour: "#912b88", shape: "vee", name: "Online account" },
  group: { colour: "#28306f", shape: "hexagon", name: "Group" },
  report: { colour: "#6f777b", shape: "rectangle", name: "Report" },
};

export function kindOf(n: GNode): string {
  if (n.kind === "person") {
    if (n.role === "young_person") return "young_person";
    if (n.role === "adult") return "adult";
    return "person";
  }
  return KINDS[n.kind] ? n.kind : "person";
}

export function kindName(n: GNode): string {
  return KINDS[kindOf(n)]?.name ?? words(n.kind);
}

/** The key to the graph's colours and shapes. */
export function legend(): HTMLElement {
  return h(
    "ul",
    { class: "legend", "aria-label": "Key" },
    ...Object.entries(KINDS)
      .filter(([k]) => k !== "report")
      .map(([k, v]) => h("li", {}, h("span", { class: `swatch swatch-${k}`, "aria-hidden": "true" }), v.name)),
  );
}

export interface GraphHandlers {
  onNode?: (id: string) => void;
  onEdge?: (id: string) => void;
}

/** Draw (or redraw) a network in a container; the centre is drawn larger. */
export function drawGraph(
  container: HTMLElement,
  nodes: GNode[],
  edges: GEdge[],
  centre: string | null,
  handlers: GraphHandlers = {},
): cytoscape.Core {
  const cy = cytoscape({
    container,
    elements: [
      ...nodes.map((n) => ({
        data: {
          id: n.id,
          label: n.label,
          colour: KINDS[kindOf(n)].colour,
          shape: KINDS[kindOf(n)].shape,
          size: n.id === centre ? 46 : 30,
        },
      })),
      ...edges
        .filter((e) => nodes.some((n) => n.id === e.source) && nodes.some((n) => n.id === e.target))
        .map((e) => ({
          data: {
            id: edgeId(e),
            source: e.source,
            target: e.target,
            label: words(e.type.toLowerCase()),
            width: Math.min(8, 1.5 + (e.count ?? 1)),
          },
        })),
    ],
    style: [
      {
        selector: "node",
        style: {
          "background-color": "data(colour)",
          shape: "data(shape)" as unknown as cytoscape.Css.NodeShape,
          width: "data(size)",
          height: "data(size)",
          label: "data(label)",
          "font-size": 12,
          color: "#0b0c0c",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "ellipsis",
          "text-max-width": "140px",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": "2px",
        },
      },
      {
        selector: "node:selected",
        style: { "border-width": 4, "border-color": "#ffdd00" },
      },
      {
        selector: "edge",
        style: {
          width: "data(width)",
          "line-color": "#6f777b",
          "curve-style": "bezier",
          label: "data(label)",
          "font-size": 10,
          color: "#383f43",
          "text-rotation": "autorotate",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
        },
      },
      {
        selector: "edge:selected",
        style: { "line-color": "#1d70b8", width: 6 },
      },
    ],
    layout: { name: "cose", animate: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 110, padding: 30 },
    wheelSensitivity: 0.3,
  });
  cy.on("tap", "node", (event) => handlers.onNode?.(event.target.id()));
  cy.on("tap", "edge", (event) => handlers.onEdge?.(event.target.id()));
  return cy;
}

/** Places with coordinates drawn on a plain SVG: no tiles, nothing fetched from outside. */
export function placeMap(nodes: GNode[], onPlace?: (id: string) => void): HTMLElement {
  const places = nodes.filter((n) => typeof n.lat === "number" && typeof n.lon === "number");
  if (!places.length) {
    return h("p", { class: "hint" }, "No place in this network has coordinates.");
  }
  const W = 640;
  const H = 400;
  const pad = 48;
  const meanLat = places.reduce((a, p) => a + (p.lat as number), 0) / places.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const xs = places.map((p) => (p.lon as number) * k);
  const ys = places.map((p) => p.lat as number);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(maxX - minX, maxY - minY, 0.002);
  const scale = Math.min(W - 2 * pad, H - 2 * pad) / span;
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  const px = (x: number) => W / 2 + (x - cx) * scale;
  const py = (y: number) => H / 2 - (y - cy) * scale;
  const km = (span * 111.32).toFixed(span * 111.32 < 10 ? 1 : 0);
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, class: "place-map", role: "img", "aria-label": `Map of ${places.length} places; the drawing spans about ${km} km` },
    s("rect", { x: 0, y: 0, width: W, height: H, class: "map-bg" }),
    ...[0.25, 0.5, 0.75].flatMap((f) => [
      s("line", { x1: W * f, y1: 0, x2: W * f, y2: H, class: "map-grid" }),
      s("line", { x1: 0, y1: H * f, x2: W, y2: H * f, class: "map-grid" }),
    ]),
    ...places.map((p, i) => {
      const g = s(
        "g",
        { class: "map-place", tabindex: 0, role: "button", "aria-label": `${p.label}, ${(p.lat as number).toFixed(4)}, ${(p.lon as number).toFixed(4)}` },
        s("title", {}, `${p.label} (${(p.lat as number).toFixed(4)}, ${(p.lon as number).toFixed(4)})`),
        s("circle", { cx: px(xs[i]), cy: py(ys[i]), r: 7 }),
        s("text", { x: px(xs[i]) + 10, y: py(ys[i]) + 4 }, p.label),
      );
      const open = () => onPlace?.(p.id);
      g.addEventListener("click", open);
      g.addEventListener("keydown", (e) => {
        if ((e as KeyboardEvent).key === "Enter" || (e as KeyboardEvent).key === " ") open();
      });
      return g;
    }),
    s("text", { x: 8, y: H - 8, class: "map-note" }, `North is up; about ${km} km across. No background map.`),
  );
  return h("div", { class: "map-wrap" }, svg);
}

export interface TimelineEntry {
  report_id: string;
  type: string;
  observed_at: string;
  grading: string;
  part?: string;
  named_as?: string | null;
  source_agency?: string | null;
  police_incident_ref?: string | null;
}

/** Reports along a time axis, with the same reports in a table for reading and keyboards. */
export function timeline(entries: TimelineEntry[]): HTMLElement {
  if (!entries.length) return h("p", { class: "hint" }, "No reports you may see.");
  const times = entries.map((e) => new Date(e.observed_at).getTime());
  const [t0, t1] = [Math.min(...times), Math.max(...times)];
  const W = 640;
  const H = 70;
  const x = (t: number) => 20 + ((t - t0) / Math.max(1, t1 - t0)) * (W - 40);
  const svg = s(
    "svg",
    { viewBox: `0 0 ${W} ${H}`, class: "timeline", role: "img", "aria-label": `${entries.length} reports from ${when(new Date(t0).toISOString())} to ${when(new Date(t1).toISOString())}` },
    s("line", { x1: 20, y1: 30, x2: W - 20, y2: 30, class: "axis" }),
    ...entries.map((e, i) =>
      s("circle", { cx: x(times[i]), cy: 30, r: 6, class: `dot dot-${e.type}` }, s("title", {}, `${words(e.type)} – ${when(e.observed_at)} – ${e.grading}`)),
    ),
    s("text", { x: 20, y: 60, class: "tick" }, when(new Date(t0).toISOString())),
    s("text", { x: W - 20, y: 60, class: "tick", "text-anchor": "end" }, when(new Date(t1).toISOString())),
  );
  return h("div", {}, svg, reportTable(entries));
}

/** A table of reports. */
export function reportTable(entries: TimelineEntry[]): HTMLElement {
  return h(
    "table",
    { class: "data" },
    h("thead", {}, h("tr", {}, ...["When", "What", "Grading", "Named as", "From", "Police ref", "Report"].map((c) => h("th", { scope: "col" }, c)))),
    h(
      "tbody",
      {},
      ...[...entries]
        .sort((a, b) => a.observed_at.localeCompare(b.observed_at))
        .map((e) =>
          h(
            "tr",
            {},
            h("td", {}, when(e.observed_at)),
            h("td", {}, words(e.type)),
            h("td", {}, e.grading),
            h("td", {}, e.named_as ?? ""),
            h("td", {}, e.source_agency ?? "withheld"),
            h("td", {}, e.police_incident_ref ?? ""),
            h("td", { class: "mono" }, e.report_id),
          ),
        ),
    ),
  );
}
