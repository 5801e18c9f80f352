import { describe, expect, it } from "vitest";
import {
  consultationStatus,
  decideFixAccess,
  decideFixAnswer,
  FIX_ACCESS_STATES,
  fixAccessAllowed,
  fixAccessTokenLive,
  fixVisibleToReporter,
  isFixVerdict,
} from "./consultation.ts";
import { type ActionRequest, availableActions, decide, type ReportFacts } from "./workflow.ts";
import { REPORT_STATES, type ReportState } from "./workflow-states.ts";

const HOSTILE: unknown[] = [
  null,
  undefined,
  "",
  "__proto__",
  "constructor",
  "toString",
  0,
  {},
  [],
  "FIX_READY",
];

function facts(state: ReportState, over: Partial<ReportFacts> = {}): ReportFacts {
  return {
    state,
    assigneeId: "u-rm",
    severity: "high",
    fixes: [],
    fixVerifications: [],
    fixRepository: true,
    ...over,
  };
}

const invite = (message: unknown) => ({ action: "invite_reporter_to_fix", message }) as ActionRequest;

describe("decide: invite_reporter_to_fix", () => {
  it.each(["remediation", "fix_ready"] as const)("invites while the report is %s, staying there", (state) => {
    expect(decide(facts(state), invite("Please check the fix."))).toEqual({
      ok: true,
      from: state,
      to: state,
      stateChanged: false,
    });
  });

  it.each(REPORT_STATES.filter((s) => s !== "remediation" && s !== "fix_ready"))(
    "refuses in %s and names the states where it works",
    (state) => {
      const d = decide(facts(state), invite("Please check the fix."));
      expect(d.ok).toBe(false);
      if (d.ok) return;
      expect(d.code).toBe("invalid_transition");
      expect(d.message).toContain(
        "Invite the reporter to check the fix is only possible when the report is Remediation or Fix ready",
      );
    },
  );

  it("refuses without a fix repository, even with linked fixes, and says what to do", () => {
    for (const over of [
      { fixRepository: false },
      { fixRepository: undefined },
      { fixRepository: "true" as never },
      { fixRepository: false, fixes: [{ id: "f", authorId: "u" }] },
    ]) {
      const d = decide(facts("remediation", over), invite("Please check the fix."));
      expect(d).toEqual({
        ok: false,
        code: "guard_failed",
        message:
          "Create the fix branch first: the reporter checks the fix in this report's private fix repository.",
      });
    }
  });

  it.each(["", "  \n\t", "\u200b\u2060\ufeff", null, undefined, 42, ["a message"], { toString: () => "x" }])(
    "refuses the message %j",
    (message) => {
      expect(decide(facts("fix_ready"), invite(message))).toEqual({
        ok: false,
        code: "guard_failed",
        message: "Write the message inviting the reporter to check the fix.",
      });
    },
  );

  it("is offered only with a fix repository", () => {
    expect(availableActions(facts("remediation"))).toContain("invite_reporter_to_fix");
    expect(availableActions(facts("remediation", { fixRepository: false }))).not.toContain(
      "invite_reporter_to_fix",
    );
    expect(availableActions(facts("confirmed"))).not.toContain("invite_reporter_to_fix");
  });
});

describe("where the fix is open to the reporter", () => {
  it("gives access in remediation, fix ready and released only", () => {
    expect(FIX_ACCESS_STATES).toEqual(["remediation", "fix_ready", "released"]);
    expect(REPORT_STATES.filter(fixAccessAllowed)).toEqual(["remediation", "fix_ready", "released"]);
    for (const value of HOSTILE) expect(fixAccessAllowed(value)).toBe(false);
  });

  it("shows the fix only after an invitation, and never on a rejected report", () => {
    for (const state of REPORT_STATES) expect(fixVisibleToReporter(state, false)).toBe(false);
    expect(REPORT_STATES.filter((s) => fixVisibleToReporter(s, true))).toEqual([
      "remediation",
      "fix_ready",
      "released",
      "disclosed",
      "closed",
    ]);
    for (const value of HOSTILE) expect(fixVisibleToReporter(value, true)).toBe(false);
    expect(fixVisibleToReporter("remediation", "true" as never)).toBe(false);
    // Closed after a rejection: the fix was never the answer to this report.
    expect(fixVisibleToReporter("closed", true, true)).toBe(false);
    expect(fixVisibleToReporter("closed", true, false)).toBe(true);
  });

  it("mints clone access only for an invited reporter while access lasts", () => {
    expect(decideFixAccess({ state: "fix_ready", invited: true })).toEqual({ ok: true });
    expect(decideFixAccess({ state: "fix_ready", invited: false })).toEqual({
      ok: false,
      message: "There is no fix to check yet.",
    });
    for (const state of ["disclosed", "closed", "rejected", "triage", ...HOSTILE]) {
      const d = decideFixAccess({ state, invited: true });
      expect(d.ok).toBe(false);
    }
    expect(decideFixAccess(null as never).ok).toBe(false);
  });

  it("takes an answer only with a known verdict from an invited reporter while access lasts", () => {
    expect(decideFixAnswer({ state: "remediation", invited: true, verdict: "fixes" })).toEqual({ ok: true });
    expect(decideFixAnswer({ state: "released", invited: true, verdict: "does_not_fix" })).toEqual({
      ok: true,
    });
    expect(decideFixAnswer({ state: "remediation", invited: false, verdict: "fixes" }).ok).toBe(false);
    expect(decideFixAnswer({ state: "disclosed", invited: true, verdict: "fixes" }).ok).toBe(false);
    for (const verdict of [...HOSTILE, "FIXES", "fixes ", "does not fix"]) {
      expect(decideFixAnswer({ state: "remediation", invited: true, verdict })).toEqual({
        ok: false,
        message: "Choose “This fixes it” or “This does not fix it”.",
      });
      expect(isFixVerdict(verdict)).toBe(false);
    }
  });
});

describe("consultationStatus", () => {
  const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 10, minute));

  it("reads not invited, invited, confirmed and disputed", () => {
    expect(consultationStatus({ invitedAt: null, answers: [] })).toBe("not_invited");
    expect(consultationStatus({ invitedAt: at(0), answers: [] })).toBe("invited");
    expect(consultationStatus({ invitedAt: at(0), answers: [{ verdict: "fixes", at: at(1) }] })).toBe(
      "confirmed",
    );
    expect(consultationStatus({ invitedAt: at(0), answers: [{ verdict: "does_not_fix", at: at(1) }] })).toBe(
      "disputed",
    );
  });

  it("counts the latest answer, in any order given", () => {
    const answers = [
      { verdict: "does_not_fix" as const, at: at(5) },
      { verdict: "fixes" as const, at: at(2) },
    ];
    expect(consultationStatus({ invitedAt: at(0), answers })).toBe("disputed");
    expect(
      consultationStatus({ invitedAt: at(0), answers: [...answers, { verdict: "fixes", at: at(9) }] }),
    ).toBe("confirmed");
  });

  it("asks again after a new invitation: earlier answers no longer count", () => {
    expect(consultationStatus({ invitedAt: at(10), answers: [{ verdict: "does_not_fix", at: at(5) }] })).toBe(
      "invited",
    );
  });

  it("ignores answers it cannot read", () => {
    const answers = [
      { verdict: "maybe", at: at(3) },
      { verdict: "fixes", at: new Date(Number.NaN) },
      { verdict: "__proto__", at: at(4) },
      null,
    ] as never;
    expect(consultationStatus({ invitedAt: at(0), answers })).toBe("invited");
    expect(consultationStatus({ invitedAt: at(0), answers: null as never })).toBe("invited");
    expect(consultationStatus({ invitedAt: "yesterday" as never, answers: [] })).toBe("not_invited");
    expect(consultationStatus(null as never)).toBe("not_invited");
  });
});

describe("fixAccessTokenLive", () => {
  const now = new Date("2026-06-01T10:00:00Z");
  const live = { revokedAt: null, expiresAt: null };

  it("holds for an unrevoked token without expiry while the report allows access", () => {
    expect(fixAccessTokenLive(live, "fix_ready", now)).toBe(true);
    expect(
      fixAccessTokenLive({ revokedAt: null, expiresAt: new Date("2026-06-01T10:00:01Z") }, "released", now),
    ).toBe(true);
  });

  it("fails once revoked, expired, or when the report is disclosed, closed or rejected", () => {
    expect(fixAccessTokenLive({ revokedAt: now, expiresAt: null }, "fix_ready", now)).toBe(false);
    expect(fixAccessTokenLive({ revokedAt: null, expiresAt: now }, "fix_ready", now)).toBe(false);
    for (const state of ["disclosed", "closed", "rejected", "new", ...HOSTILE]) {
      expect(fixAccessTokenLive(live, state, now)).toBe(false);
    }
  });

  it("fails on input it cannot read", () => {
    expect(fixAccessTokenLive(live, "fix_ready", new Date(Number.NaN))).toBe(false);
    expect(fixAccessTokenLive(null as never, "fix_ready", now)).toBe(false);
    expect(fixAccessTokenLive({ revokedAt: null, expiresAt: "soon" as never }, "fix_ready", now)).toBe(false);
  });
});
