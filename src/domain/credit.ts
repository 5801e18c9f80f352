// How a researcher is credited, as they choose: by name, by handle, or anonymously; with an optional https link
// and affiliation; with co-finders for team credit; and whether to appear in the hall of fame. The team may add
// credits for other people in the roles CVE and OSV use. Anonymous means no name anywhere public: every public
// output (the advisory page, the hall of fame, the feed, OSV, CVE, CSAF) goes through publicCredits().

import { type AdvisoryCredit, CREDIT_ROLES, type CreditRole } from "./advisory-record.ts";

export const CREDIT_DISPLAYS = ["name", "handle", "anonymous"] as const;
export type CreditDisplay = (typeof CREDIT_DISPLAYS)[number];

export const CREDIT_LIMITS = { name: 200, url: 500, affiliation: 200, coFinders: 10, coFinder: 200 } as const;

export interface CreditChoice {
  display: CreditDisplay;
  name: string | null;
  handle: string | null;
  url: string | null;
  affiliation: string | null;
  coFinders: string[];
  hallOfFame: boolean;
}

/** A credit the team adds for someone else (an analyst, a tool, a sponsor…). */
export interface TeamCredit {
  name: string;
  role: CreditRole;
  url: string | null;
}

export type CreditProblems = Partial<
  Record<"display" | "name" | "handle" | "url" | "affiliation" | "coFinders", string>
>;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused in names.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

function textProblem(value: unknown, what: string, max: number, required: boolean): string | null {
  if (value === null || value === undefined || value === "") return required ? `Give ${what}.` : null;
  if (typeof value !== "string") return `${what[0]?.toUpperCase()}${what.slice(1)} must be text.`;
  if (value.trim() === "") return required ? `Give ${what}.` : null;
  if (value.length > max)
    return `${what[0]?.toUpperCase()}${what.slice(1)} is longer than ${max} characters.`;
  if (CONTROL.test(value))
    return `${what[0]?.toUpperCase()}${what.slice(1)} must not contain control or direction characters.`;
  return null;
}

/** Why a credit link is refused, or null: only an https URL with a host, no user name or password, within length. */
export function creditUrlProblem(value: unknown): string | null {
  if (value === null || value === undefined || value === "") return null;
  if (typeof value !== "string") return "The link must be an https URL.";
  if (value.length > CREDIT_LIMITS.url) return `The link is longer than ${CREDIT_LIMITS.url} characters.`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: spaces and control characters are refused.
  if (/[\s\u0000-\u001f\u007f]/u.test(value))
    return "The link must not contain spaces or control characters.";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "The link is not a URL; give an https address such as https://example.org/~ada.";
  }
  if (url.protocol !== "https:") return "The link must start with https:// (other schemes are refused).";
  if (url.username || url.password) return "The link must not contain a user name or password.";
  if (!url.hostname.includes(".") && url.hostname !== "localhost") return "The link needs a full host name.";
  return null;
}

/** Checks a choice field by field; a name or handle is required for the display that shows it. */
export function creditProblems(choice: CreditChoice): CreditProblems {
  const problems: CreditProblems = {};
  if (!(CREDIT_DISPLAYS as readonly string[]).includes(choice.display))
    problems.display = "Choose name, handle or anonymous.";
  const name = textProblem(choice.name, "a name", CREDIT_LIMITS.name, choice.display === "name");
  if (name) problems.name = name;
  const handle = textProblem(choice.handle, "a handle", CREDIT_LIMITS.name, choice.display === "handle");
  if (handle) problems.handle = handle;
  const url = creditUrlProblem(choice.url);
  if (url) problems.url = url;
  const affiliation = textProblem(choice.affiliation, "the affiliation", CREDIT_LIMITS.affiliation, false);
  if (affiliation) problems.affiliation = affiliation;
  if (!Array.isArray(choice.coFinders)) problems.coFinders = "Co-finders are a list of names or handles.";
  else if (choice.coFinders.length > CREDIT_LIMITS.coFinders)
    problems.coFinders = `At most ${CREDIT_LIMITS.coFinders} co-finders.`;
  else {
    const bad = choice.coFinders
      .map((c) => textProblem(c, "a co-finder's name", CREDIT_LIMITS.coFinder, true))
      .find(Boolean);
    if (bad) problems.coFinders = bad;
  }
  return problems;
}

/** The name a choice shows publicly, or null for anonymous. */
export function displayedName(choice: CreditChoice): string | null {
  if (choice.display === "name") return choice.name?.trim() || null;
  if (choice.display === "handle") return choice.handle?.trim() || null;
  return null;
}

/** How the credit reads in one line, e.g. "Ada Lovelace (Analytical Engines Ltd)", or "Anonymous". */
export function creditLine(choice: CreditChoice): string {
  const shown = displayedName(choice);
  if (!shown) return "Anonymous";
  const team = choice.coFinders.map((c) => c.trim()).filter(Boolean);
  const base = choice.affiliation?.trim() ? `${shown} (${choice.affiliation.trim()})` : shown;
  return team.length > 0 ? `${base}, with ${team.join(", ")}` : base;
}

/**
 * Every public credit of an advisory: the reporter as finder (with their link), their co-finders as finders, and
 * the team's credits. An anonymous reporter gives no entry at all, and neither do their co-finders' names leak
 * their identity by association: co-finders are credited only when the reporter is named.
 */
export function publicCredits(reporter: CreditChoice | null, team: readonly TeamCredit[]): AdvisoryCredit[] {
  const out: AdvisoryCredit[] = [];
  const shown = reporter ? displayedName(reporter) : null;
  if (reporter && shown) {
    const label = reporter.affiliation?.trim() ? `${shown} (${reporter.affiliation.trim()})` : shown;
    out.push({ name: label, role: "finder", ...(reporter.url ? { contact: [reporter.url] } : {}) });
    for (const c of reporter.coFinders.map((x) => x.trim()).filter(Boolean))
      out.push({ name: c, role: "finder" });
  }
  for (const t of team) {
    if (!t.name.trim() || !CREDIT_ROLES.includes(t.role)) continue;
    out.push({ name: t.name.trim(), role: t.role, ...(t.url ? { contact: [t.url] } : {}) });
  }
  return out;
}

/** Whether a reporter appears in the hall of fame: they opted in, are named, and the advisory is public. */
export function inHallOfFame(choice: CreditChoice, published: boolean): boolean {
  return published && choice.hallOfFame === true && displayedName(choice) !== null;
}
