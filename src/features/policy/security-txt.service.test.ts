import { describe, expect, it } from "vitest";
import { buildSecurityTxt, rfc3339Seconds, SECURITY_TXT_VALIDITY_DAYS } from "./security-txt.service.ts";

// RFC 9116 section 4 grammar, one rule per field kind.
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/;
const DATE_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const LANG_TAG = "[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*";
const LANG_VALUES = new RegExp(`^${LANG_TAG}(?:[ \\t]*,[ \\t]*${LANG_TAG})*$`);
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/; // RFC 5322 ftext: printable US-ASCII except ":"
const URI_FIELDS = new Set(["Acknowledgments", "Canonical", "Contact", "Encryption", "Hiring", "Policy"]);

/** Checks one line against the RFC's `line` production; returns the problem or null. */
function lineProblem(line: string): string | null {
  if (/\r/.test(line.slice(0, -1))) return "stray CR";
  const text = line.replace(/[ \t]*\r?$/, "");
  if (text === "") return null;
  if (text.startsWith("#")) return /^#[\t\x20-\x7e\u0080-\u{fffff}]*$/u.test(text) ? null : "bad comment";
  const match = /^([^:]+): (.*)$/.exec(text);
  if (!match) return "not a field";
  const [, name, value] = match as unknown as [string, string, string];
  if (!FIELD_NAME.test(name)) return `bad field name ${name}`;
  if (URI_FIELDS.has(name)) {
    if (!URI.test(value)) return `${name} is not a URI`;
    try {
      new URL(value);
    } catch {
      return `${name} is not a URI`;
    }
    return null;
  }
  if (name === "Expires") return DATE_TIME.test(value) ? null : "Expires is not an RFC 3339 date-time";
  if (name === "Preferred-Languages") return LANG_VALUES.test(value) ? null : "bad language list";
  return /^[\t\x20-\x7e\u0080-\u{fffff}]*$/u.test(value) ? null : "bad unstructured value";
}

/** The whole file: every line valid, one Expires, at least one Contact, at most one Preferred-Languages. */
function fileProblems(body: string): string[] {
  const problems: string[] = [];
  if (!body.endsWith("\n")) problems.push("no final newline");
  const lines = body.split("\n").slice(0, -1);
  for (const [i, line] of lines.entries()) {
    const problem = lineProblem(line);
    if (problem) problems.push(`line ${i + 1}: ${problem}`);
  }
  const count = (name: string) => lines.filter((l) => l.startsWith(`${name}: `)).length;
  if (count("Expires") !== 1) problems.push("Expires must appear exactly once");
  if (count("Contact") < 1) problems.push("Contact is required");
  if (count("Preferred-Languages") > 1) problems.push("Preferred-Languages at most once");
  if (count("Canonical") > 1) problems.push("one Canonical is enough here");
  return problems;
}

const fields = (body: string, name: string) =>
  body
    .split("\n")
    .filter((l) => l.startsWith(`${name}: `))
    .map((l) => l.slice(name.length + 2));

/** RFC 9116 section 2.6's unsigned example, verbatim. */
const RFC_EXAMPLE = `# Our security address
Contact: mailto:security@example.com

# Our OpenPGP key
Encryption: https://example.com/pgp-key.txt

# Our security policy
Policy: https://example.com/security-policy.html

# Our security acknowledgments page
Acknowledgments: https://example.com/hall-of-fame.html

Expires: 2021-12-31T18:37:07z
`;

const now = new Date("2026-03-02T09:15:42.123Z");

describe("the security.txt checker used below", () => {
  it("accepts the RFC's own example and rejects broken lines", () => {
    expect(fileProblems(RFC_EXAMPLE)).toEqual([]);
    expect(lineProblem("Expires: tomorrow")).toMatch(/Expires/);
    expect(lineProblem("Contact: security at example dot com")).toMatch(/URI/);
    expect(lineProblem("Preferred-Languages: en;de")).toMatch(/language/);
    expect(lineProblem("Contact:mailto:x@example.com")).toMatch(/not a field/);
  });
});

describe("buildSecurityTxt", () => {
  it("lists the form, the mailbox, the policy, the acknowledgments page and the canonical URL", () => {
    const body = buildSecurityTxt({
      publicUrl: "https://sec.example.org",
      securityEmail: "security@example.org",
      preferredLanguages: "en, de",
      now,
    });
    expect(fields(body, "Contact")).toEqual([
      "https://sec.example.org/report",
      "mailto:security@example.org",
    ]);
    expect(fields(body, "Policy")).toEqual(["https://sec.example.org/"]);
    expect(fields(body, "Acknowledgments")).toEqual(["https://sec.example.org/hall-of-fame"]);
    expect(fields(body, "Canonical")).toEqual(["https://sec.example.org/.well-known/security.txt"]);
    expect(fields(body, "CSAF")).toEqual(["https://sec.example.org/.well-known/csaf/provider-metadata.json"]);
    expect(body).toContain("# Security advisories: https://sec.example.org/advisories");
    expect(fields(body, "Preferred-Languages")).toEqual(["en, de"]);
    expect(fileProblems(body)).toEqual([]);
  });

  it("leaves out mailto: and Preferred-Languages when they are not configured", () => {
    const body = buildSecurityTxt({
      publicUrl: "http://embargo.test",
      securityEmail: "",
      preferredLanguages: "",
      now,
    });
    expect(fields(body, "Contact")).toEqual(["http://embargo.test/report"]);
    expect(body).not.toContain("mailto:");
    expect(body).not.toContain("Preferred-Languages");
    expect(fileProblems(body)).toEqual([]);
  });

  it("expires 180 days after now, with whole seconds and Z, always within the year RFC 9116 allows", () => {
    const body = buildSecurityTxt({
      publicUrl: "http://embargo.test",
      securityEmail: "",
      preferredLanguages: "en",
      now,
    });
    const [expires] = fields(body, "Expires");
    expect(expires).toBe("2026-08-29T09:15:42Z");
    expect(expires).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const at = new Date(expires!).getTime();
    const oneYear = new Date(now);
    oneYear.setUTCFullYear(oneYear.getUTCFullYear() + 1);
    expect(at).toBeGreaterThan(now.getTime());
    expect(at).toBeLessThan(oneYear.getTime());
    expect(SECURITY_TXT_VALIDITY_DAYS).toBeLessThan(365);
  });

  it("does not double the slash when the public URL ends with one, and tidies language spacing", () => {
    const body = buildSecurityTxt({
      publicUrl: "https://sec.example.org/",
      securityEmail: "",
      preferredLanguages: " en ,fr-CA,  de ",
      now,
    });
    expect(fields(body, "Contact")).toEqual(["https://sec.example.org/report"]);
    expect(fields(body, "Preferred-Languages")).toEqual(["en, fr-CA, de"]);
    expect(fileProblems(body)).toEqual([]);
  });

  it("names the OpenPGP key URL in Encryption when one is given", () => {
    const body = buildSecurityTxt({
      publicUrl: "https://sec.example.org",
      securityEmail: "",
      preferredLanguages: "en",
      encryptionUrl: "https://sec.example.org/keys/intake.asc",
      now,
    });
    expect(fields(body, "Encryption")).toEqual(["https://sec.example.org/keys/intake.asc"]);
    expect(fileProblems(body)).toEqual([]);
    const without = buildSecurityTxt({
      publicUrl: "https://sec.example.org",
      securityEmail: "",
      preferredLanguages: "",
      now,
    });
    expect(without).not.toContain("Encryption");
  });

  it("formats dates as RFC 3339 without fractional seconds", () => {
    expect(rfc3339Seconds(new Date("2030-01-01T00:00:00.999Z"))).toBe("2030-01-01T00:00:00Z");
  });
});
