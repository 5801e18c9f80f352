// Bounties: the team's policy (a currency and an amount range per severity, and what earns no bounty), and an
// award's path: proposed by an admin, approved by a second admin, offered to the reporter, who accepts, declines
// or donates it to a charity they name, then paid. Amounts are whole minor units (cents) so no float rounds them.
// Pure: the service loads the facts and writes each step with its audit event.

import type { Severity } from "./workflow-states.ts";

export const BOUNTY_SEVERITIES = ["critical", "high", "medium", "low"] as const satisfies readonly Severity[];
export type BountySeverity = (typeof BOUNTY_SEVERITIES)[number];

export interface BountyRange {
  min: number;
  max: number;
}

export interface BountyPolicy {
  /** ISO 4217 code, e.g. EUR. */
  currency: string;
  /** Ranges in minor units; a severity without a range earns no bounty. */
  ranges: Partial<Record<BountySeverity, BountyRange>>;
  /** What earns no bounty, in words for the policy page. */
  noBountyScope: string | null;
}

/** The largest amount accepted: 10 million in major units. */
export const MAX_BOUNTY_MINOR = 1_000_000_000;
export const MAX_BOUNTY_TEXT = 5000;

export type PolicyProblems = Partial<Record<"currency" | BountySeverity | "noBountyScope", string>>;

function isMinor(n: unknown): n is number {
  return typeof n === "number" && Number.isSafeInteger(n) && n >= 0 && n <= MAX_BOUNTY_MINOR;
}

export function policyProblems(policy: BountyPolicy): PolicyProblems {
  const problems: PolicyProblems = {};
  if (typeof policy.currency !== "string" || !/^[A-Z]{3}$/.test(policy.currency))
    problems.currency = "Give the currency as a three-letter ISO 4217 code, e.g. EUR or USD.";
  for (const severity of BOUNTY_SEVERITIES) {
    const range = policy.ranges?.[severity];
    if (range === undefined) continue;
    if (!isMinor(range.min) || !isMinor(range.max))
      problems[severity] = "Amounts are whole numbers from 0 to 10,000,000.";
    else if (range.min > range.max) problems[severity] = "The lowest amount is above the highest.";
  }
  const order = BOUNTY_SEVERITIES.map((s) => policy.ranges?.[s]).filter(
    (r): r is BountyRange => !!r && isMinor(r.min) && isMinor(r.max),
  );
  for (let i = 1; i < order.length; i++) {
    const higher = order[i - 1] as BountyRange;
    const lower = order[i] as BountyRange;
    if (lower.min > higher.max) {
      const severity = BOUNTY_SEVERITIES.filter((s) => policy.ranges?.[s])[i] as BountySeverity;
      problems[severity] ??= "A less severe finding would earn more than a more severe one.";
    }
  }
  if (
    policy.noBountyScope !== null &&
    (typeof policy.noBountyScope !== "string" || policy.noBountyScope.length > MAX_BOUNTY_TEXT)
  )
    problems.noBountyScope = `Describe the scope in at most ${MAX_BOUNTY_TEXT} characters.`;
  return problems;
}

/** A minor-unit amount in words for a page: "EUR 1,500.00". */
export function formatAmount(minor: number, currency: string): string {
  const major = Math.trunc(minor / 100).toLocaleString("en-US");
  return `${currency} ${major}.${String(minor % 100).padStart(2, "0")}`;
}

/** The default award for a severity (the range's lower end), or null when the severity earns no bounty. */
export function defaultAward(policy: BountyPolicy | null, severity: Severity | null): number | null {
  if (!policy || !severity || !(BOUNTY_SEVERITIES as readonly string[]).includes(severity)) return null;
  return policy.ranges[severity as BountySeverity]?.min ?? null;
}

/** Why a proposed amount cannot stand as it is: outside the policy's range needs a reason. */
export function proposalProblem(
  policy: BountyPolicy | null,
  severity: Severity | null,
  proposal: { amount: unknown; currency: unknown; reason?: string | null },
): { field: "amount" | "currency" | "reason"; message: string } | null {
  if (!isMinor(proposal.amount) || proposal.amount === 0)
    return { field: "amount", message: "Give the amount as a whole number of cents above 0." };
  if (typeof proposal.currency !== "string" || !/^[A-Z]{3}$/.test(proposal.currency))
    return { field: "currency", message: "Give a three-letter currency code." };
  const reasoned = typeof proposal.reason === "string" && proposal.reason.trim() !== "";
  if (policy && proposal.currency !== policy.currency && !reasoned)
    return {
      field: "reason",
      message: `The policy pays in ${policy.currency}; say why this award is in ${proposal.currency}.`,
    };
  const range = policy && severity ? policy.ranges[severity as BountySeverity] : undefined;
  if (!range && !reasoned)
    return {
      field: "reason",
      message: "The policy sets no bounty for this severity; say why this report earns one.",
    };
  if (range && (proposal.amount < range.min || proposal.amount > range.max) && !reasoned)
    return {
      field: "reason",
      message: `The policy's range for ${severity} is ${formatAmount(range.min, policy?.currency ?? "")} to ${formatAmount(range.max, policy?.currency ?? "")}; say why this amount is outside it.`,
    };
  return null;
}

export const AWARD_STATES = [
  "proposed",
  "approved",
  "offered",
  "accepted",
  "declined",
  "donated",
  "paid",
  "cancelled",
] as const;
export type AwardState = (typeof AWARD_STATES)[number];
export const AWARD_ACTIONS = [
  "approve",
  "offer",
  "accept",
  "decline",
  "donate",
  "mark_paid",
  "cancel",
] as const;
export type AwardAction = (typeof AWARD_ACTIONS)[number];

const AWARD_RULES: Record<
  AwardAction,
  { by: "admin" | "reporter"; from: readonly AwardState[]; to: AwardState }
> = {
  approve: { by: "admin", from: ["proposed"], to: "approved" },
  offer: { by: "admin", from: ["approved"], to: "offered" },
  accept: { by: "reporter", from: ["offered"], to: "accepted" },
  decline: { by: "reporter", from: ["offered"], to: "declined" },
  donate: { by: "reporter", from: ["offered"], to: "donated" },
  mark_paid: { by: "admin", from: ["accepted", "donated"], to: "paid" },
  cancel: { by: "admin", from: ["proposed", "approved", "offered"], to: "cancelled" },
};

export interface AwardFacts {
  state: AwardState;
  proposedBy: string;
  /** Whether the reporter has given payout details (needed to pay an accepted award). */
  hasPayoutDetails: boolean;
}

export type AwardDecision =
  | { ok: true; to: AwardState }
  | { ok: false; code: "invalid_transition" | "guard_failed"; field?: string; message: string };

/** Whether an award may take a step, by whom. */
export function decideAward(
  facts: AwardFacts,
  step: {
    action: AwardAction;
    by: "admin" | "reporter";
    actorId: string;
    reference?: string | null;
    reason?: string | null;
    charity?: string | null;
  },
): AwardDecision {
  const rule = Object.hasOwn(AWARD_RULES, step.action) ? AWARD_RULES[step.action] : undefined;
  if (!rule)
    return {
      ok: false,
      code: "invalid_transition",
      message: `Unknown action; use one of ${AWARD_ACTIONS.join(", ")}.`,
    };
  if (rule.by !== step.by)
    return {
      ok: false,
      code: "invalid_transition",
      message: rule.by === "admin" ? "Only an admin may do that." : "Only the reporter may answer the offer.",
    };
  if (!rule.from.includes(facts.state))
    return {
      ok: false,
      code: "invalid_transition",
      message: `The award is ${facts.state}; ${step.action.replace("_", " ")} needs it ${rule.from.join(" or ")}.`,
    };
  const text = (v: unknown) => typeof v === "string" && v.trim() !== "" && v.length <= MAX_BOUNTY_TEXT;
  switch (step.action) {
    case "approve":
      if (step.actorId === facts.proposedBy)
        return {
          ok: false,
          code: "guard_failed",
          message: "You proposed this award, so a second admin must approve it.",
        };
      break;
    case "donate":
      if (!text(step.charity))
        return {
          ok: false,
          code: "guard_failed",
          field: "charity",
          message: "Name the charity the bounty should go to.",
        };
      break;
    case "mark_paid":
      if (!text(step.reference))
        return {
          ok: false,
          code: "guard_failed",
          field: "reference",
          message: "Record the payment's transaction id or reference.",
        };
      if (facts.state === "accepted" && !facts.hasPayoutDetails)
        return { ok: false, code: "guard_failed", message: "The reporter has not given payout details yet." };
      break;
    case "cancel":
      if (!text(step.reason))
        return {
          ok: false,
          code: "guard_failed",
          field: "reason",
          message: "Say why the award is cancelled; the reporter is told if it was offered.",
        };
      break;
    default:
      break;
  }
  return { ok: true, to: rule.to };
}

/** The bounty's line in the final feedback to the reporter, from the award they were offered. */
export function bountyFeedbackLine(a: {
  state: AwardState;
  amount: number;
  currency: string;
  paidOn?: string | null;
  charity?: string | null;
}): string {
  const amount = formatAmount(a.amount, a.currency);
  switch (a.state) {
    case "paid":
      return `Bounty: ${amount}, paid${a.paidOn ? ` on ${a.paidOn}` : ""}.`;
    case "donated":
      return `Bounty: ${amount}, donated${a.charity ? ` to ${a.charity}` : ""} as you asked.`;
    case "declined":
      return `Bounty: ${amount} was offered; you declined it.`;
    case "accepted":
      return `Bounty: ${amount}, accepted; the payment follows.`;
    default:
      return `Bounty: ${amount} is offered; answer it on your tracking page.`;
  }
}
