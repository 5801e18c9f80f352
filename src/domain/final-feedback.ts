// The facts final feedback states when a fixed report is closed (issue 14 §5): what was fixed, in which release
// and version, where the advisory is, how the reporter is credited, and where a bounty stands. Pure: the service
// gathers the facts (some from features that may not be wired yet, hence every field optional) and this writes
// the text, so a missing fact is left out rather than shown as "undefined".

import { type CreditChoice, creditLine } from "./credit.ts";

export interface FinalFeedbackFacts {
  reference: string;
  title: string;
  /** The release that shipped the fix, e.g. "libfoo 2.4.1", and its version when known. */
  release?: { name: string; version?: string | null } | null;
  advisoryUrl?: string | null;
  /** The reporter's credit choice; null when they made none (they are then not credited by name). */
  credit?: CreditChoice | null;
  /** A sentence on the bounty, e.g. "Offered: 500 EUR, awaiting your answer." */
  bountyState?: string | null;
}

const clean = (s: string | null | undefined) => (s ?? "").replace(/\s+/g, " ").trim();

/** The summary block appended to the team's final feedback on a fixed report, one fact per line. */
export function finalFeedbackSummary(facts: FinalFeedbackFacts): string {
  const lines = ["Summary of the resolution:", `- Fixed: ${clean(facts.title)} (${clean(facts.reference)})`];
  const release = facts.release ? clean(facts.release.name) : "";
  if (release) {
    const version = clean(facts.release?.version);
    lines.push(`- Release: ${release}${version && !release.includes(version) ? `, version ${version}` : ""}`);
  }
  const url = clean(facts.advisoryUrl);
  if (url) lines.push(`- Advisory: ${url}`);
  lines.push(
    facts.credit
      ? facts.credit.display === "anonymous"
        ? "- Credit: anonymous, as you chose; your name appears nowhere public."
        : `- Credit: ${creditLine(facts.credit)}${facts.credit.url ? ` <${clean(facts.credit.url)}>` : ""}`
      : "- Credit: none recorded; you are not named publicly.",
  );
  const bounty = clean(facts.bountyState);
  if (bounty) lines.push(`- Bounty: ${bounty}`);
  return lines.join("\n");
}

/** Why a rating is refused, or null: a whole number from 1 to 5. */
export function ratingProblem(value: unknown): string | null {
  const n = typeof value === "string" && /^\d$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 5) return "Choose a rating from 1 to 5.";
  return null;
}

export const FEEDBACK_COMMENT_MAX = 2000;
