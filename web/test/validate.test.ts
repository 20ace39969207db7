// The checks run as the user types: the same rules ingest applies (schemas/identifiers/).

import { describe, expect, it } from "vitest";
import * as v from "../src/validate";

describe("identifiers", () => {
  it("checks an NHS number's modulus-11 digit", () => {
    expect(v.nhsNumber("999 000 0018")).toBeNull();
    expect(v.nhsNumber("999 000 0019")).toBe("This is not a valid NHS number: check each digit");
    expect(v.nhsNumber("12345")).toBe("An NHS number is 10 digits, like 999 000 0018");
    expect(v.nhsNumber("")).toBeNull();
  });

  it("checks a Unique Pupil Number's check letter", () => {
    // The check letter of A + 12 characters is the weighted sum mod 23: build a valid one.
    const letters = "ABCDEFGHJKLMNPQRTUVWXYZ";
    const body = "801200001001";
    const sum = [...body].reduce((t, c, i) => t + Number(c) * (i + 2), 0);
    const upn = `${letters[sum % 23]}${body}`;
    expect(v.pupilNumber(upn)).toBeNull();
    expect(v.pupilNumber(upn.toLowerCase())).toBeNull();
    const wrong = `${letters[(sum + 1) % 23]}${body}`;
    expect(v.pupilNumber(wrong)).toBe("This is not a valid Unique Pupil Number: check each character");
    expect(v.pupilNumber("I01234567890A")).toMatch(/^A Unique Pupil Number is a letter/);
  });

  it("checks a PNC id's check letter, with a 2 or 4 digit year", () => {
    expect(v.pncId("2009/0123456C")).toBe(v.pncId("09/0123456C"));
    const letters = "ZABCDEFGHJKLMNPQRTUVWXY";
    const letter = letters[Number(BigInt("090123456") % 23n)];
    expect(v.pncId(`2009/0123456${letter}`)).toBeNull();
    const other = letters[(letters.indexOf(letter) + 1) % 23];
    expect(v.pncId(`2009/0123456${other}`)).toBe("This is not a valid PNC id: check the letter and digits");
    expect(v.pncId("not a pnc")).toMatch(/^A PNC id is the year/);
  });

  it("accepts PND ids of letters, numbers, / and -", () => {
    expect(v.pndId("AB/12-3")).toBeNull();
    expect(v.pndId("AB_12")).toBe("Use letters, numbers, / and - only (up to 30)");
  });
});

describe("places, vehicles and phones", () => {
  it("takes a full postcode or its district, in any case", () => {
    for (const ok of ["ZZ99 1AA", "zz991aa", "ZZ99", "M1 1AE", ""]) expect(v.postcode(ok)).toBeNull();
    expect(v.postcode("99ZZ")).toMatch(/^Enter a UK postcode/);
  });

  it("takes registrations with ? for what was not seen, but not only ?", () => {
    expect(v.registration("AB12 C?D")).toBeNull();
    expect(v.registration("ab-12")).toBeNull();
    expect(v.registration("????")).toBe("Give at least one letter or number you saw");
    expect(v.registration("AB12CDEFG")).toMatch(/^Use letters and numbers only/);
  });

  it("takes UK-style phone numbers and shoulder numbers", () => {
    expect(v.phone("07700 900123")).toBeNull();
    expect(v.phone("+44 (0)7700-900123")).toBeNull();
    expect(v.phone("call me")).toBe("Enter a phone number, like 07700 900123");
    expect(v.shoulderNumber("PC 1234/B")).toBeNull();
    expect(v.shoulderNumber("#1")).toBe("A shoulder number is letters and numbers, up to 20");
  });
});

describe("lengths, ages and times", () => {
  it("counts lengths and ages", () => {
    expect(v.required("  ")).toBe("Fill this in");
    expect(v.maxLength(3)("abcd")).toBe("Use at most 3 characters");
    expect(v.minLength(3)("ab")).toBe("Use at least 3 characters");
    expect(v.minLength(3)("  ")).toBeNull();
    expect(v.age("14")).toBeNull();
    expect(v.age("14.5")).toBe("Enter an age in years, 0 to 120");
    expect(v.age("121")).toBe("Enter an age in years, 0 to 120");
  });

  it("refuses times in the future and implausible years", () => {
    const later = new Date(Date.now() + 60 * 60_000);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    expect(v.notFuture(local(new Date()))).toBeNull();
    expect(v.notFuture(local(later))).toBe("This is in the future");
    expect(v.notFuture("1800-01-01T10:00")).toBe("Check the year");
    expect(v.pastDate("2010-05-01")).toBeNull();
    expect(v.pastDate("1899-12-31")).toBe("Check the year");
    expect(v.pastDate(`${new Date().getFullYear() + 1}-01-01`)).toBe("This is in the future");
  });
});
