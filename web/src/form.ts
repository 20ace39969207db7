// Labelled fields that validate as the user types, and a form that saves and restores drafts.

import { Check } from "./validate";
import { Child, h, uid } from "./dom";

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

export interface FieldOptions {
  name: string;
  label: string;
  hint?: string;
  type?: string;
  checks?: Check[];
  required?: boolean;
  autocomplete?: string;
  inputmode?: string;
  options?: [string, string][];
  rows?: number;
  value?: string;
}

interface Field {
  name: string;
  control: Control;
  error: HTMLElement;
  checks: Check[];
  touched: boolean;
}

/** A radio group that must be answered: no option is chosen for the user. */
interface Choice {
  legend: string;
  fieldset: HTMLFieldSetElement;
  error: HTMLElement;
  message: string;
}

/** A set of fields: values, checks, and a draft in localStorage. */
export class Form {
  readonly fields = new Map<string, Field>();
  private readonly boxes = new Map<string, HTMLInputElement>();
  private readonly radios = new Map<string, HTMLInputElement[]>();
  private readonly choices = new Map<string, Choice>();
  onChange: () => void = () => undefined;

  /** A labelled input, select or textarea with its hint and error message. */
  field(o: FieldOptions): HTMLElement {
    const id = uid(o.name.replace(/\W/g, "-"));
    const hintId = o.hint ? `${id}-hint` : undefined;
    const errorId = `${id}-error`;
    const describedBy = [hintId, errorId].filter(Boolean).join(" ");
    let control: Control;
    if (o.options) {
      control = h(
        "select",
        { id, name: o.name, "aria-describedby": describedBy },
        ...o.options.map(([value, label]) => h("option", { value }, label)),
      );
    } else if (o.rows) {
      control = h("textarea", { id, name: o.name, rows: o.rows, "aria-describedby": describedBy });
    } else {
      control = h("input", {
        id,
        name: o.name,
        type: o.type ?? "text",
        autocomplete: o.autocomplete ?? "off",
        inputmode: o.inputmode,
        "aria-describedby": describedBy,
      });
    }
    if (o.required) control.setAttribute("aria-required", "true");
    if (o.value !== undefined) control.value = o.value;
    const error = h("p", { class: "field-error", id: errorId });
    const field: Field = {
      name: o.name,
      control,
      error,
      checks: [...(o.required ? [requiredCheck] : []), ...(o.checks ?? [])],
      touched: false,
    };
    this.fields.set(o.name, field);
    control.addEventListener("input", () => {
      this.check(field, field.touched);
      this.onChange();
    });
    control.addEventListener("change", () => this.onChange());
    control.addEventListener("blur", () => {
      field.touched = true;
      this.check(field, true);
    });
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, o.label, o.required ? h("span", { class: "req" }, " (required)") : null),
      o.hint ? h("p", { class: "hint", id: hintId }, o.hint) : null,
      error,
      control,
    );
  }

  /** A checkbox with its label. */
  checkbox(name: string, label: string, hint?: string): HTMLElement {
    const id = uid(name.replace(/\W/g, "-"));
    const box = h("input", { type: "checkbox", id, name });
    box.addEventListener("change", () => this.onChange());
    this.boxes.set(name, box);
    return h(
      "div",
      { class: "check" },
      box,
      h("label", { for: id }, label),
      hint ? h("p", { class: "hint" }, hint) : null,
    );
  }

  /** A group of radio buttons under a legend; with `required` (the message when none is
   * chosen) the user must choose one, and none is chosen for them. */
  radioGroup(name: string, legend: string, options: [string, string, string?][], value?: string, required?: string): HTMLElement {
    const inputs: HTMLInputElement[] = [];
    const items = options.map(([v, label, hint]) => {
      const id = uid(name);
      const input = h("input", { type: "radio", id, name, value: v });
      if (v === value) input.checked = true;
      input.addEventListener("change", () => {
        const choice = this.choices.get(name);
        if (choice) this.showChoice(choice, "");
        this.onChange();
      });
      inputs.push(input);
      return h(
        "div",
        { class: "check" },
        input,
        h("label", { for: id }, label),
        hint ? h("p", { class: "hint" }, hint) : null,
      );
    });
    this.radios.set(name, inputs);
    if (!required) return h("fieldset", { class: "radios" }, h("legend", {}, legend), ...items);
    const error = h("p", { class: "field-error", id: uid(`${name.replace(/\W/g, "-")}-error`) });
    const fieldset = h(
      "fieldset",
      { class: "radios", "aria-describedby": error.id },
      h("legend", {}, legend, h("span", { class: "req" }, " (required)")),
      error,
      ...items,
    );
    this.choices.set(name, { legend, fieldset, error, message: required });
    return fieldset;
  }

  private showChoice(choice: Choice, message: string): void {
    choice.error.textContent = message;
    if (message) choice.fieldset.setAttribute("aria-invalid", "true");
    else choice.fieldset.removeAttribute("aria-invalid");
  }

  value(name: string): string {
    const field = this.fields.get(name);
    if (field) return field.control.value.trim();
    const chosen = this.radios.get(name)?.find((r) => r.checked);
    return chosen ? chosen.value : "";
  }

  set(name: string, value: string): void {
    const field = this.fields.get(name);
    if (field) {
      field.control.value = value;
      this.check(field, false);
      return;
    }
    this.radios.get(name)?.forEach((r) => (r.checked = r.value === value));
  }

  checked(name: string): boolean {
    return this.boxes.get(name)?.checked ?? false;
  }

  tick(name: string, on: boolean): void {
    const box = this.boxes.get(name);
    if (box) box.checked = on;
  }

  /** Check one field again (another field it depends on changed). */
  recheck(name: string, loud: boolean): void {
    const field = this.fields.get(name);
    if (field) this.check(field, loud);
  }

  /** Show or clear a field's message; `loud` also shows "fill this in". */
  check(field: Field, loud: boolean): boolean {
    const value = field.control.value;
    let message: string | null = null;
    for (const check of field.checks) {
      message = check(value);
      if (message) break;
    }
    const quietRequired = message === REQUIRED && !loud;
    const shown = message && !quietRequired ? message : "";
    field.error.textContent = shown;
    if (shown) field.control.setAttribute("aria-invalid", "true");
    else field.control.removeAttribute("aria-invalid");
    return message === null;
  }

  /** Every visible field, then every visible required choice, checked loudly; the ones that
   * fail (the report form's choices come after its fields, so in page order there). */
  validate(): { name: string; label: string; message: string; control: Control }[] {
    const failed = [];
    for (const field of this.fields.values()) {
      if (field.control.closest("[hidden]")) {
        field.error.textContent = "";
        field.control.removeAttribute("aria-invalid");
        continue;
      }
      field.touched = true;
      if (!this.check(field, true)) {
        const label = document.querySelector(`label[for="${field.control.id}"]`);
        failed.push({
          name: field.name,
          label: (label?.firstChild?.textContent ?? field.name).trim(),
          message: field.error.textContent ?? "",
          control: field.control,
        });
      }
    }
    for (const [name, choice] of this.choices) {
      if (choice.fieldset.closest("[hidden]") || this.value(name)) {
        this.showChoice(choice, "");
        continue;
      }
      this.showChoice(choice, choice.message);
      const first = this.radios.get(name)?.[0];
      if (first) failed.push({ name, label: choice.legend, message: choice.message, control: first as Control });
    }
    return failed;
  }

  /** Show a message the server gave for a field. */
  serverError(name: string, message: string): boolean {
    const choice = this.choices.get(name);
    if (choice) {
      this.showChoice(choice, message);
      return true;
    }
    const field = this.fields.get(name);
    if (!field) return false;
    field.error.textContent = message;
    field.control.setAttribute("aria-invalid", "true");
    return true;
  }

  snapshot(): Record<string, string | boolean> {
    const out: Record<string, string | boolean> = {};
    for (const [name, field] of this.fields) out[name] = field.control.value;
    for (const [name, box] of this.boxes) out[name] = box.checked;
    for (const name of this.radios.keys()) out[name] = this.value(name);
    return out;
  }

  restore(snapshot: Record<string, string | boolean>): void {
    for (const [name, value] of Object.entries(snapshot)) {
      if (typeof value === "boolean") this.tick(name, value);
      else this.set(name, value);
    }
  }

  clear(): void {
    for (const field of this.fields.values()) {
      field.control.value = field.control instanceof HTMLSelectElement ? field.control.options[0]?.value ?? "" : "";
      field.touched = false;
      this.check(field, false);
    }
    for (const box of this.boxes.values()) box.checked = false;
  }
}

const REQUIRED = "Fill this in";
const requiredCheck: Check = (v) => (v.trim() ? null : REQUIRED);

/** A section with a heading, for "who", "what", "where" and "why". */
export function section(title: string, intro: string | null, ...children: Child[]): HTMLElement {
  const id = uid("section");
  return h(
    "section",
    { class: "form-section", "aria-labelledby": id },
    h("h2", { id }, title),
    intro ? h("p", { class: "intro" }, intro) : null,
    ...children,
  );
}
