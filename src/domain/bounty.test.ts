import { describe, expect, it } from "vitest";
import {
  AWARD_ACTIONS,
  AWARD_STATES,
  type AwardAction,
  type AwardState,
  type BountyPolicy,
  bountyFeedbackLine,
  decideAward,
  defaultAward,
  formatAmount,
  policyProblems,
  proposalProblem,
} from "./bounty.ts";

const POLICY: BountyPolicy = {
  currency: "EUR",
  ranges: {
    critical: { min: 300_000, max: 1_000_000 },
    high: { min: 100_000, max: 300_000 },
    medium: { min: 25_000, max: 100_000 },
    low: { min: 5_000, max: 25_000 },
  },
  noBountyScope: "Findings in third-party services we do not run.",
};

describe("the bounty policy", () => {
  it("accepts a sensible policy and one that pays only some severities", () => {
    expect(policyProblems(POLICY)).toEqual({});
    expect(
      policyProblems({ currency: "USD", ranges: { critical: { min: 0, max: 500 } }, noBountyScope: null }),
    ).toEqual({});
  });

  it("names each problem", () => {
    expect(policyProblems({ ...POLICY, currency: "euro" })).toMatchObject({
      currency: expect.stringContaining("ISO 4217"),
    });
    expect(
      policyProblems({ ...POLICY, ranges: { ...POLICY.ranges, high: { min: 5, max: 1 } } }),
    ).toMatchObject({ high: expect.stringContaining("above") });
    expect(
      policyProblems({ ...POLICY, ranges: { ...POLICY.ranges, low: { min: -1, max: 10 } } }),
    ).toMatchObject({ low: expect.stringContaining("whole numbers") });
    expect(
      policyProblems({ ...POLICY, ranges: { ...POLICY.ranges, low: { min: 0.5, max: 10 } } }),
    ).toMatchObject({ low: expect.any(String) });
    expect(
      policyProblems({ ...POLICY, ranges: { ...POLICY.ranges, medium: { min: 400_000, max: 500_000 } } }),
    ).toMatchObject({ medium: expect.stringContaining("less severe") });
    expect(policyProblems({ ...POLICY, noBountyScope: "x".repeat(5001) })).toMatchObject({
      noBountyScope: expect.any(String),
    });
  });

  it("proposes the range's lower end by default, and nothing where the policy pays nothing", () => {
    expect(defaultAward(POLICY, "high")).toBe(100_000);
    expect(defaultAward(POLICY, "note")).toBeNull();
    expect(defaultAward(POLICY, null)).toBeNull();
    expect(defaultAward(null, "critical")).toBeNull();
    expect(defaultAward({ ...POLICY, ranges: {} }, "critical")).toBeNull();
  });

  it("needs a reason for an amount outside the range, another currency, or a severity without a bounty", () => {
    expect(proposalProblem(POLICY, "high", { amount: 150_000, currency: "EUR" })).toBeNull();
    expect(proposalProblem(POLICY, "high", { amount: 500_000, currency: "EUR" })).toMatchObject({
      field: "reason",
      message: expect.stringContaining("EUR 1,000.00 to EUR 3,000.00"),
    });
    expect(
      proposalProblem(POLICY, "high", {
        amount: 500_000,
        currency: "EUR",
        reason: "Exceptional report with a full exploit chain",
      }),
    ).toBeNull();
    expect(proposalProblem(POLICY, "high", { amount: 150_000, currency: "USD" })).toMatchObject({
      field: "reason",
    });
    expect(proposalProblem(POLICY, "note", { amount: 1_000, currency: "EUR" })).toMatchObject({
      field: "reason",
    });
    for (const amount of [0, -5, 1.5, "100", Number.NaN, 2e12, null])
      expect(proposalProblem(POLICY, "high", { amount, currency: "EUR" })).toMatchObject({ field: "amount" });
    expect(proposalProblem(POLICY, "high", { amount: 100_000, currency: "€" })).toMatchObject({
      field: "currency",
    });
  });

  it("formats minor units", () => {
    expect(formatAmount(150_000, "EUR")).toBe("EUR 1,500.00");
    expect(formatAmount(5, "USD")).toBe("USD 0.05");
  });
});

const EXPECTED: Record<AwardAction, Partial<Record<AwardState, AwardState>>> = {
  approve: { proposed: "approved" },
  offer: { approved: "offered" },
  accept: { offered: "accepted" },
  decline: { offered: "declined" },
  donate: { offered: "donated" },
  mark_paid: { accepted: "paid", donated: "paid" },
  cancel: { proposed: "cancelled", approved: "cancelled", offered: "cancelled" },
};
const BY: Record<AwardAction, "admin" | "reporter"> = {
  approve: "admin",
  offer: "admin",
  accept: "reporter",
  decline: "reporter",
  donate: "reporter",
  mark_paid: "admin",
  cancel: "admin",
};

describe("an award's steps", () => {
  it("follow the table from every state", () => {
    for (const state of AWARD_STATES)
      for (const action of AWARD_ACTIONS) {
        const d = decideAward(
          { state, proposedBy: "alice", hasPayoutDetails: true },
          {
            action,
            by: BY[action],
            actorId: "bob",
            reference: "tx-1",
            reason: "Duplicate of an earlier award",
            charity: "EFF",
          },
        );
        const to = EXPECTED[action][state];
        if (to) expect(d, `${state} --${action}`).toEqual({ ok: true, to });
        else expect(d, `${state} --${action}`).toMatchObject({ ok: false, code: "invalid_transition" });
      }
  });

  it("needs a second admin to approve", () => {
    expect(
      decideAward(
        { state: "proposed", proposedBy: "alice", hasPayoutDetails: false },
        { action: "approve", by: "admin", actorId: "alice" },
      ),
    ).toMatchObject({
      ok: false,
      message: "You proposed this award, so a second admin must approve it.",
    });
  });

  it("lets only the reporter answer and only admins move the rest", () => {
    expect(
      decideAward(
        { state: "offered", proposedBy: "a", hasPayoutDetails: true },
        { action: "accept", by: "admin", actorId: "b" },
      ),
    ).toMatchObject({ ok: false });
    expect(
      decideAward(
        { state: "approved", proposedBy: "a", hasPayoutDetails: true },
        { action: "offer", by: "reporter", actorId: "r" },
      ),
    ).toMatchObject({ ok: false });
  });

  it("needs a charity to donate, a reference and payout details to pay, and a reason to cancel", () => {
    const offered = { state: "offered" as const, proposedBy: "a", hasPayoutDetails: false };
    expect(
      decideAward(offered, { action: "donate", by: "reporter", actorId: "r", charity: " " }),
    ).toMatchObject({ ok: false, field: "charity" });
    expect(
      decideAward(
        { ...offered, state: "accepted" },
        { action: "mark_paid", by: "admin", actorId: "b", reference: "tx" },
      ),
    ).toMatchObject({ ok: false, message: expect.stringContaining("payout details") });
    expect(
      decideAward(
        { ...offered, state: "donated" },
        { action: "mark_paid", by: "admin", actorId: "b", reference: "receipt 42" },
      ),
    ).toEqual({ ok: true, to: "paid" });
    expect(
      decideAward(
        { ...offered, state: "accepted", hasPayoutDetails: true },
        { action: "mark_paid", by: "admin", actorId: "b", reference: "" },
      ),
    ).toMatchObject({ ok: false, field: "reference" });
    expect(decideAward(offered, { action: "cancel", by: "admin", actorId: "b", reason: null })).toMatchObject(
      { ok: false, field: "reason" },
    );
  });

  it("refuses unknown actions, including prototype keys", () => {
    for (const action of ["pay", "__proto__", "toString"])
      expect(
        decideAward(
          { state: "proposed", proposedBy: "a", hasPayoutDetails: true },
          { action: action as AwardAction, by: "admin", actorId: "b" },
        ),
      ).toMatchObject({ ok: false, code: "invalid_transition" });
  });
});

describe("bountyFeedbackLine", () => {
  it("says where the award stands, with its amount, in the reporter's words", () => {
    const award = { amount: 50_000, currency: "EUR", paidOn: null, charity: null };
    expect(bountyFeedbackLine({ ...award, state: "paid", paidOn: "2026-03-20" })).toBe(
      "Bounty: EUR 500.00, paid on 2026-03-20.",
    );
    expect(bountyFeedbackLine({ ...award, state: "donated", charity: "FSF" })).toContain("donated to FSF");
    expect(bountyFeedbackLine({ ...award, state: "declined" })).toContain("you declined it");
    expect(bountyFeedbackLine({ ...award, state: "accepted" })).toContain("payment follows");
    expect(bountyFeedbackLine({ ...award, state: "offered" })).toContain("tracking page");
  });
});
