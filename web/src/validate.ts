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

// Identifiers partners hold. The same checks as ingest (schemas/identifiers/), so a typing
// slip is caught here; ingest checks again.

// NHS number: 10 digits, the last a modulus-11 check digit.
export const nhsNumber: Check = (v) => {
  const digits = v.replace(/[\s-]/g, "");
  if (!digits) return null;
  if (!/^[0-9]{10}$/.test(digits)) return "An NHS number is 10 digits, like 999 000 0018";
  const sum = [...digits].reduce((total, d, i) => total + Number(d) * (10 - i), 0);
  return sum % 11 === 0 ? null : "This is not a valid NHS number: check each digit";
};

// Unique Pupil Number: a check letter, then 12 characters (the last may be a letter).
const UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ";
export const pupilNumber: Check = (v) => {
  const upn = v.replace(/\s/g, "").toUpperCase();
  if (!upn) return null;
  if (!/^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$/.test(upn)) {
    return "A Unique Pupil Number is a letter and 12 more characters, as on the school record";
  }
  const value = (c: string): number => (/[0-9]/.test(c) ? Number(c) : UPN_LETTERS.indexOf(c));
  const sum = [...upn.slice(1)].reduce((total, c, i) => total + value(c) * (i + 2), 0);
  return UPN_LETTERS[sum % 23] === upn[0] ? null : "This is not a valid Unique Pupil Number: check each character";
};

// PNC id: year (2 or 4 digits), /, a serial of up to 7 digits, and the check letter.
const PNC_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY";
export const pncId: Check = (v) => {
  const pnc = v.replace(/\s/g, "").toUpperCase();
  if (!pnc) return null;
  const m = /^([0-9]{2}|[0-9]{4})\/?([0-9]{1,7})([A-Z])$/.exec(pnc);
  if (!m) return "A PNC id is the year, /, up to 7 digits and a letter, like 2009/0123456C";
  const number = BigInt(`${m[1].slice(-2)}${m[2].padStart(7, "0")}`);
  return PNC_LETTERS[Number(number % 23n)] === m[3] ? null : "This is not a valid PNC id: check the letter and digits";
};

export const pndId: Check = (v) => {
  const pnd = v.replace(/\s/g, "");
  return !pnd || /^[A-Za-z0-9][A-Za-z0-9/-]{0,29}$/.test(pnd) ? null : "Use letters, numbers, / and - only (up to 30)";
};
