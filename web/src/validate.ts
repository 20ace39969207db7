// Checks run as the user types, mirroring what the ingest service accepts (it checks again).

export type Check = (value: string) => string | null;

export const required: Check = (v) => (v.trim() ? null : "Fill this in");

export function maxLength(n: number): Check {
  return (v) => (v.length > n ? `Use at most ${n} characters` : null);
}

export function minLength(n: number): Check {
  return (v) => (v.trim() && v.trim().length < n ? `Use at least ${n} characters` : null);
}

// A full UK postcode or only its district (ZZ99 1AA or ZZ99).
const POSTCODE = /^[A-Z]{1,2}[0-9][A-Z0-9]?( ?[0-9][A-Z]{2})?$/;
export const postcode: Check = (v) =>
  !v.trim() || POSTCODE.test(v.trim().toUpperCase())
    ? null
    : "Enter a UK postcode like ZZ99 1AA, or just its first part (ZZ99)";

// Registrations: letters and digits; ? for characters not seen.
export const registration: Check = (v) => {
  const mark = v.replace(/[\s-]/g, "").toUpperCase();
  if (!mark) return null;
  if (!/^[A-Z0-9?]{2,8}$/.test(mark)) {
    return "Use letters and numbers only (2 to 8), with ? for any you did not see";
  }
  return /[A-Z0-9]/.test(mark) ? null : "Give at least one letter or number you saw";
};

export const phone: Check = (v) =>
  !v.trim() || /^\+?[0-9][0-9 ()-]{6,19}$/.test(v.trim())
    ? null
    : "Enter a phone number, like 07700 900123";

export const notFuture: Check = (v) => {
  if (!v) return null;
  const at = new Date(v);
  if (Number.isNaN(at.getTime())) return "Enter a date and time";
  if (at.getTime() > Date.now() + 5 * 60_000) return "This is in the future";
  if (at.getFullYear() < 1900) return "Check the year";
  return null;
};

export const pastDate: Check = (v) => {
  if (!v) return null;
  const at = new Date(`${v}T00:00:00`);
  if (Number.isNaN(at.getTime())) return "Enter a date";
  if (at.getTime() > Date.now()) return "This is in the future";
  if (at.getFullYear() < 1900) return "Check the year";
  return null;
};

export const shoulderNumber: Check = (v) =>
  !v.trim() || /^[A-Za-z0-9 /-]{1,20}$/.test(v.trim())
    ? null
    : "A shoulder number is letters and numbers, up to 20";

export function age(v: string): string | null {
  if (!v.trim()) return null;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 && n <= 120 ? null : "Enter an age in years, 0 to 120";
}
