// The purpose every audited read states: the page offers a sensible default, the officer can
// change it, and it is kept for the browser tab (sessionStorage), like the explorer's.

import { h } from "./dom";

export const MIN_PURPOSE = 5;

// The analyst's purpose, shared by the network explorer and the review of possible matches, so
// what they typed on one page carries over to the other (for the browser tab).
export const ANALYST_PURPOSE_KEY = "tessera.purpose";

export interface PurposeField {
  /** The label, hint, error and input, ready to place on the page. */
  element: HTMLElement;
  /** The purpose, or null (with the error shown) when it is too short. */
  value(): string | null;
  /** Call back when the officer changes it (and it is long enough). */
  onChange(callback: (purpose: string) => void): void;
}

export function purposeField(id: string, key: string, fallback: string): PurposeField {
  const input = h("input", { id, name: "purpose", autocomplete: "off", "aria-required": "true", maxlength: 500 });
  input.value = sessionStorage.getItem(key) || fallback;
  const error = h("p", { class: "field-error", id: `${id}-error` });
  const hint = h("p", { class: "hint", id: `${id}-hint` }, "Recorded in the audit log with your name and every child you see. Change it to say why you are looking now.");
  input.setAttribute("aria-describedby", `${id}-hint ${id}-error`);

  function value(): string | null {
    const v = input.value.trim();
    if (v.length < MIN_PURPOSE) {
      error.textContent = `Say why you are looking (at least ${MIN_PURPOSE} characters).`;
      input.setAttribute("aria-invalid", "true");
      return null;
    }
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    return v;
  }

  const element = h("div", { class: "field purpose" }, h("label", { for: id }, "Why are you looking?"), hint, error, input);
  return {
    element,
    value,
    onChange(callback) {
      input.addEventListener("change", () => {
        const v = value();
        if (v === null) return;
        sessionStorage.setItem(key, v);
        callback(v);
      });
    },
  };
}
