// The report form's checks that span fields, and where a message from the server belongs: no DOM.

import type { FieldError } from "../api";
import { Kind } from "./kinds";
import { FormState, Json, otherYoungPeople } from "./payload";

/** A problem with the form as a whole, shown on `name` (the field to fix) and in the summary. */
export interface Problem {
  name: string;
  label: string;
  message: string;
}

/** What one field's checks cannot see: a vehicle described somehow, someone else seen, the person
 * named or described. `carShown`: the vehicle's fields are on the page. */
export function formProblems(kind: Kind, form: FormState, carShown: boolean): Problem[] {
  const problems: Problem[] = [];
  if (carShown && !["car.vrm", "car.make", "car.colour", "car.people"].some((n) => form.value(n))) {
    problems.push({ name: "car.vrm", label: "Registration", message: "Give the registration, or describe the vehicle" });
  }
  if (kind === "together" && !otherYoungPeople(form).length) {
    const message = "Name or describe at least one other young person seen with them";
    problems.push({ name: "others.names", label: "Other young people there", message });
  }
  if ((kind === "person" || kind === "approach") && !["person.name", "person.nickname", "person.description"].some((n) => form.value(n))) {
    problems.push({ name: "person.description", label: "What they look like", message: "Give a name, a nickname or a description" });
  }
  return problems;
}

/** The "leaving" section's check on when they said they would be back. */
export function backAfterLeaving(back: string, left: string): string | null {
  return back && left && new Date(back).getTime() <= new Date(left).getTime() ? "This is before they left" : null;
}

/** Where a field error the server gave belongs: the form field that gave the value (when one
 * did), and its place in the body in words for the summary otherwise. */
export function fieldOfError(error: FieldError, reports: readonly unknown[], paths: Map<string, string>): { name: string | undefined; where: string } {
  const loc = error.loc.filter((p) => p !== "body" && p !== "reports");
  const [index, ...rest] = loc;
  const type = ((reports[Number(index)] as Json | undefined)?.event as Json | undefined)?.type;
  const key = [index, ...rest.filter((p) => p !== type)].join(".");
  const grading: Record<string, string> = { source: "grading.source", intelligence: "grading.how" };
  let name: string | undefined = rest[0] === "grading" ? grading[String(rest[1])] : undefined;
  for (let cut = key.split(".").length; cut > 1 && !name; cut--) {
    name = paths.get(key.split(".").slice(0, cut).join("."));
  }
  return { name, where: rest.join(" › ") };
}
