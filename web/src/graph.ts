// The network drawn with Cytoscape.js (bundled by the build), and an offline map of places.

import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import { h, s, when, words } from "./dom";

// fCoSE: a force-directed layout made for networks (compound-aware, fast, spreads clusters).
cytoscape.use(fcose);

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
  /** A crowd of young people at a place was chosen: the place's id. */
  onCrowd?: (placeId: string) => void;
  /** A node was dragged and let go: it stays where it was put (pinned). */
  onMoved?: (id: string, position: Position) => void;
}

export interface Position {
  x: number;
  y: number;
}

/** What the analyst did to the drawing: kept across redraws and expansions. */
export interface GraphView {
  /** Entities taken out of the drawing (still listed in the links table). */
  hidden: Set<string>;
  /** Entities fixed where the analyst put them. */
  pinned: Map<string, Position>;
  /** Places whose young people are drawn one by one instead of as a crowd. */
  opened: Set<string>;
  /** Where each entity was last drawn, so a redraw moves as little as it can. */
  positions: Map<string, Position>;
}

export function newView(): GraphView {
  return { hidden: new Set(), pinned: new Map(), opened: new Set(), positions: new Map() };
}

// A place linked to this many young people linked to nothing else draws them as one crowd.
export const CROWD_AT = 5;
export const CROWD_PREFIX = "crowd|";

export interface Crowd {
  place: string;
  members: string[];
}

/** The crowds to draw: at each place not opened, the young people linked only to it (and
 * neither the centre nor pinned), when there are CROWD_AT or more. */
export function crowdsOf(nodes: GNode[], edges: GEdge[], centre: string | null, view: GraphView): Crowd[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const neighbours = new Map<string, Set<string>>();
  for (const e of edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) continue;
    if (!neighbours.has(e.source)) neighbours.set(e.source, new Set());
    if (!neighbours.has(e.target)) neighbours.set(e.target, new Set());
    neighbours.get(e.source)?.add(e.target);
    neighbours.get(e.target)?.add(e.source);
  }
  const crowds: Crowd[] = [];
  for (const place of nodes.filter((n) => n.kind === "location" && !view.opened.has(n.id))) {
    const members = [...(neighbours.get(place.id) ?? [])].filter((id) => {
      const n = byId.get(id);
      const only = neighbours.get(id);
      return n && kindOf(n) === "young_person" && id !== centre && !view.pinned.has(id) && only?.size === 1;
    });
    if (members.length >= CROWD_AT) crowds.push({ place: place.id, members: members.sort() });
  }
  return crowds;
}

// Above this many links, link labels show only for a selected entity's links (they overlap).
const EDGE_LABELS_UP_TO = 14;

/** Draw (or redraw) a network in a container: the centre larger, hidden entities left out, a
 * busy place's young people as one crowd, pinned entities where they were put, and the rest
 * laid out by fCoSE from where they were last drawn. */
export function drawGraph(
  container: HTMLElement,
  allNodes: GNode[],
  allEdges: GEdge[],
  centre: string | null,
  handlers: GraphHandlers = {},
  view: GraphView = newView(),
): cytoscape.Core {
  const shownNodes = allNodes.filter((n) => !view.hidden.has(n.id) || n.id === centre);
  const shown = new Set(shownNodes.map((n) => n.id));
  const shownEdges = allEdges.filter((e) => shown.has(e.source) && shown.has(e.target));
  const crowds = crowdsOf(shownNodes, shownEdges, centre, view);
  const inCrowd = new Set(crowds.flatMap((c) => c.members));
  const nodes = shownNodes.filter((n) => !inCrowd.has(n.id));
  const edges = shownEdges.filter((e) => !inCrowd.has(e.source) && !inCrowd.has(e.target));
  const placed = (id: string) => view.pinned.get(id) ?? view.positions.get(id);
  const known = nodes.filter((n) => placed(n.id)).length;
  const young = KINDS.young_person;
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
        classes: view.pinned.has(n.id) ? "pinned" : "",
        ...(placed(n.id) ? { position: { ...placed(n.id)! } } : {}),
      })),
      ...crowds.map((c) => ({
        data: {
          id: `${CROWD_PREFIX}${c.place}`,
          label: `${c.members.length} young people`,
          colour: young.colour,
          shape: "round-rectangle",
          size: Math.min(70, 34 + c.members.length * 2),
        },
        classes: "crowd",
      })),
      ...edges.map((e) => ({
        data: {
          id: edgeId(e),
          source: e.source,
          target: e.target,
          label: words(e.type.toLowerCase()),
          width: Math.min(8, 1.5 + (e.count ?? 1)),
        },
      })),
      ...crowds.map((c) => ({
        data: { id: `${CROWD_PREFIX}${c.place}|edge`, source: `${CROWD_PREFIX}${c.place}`, target: c.place, label: "Seen at", width: 6 },
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
          "font-size": 13,
          color: "#0b0c0c",
          "text-valign": "bottom",
          "text-margin-y": 4,
          "text-wrap": "wrap",
          "text-max-width": "150px",
          "min-zoomed-font-size": 7,
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
      {
        selector: "node.crowd",
        style: { "background-opacity": 0.35, "border-width": 3, "border-color": young.colour, "border-style": "dashed", "font-weight": "bold" },
      },
      {
        selector: "node.pinned",
        style: { "border-width": 4, "border-color": "#0b0c0c", "border-style": "double" },
      },
      {
        selector: "node.pinned:selected",
        style: { "border-color": "#ffdd00" },
      },
      // Many links: their labels only on the selected entity's links, and on a selected link.
      ...(edges.length > EDGE_LABELS_UP_TO
        ? [
            { selector: "edge", style: { label: "" } },
            { selector: "edge:selected, node:selected + edge, edge.near", style: { label: "data(label)" } },
          ]
        : []),
    ],
    layout: {
      name: "fcose",
      quality: "proof",
      // From where entities were last drawn when most were, so an expansion moves little.
      randomize: known < nodes.length / 2,
      animate: false,
      nodeDimensionsIncludeLabels: true,
      nodeSeparation: 90,
      idealEdgeLength: () => 130,
      nodeRepulsion: () => 12000,
      packComponents: true,
      padding: 30,
      fixedNodeConstraint: [...view.pinned].filter(([id]) => nodes.some((n) => n.id === id)).map(([nodeId, position]) => ({ nodeId, position })),
    } as cytoscape.LayoutOptions,
    wheelSensitivity: 0.3,
  });
  cy.nodes().forEach((n) => {
    view.positions.set(n.id(), { ...n.position() });
  });
  cy.on("tap", "node", (event) => {
    const id: string = event.target.id();
    if (id.startsWith(CROWD_PREFIX)) handlers.onCrowd?.(id.slice(CROWD_PREFIX.length));
    else handlers.onNode?.(id);
  });
  cy.on("tap", "edge", (event) => handlers.onEdge?.(event.target.id()));
  cy.on("select", "node", (event) => event.target.connectedEdges().addClass("near"));
  cy.on("unselect", "node", (event) => event.target.connectedEdges().removeClass("near"));
  cy.on("dragfree", "node", (event) => {
    const id: string = event.target.id();
    if (id.startsWith(CROWD_PREFIX)) return;
    event.target.addClass("pinned");
    view.positions.set(id, { ...event.target.position() });
    handlers.onMoved?.(id, { ...event.target.position() });
  });
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
