// What the report form asks, and which of its sections each kind of report shows: no DOM here.

export type Kind = "missing" | "leaving" | "vehicle" | "found" | "person" | "together" | "approach";

export const KINDS: [Kind, string, string][] = [
  ["missing", "A young person has gone missing", "They have not come back, or nobody knows where they are."],
  ["leaving", "A young person is going out and I am worried", "Where they are going, who with, when they will be back."],
  ["vehicle", "A vehicle I am worried about", "A car that collects or drops off a young person, or waits nearby."],
  ["found", "A missing young person is back or has been found", "Where, who with, and how they were."],
  ["together", "Young people seen together at a place", "Who was there together, where and when: a park, a take-away, a flat."],
  ["approach", "Someone approached young people at a place", "An adult or an older young person approaching children: outside a take-away, at the school gate."],
  ["person", "Someone I am worried about", "A person seen with a young person: what they look like."],
];

// Why someone approached young people (schemas/events.py ApproachPurpose).
export const APPROACH_PURPOSES: [string, string][] = [
  ["unknown", "Not known"],
  ["drug_trafficking", "To sell, carry or hold drugs"],
  ["recruitment", "To recruit them (a gang, running errands)"],
  ["sexual", "Sexual"],
  ["other", "Something else"],
];

// The grading's questions: asked, never answered for the user (issue 18).
export const CHOOSE_HOW = "Choose how this was known";
export const CHOOSE_SOURCE = "Choose how reliable the source is";

export const CONCERNS: [string, string][] = [
  ["cse", "Sexual exploitation"],
  ["cce", "Criminal exploitation"],
  ["county_lines", "County lines (drug dealing across areas)"],
  ["trafficking", "Trafficking"],
  ["other", "Something else"],
];

// What a young person going out took with them (the checkboxes `leaving.<k>`).
export const CARRYING = ["luggage", "passport", "money"];
// How a found young person was (`found.condition.<c>`).
export const FOUND_CONDITIONS = ["well", "injured", "unkempt", "hungry", "under_the_influence", "distressed"];
// What a found young person had (`found.item.<k>`), with the label the form shows.
export const FOUND_ITEMS: [string, string][] = [
  ["cash", "Cash"],
  ["drugs", "Drugs"],
  ["phone", "A phone that is not theirs"],
  ["sim_card", "SIM cards"],
  ["weapon", "A weapon"],
  ["gift", "New gifts (clothes, trainers, jewellery)"],
];
// The child's identifiers and home, copied as typed (`child.<key>`).
export const CHILD_IDENTIFIERS = ["home_address", "home_local_authority", "nhs_number", "upn", "pnc_id", "pnd_id", "la_child_id"];
// Every "when" the form asks, set to now on a fresh form.
export const TIME_FIELDS = ["missing.at", "leaving.at", "found.at", "person.at", "car.at", "scene.at"];

/** Young people seen together, or approached, at a place: both ask where and when. */
export function onScene(kind: Kind): boolean {
  return kind === "together" || kind === "approach";
}

/** Which sections the form shows for a kind of report (`collected`: "They were collected in a
 * car" is ticked). */
export interface Layout {
  missing: boolean;
  leaving: boolean;
  found: boolean;
  person: boolean;
  /** The person section's "how they know the young person" and "when" rows. */
  personLink: boolean;
  personHeading: string;
  scene: boolean;
  approachDetail: boolean;
  car: boolean;
  collectedBox: boolean;
  carFields: boolean;
  gotIn: boolean;
  descriptionLabel: string;
}

export function layoutOf(kind: Kind, collected: boolean): Layout {
  const collectable = kind === "missing" || kind === "leaving";
  return {
    missing: kind === "missing",
    leaving: kind === "leaving",
    found: kind === "found",
    person: kind === "person" || kind === "approach",
    personLink: kind !== "approach",
    personHeading: kind === "approach" ? "Who approached them?" : "Who is the person?",
    scene: onScene(kind),
    approachDetail: kind === "approach",
    car: collectable || kind === "vehicle",
    collectedBox: collectable,
    carFields: !(collectable && !collected),
    gotIn: kind === "vehicle",
    descriptionLabel: kind === "missing" ? "Description and clothing" : "Description",
  };
}
