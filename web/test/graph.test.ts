// The network drawing's pure parts: what kind each entity is drawn as, and when a busy place's
// young people are drawn as one crowd.

import { describe, expect, it } from "vitest";
import { CROWD_AT, crowdsOf, edgeId, GEdge, GNode, kindName, kindOf, newView } from "../src/graph";

const place: GNode = { id: "p1", kind: "location", label: "Chicken shop" };
const young = (i: number): GNode => ({ id: `y${i}`, kind: "person", role: "young_person", label: `Young ${i}` });
const seenAt = (n: GNode): GEdge => ({ source: n.id, target: place.id, type: "SEEN_AT" });

describe("kinds", () => {
  it("draws people by role, and anything unknown as a person", () => {
    expect(kindOf(young(1))).toBe("young_person");
    expect(kindOf({ id: "a", kind: "person", role: "adult", label: "" })).toBe("adult");
    expect(kindOf({ id: "a", kind: "person", label: "" })).toBe("person");
    expect(kindOf({ id: "v", kind: "vehicle", label: "" })).toBe("vehicle");
    expect(kindOf({ id: "x", kind: "spaceship", label: "" })).toBe("person");
    expect(kindName(place)).toBe("Place");
    expect(edgeId({ source: "a", target: "b", type: "KNOWS" })).toBe("a|KNOWS|b");
  });
});

describe("crowdsOf", () => {
  const many = Array.from({ length: CROWD_AT }, (_, i) => young(i));

  it("gathers the young people linked only to a place once there are enough", () => {
    expect(crowdsOf([place, ...many], many.map(seenAt), null, newView())).toEqual([
      { place: "p1", members: many.map((n) => n.id).sort() },
    ]);
    const fewer = many.slice(1);
    expect(crowdsOf([place, ...fewer], fewer.map(seenAt), null, newView())).toEqual([]);
  });

  it("leaves out the centre, pinned young people, those linked elsewhere, and opened places", () => {
    const other: GNode = { id: "p2", kind: "location", label: "Park" };
    const edges = [...many.map(seenAt), { source: "y0", target: "p2", type: "SEEN_AT" }];
    expect(crowdsOf([place, other, ...many], edges, null, newView())).toEqual([]);
    const view = newView();
    view.pinned.set("y1", { x: 0, y: 0 });
    expect(crowdsOf([place, ...many], many.map(seenAt), null, view)).toEqual([]);
    expect(crowdsOf([place, ...many], many.map(seenAt), "y2", newView())).toEqual([]);
    const opened = newView();
    opened.opened.add("p1");
    expect(crowdsOf([place, ...many], many.map(seenAt), null, opened)).toEqual([]);
  });
});
