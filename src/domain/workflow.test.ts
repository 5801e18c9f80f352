import { describe, expect, it } from "vitest";
import {
  ACTION_LABELS,
  type ActionRequest,
  availableActions,
  decide,
  fixReadyGuardHolds,
  isOpen,
  MAX_URL_LENGTH,
  REJECTABLE_STATES,
  REJECTION_LABELS,
  REJECTION_REASONS,
  RELEASE_NEEDS,
  REPORT_ACTIONS,
  REPORT_STATES,
  type ReportAction,
  type ReportFacts,
  type ReportState,
  SEVERITIES,
  STATE_LABELS,
} from "./workflow.ts";

/**
 * The lifecycle from the product design, written out independently of the module's own table:
 * for each action, the states it may run in and the state it leads to.
 */
const SPEC: Record<ReportAction, Partial<Record<ReportState, ReportState>>> = {
  acknowledge: { new: "acknowledged" },
  assign: {
    new: "new",
    acknowledged: "acknowledged",
    triage: "triage",
    confirmed: "confirmed",
    remediation: "remediation",
    fix_ready: "fix_ready",
    released: "released",
    disclosed: "disclosed",
    closed: "closed",
    rejected: "rejected",
  },
  start_triage: { acknowledged: "triage" },
  set_severity: {
    new: "new",
    acknowledged: "acknowledged",
    triage: "triage",
    confirmed: "confirmed",
    remediation: "remediation",
    fix_ready: "fix_ready",
    released: "released",
    disclosed: "disclosed",
  },
  confirm: { triage: "confirmed" },
  reject: {
    new: "rejected",
    acknowledged: "rejected",
    triage: "rejected",
    confirmed: "rejected",
    remediation: "rejected",
    fix_ready: "rejected",
  },
  mark_duplicate: {
    new: "rejected",
    acknowledged: "rejected",
    triage: "rejected",
    confirmed: "rejected",
    remediation: "rejected",
    fix_ready: "rejected",
  },
  start_remediation: { confirmed: "remediation" },
  add_fix: { remediation: "remediation", fix_ready: "fix_ready" },
  create_fix_branch: { confirmed: "remediation", remediation: "remediation" },
  verify_fix: { remediation: "fix_ready", fix_ready: "fix_ready" },
  release: { fix_ready: "released" },
  disclose: { released: "disclosed" },
  close: { disclosed: "closed", rejected: "closed" },
  reopen: { closed: "triage" },
  request_info: {
    acknowledged: "acknowledged",
    triage: "triage",
    confirmed: "confirmed",
    remediation: "remediation",
    fix_ready: "fix_ready",
  },
  // Back to the state before the rejection (the facts below record triage).
  undo_rejection: { rejected: "triage" },
  invite_reporter_to_fix: { remediation: "remediation", fix_ready: "fix_ready" },
};

/** A request for each action whose parameters satisfy every guard. */
const GOOD: Record<ReportAction, ActionRequest> = {
  acknowledge: { action: "acknowledge" },
  assign: { action: "assign", assigneeId: "u-second" },
  start_triage: { action: "start_triage" },
  set_severity: { action: "set_severity", severity: "critical" },
  confirm: { action: "confirm" },
  reject: { action: "reject", reason: "out_of_scope", message: "The staging host is out of scope." },
  mark_duplicate: {
    action: "mark_duplicate",
    originalId: "r-1",
    reportId: "r-2",
    message: "Already reported.",
  },
  start_remediation: { action: "start_remediation" },
  add_fix: { action: "add_fix", url: "https://git.example.org/app/commit/abc123", authorId: "u-dev" },
  create_fix_branch: { action: "create_fix_branch", existingCloneUrl: null },
  verify_fix: { action: "verify_fix", fix: null, verifierId: "u-qa" },
  release: { action: "release", passedVerificationId: "v-1", overrideReason: null },
  disclose: {
    action: "disclose",
    advisoryUrl: "https://example.org/advisories/EMB-1",
    noAdvisoryReason: null,
  },
  close: { action: "close", message: "Thank you for the report; the fix is out." },
  reopen: { action: "reopen", reason: "The fix regressed in 2.1." },
  request_info: { action: "request_info", message: "Which browser version did you use?" },
  undo_rejection: { action: "undo_rejection" },
  invite_reporter_to_fix: {
    action: "invite_reporter_to_fix",
    message: "Please check the fix on the branch.",
  },
};

/** A spam rejection, recorded a minute ago, that left triage: undo holds. */
const REJECTED_AT = new Date("2026-03-02T10:00:00Z");
const UNDOABLE = {
  rejectionReason: "spam",
  resolvedAt: REJECTED_AT,
  rejection: { reason: "spam", at: REJECTED_AT, previousState: "triage" },
  rejectionMail: "none",
  reporterContactSince: false,
  now: new Date("2026-03-02T10:01:00Z"),
} as const;

/** Facts under which every parameter-independent guard holds. */
function facts(state: ReportState, over: Partial<ReportFacts> = {}): ReportFacts {
  return {
    state,
    assigneeId: "u-rm",
    severity: "high",
    fixes: [{ id: "f-1", authorId: "u-dev" }],
    // Verified by someone other than its author, so the fix_ready guard (which release re-checks) holds.
    fixVerifications: [{ fixId: "f-1", verifierId: "u-other" }],
    fixRepository: true,
    undo: UNDOABLE,
    ...over,
  };
}

/** Facts of a report nobody has worked on: no assignee, no severity, no fixes. */
function bare(state: ReportState): ReportFacts {
  return { state, assigneeId: null, severity: null, fixes: [], fixVerifications: [] };
}

function refusal(d: ReturnType<typeof decide>): { code: string; message: string } {
  if (d.ok) throw new Error(`expected a refusal, got ${JSON.stringify(d)}`);
  return { code: d.code, message: d.message };
}

const PAIRS = REPORT_STATES.flatMap((state) => REPORT_ACTIONS.map((action) => ({ state, action })));

describe("the vocabulary", () => {
  it("lists ten states, five severities, seven rejection reasons and eighteen actions", () => {
    expect(REPORT_STATES).toHaveLength(10);
    expect(SEVERITIES).toEqual(["note", "low", "medium", "high", "critical"]);
    expect(REJECTION_REASONS).toHaveLength(7);
    expect(REPORT_ACTIONS).toHaveLength(18);
  });

  it("has a human label for every state, action and rejection reason", () => {
    expect(Object.keys(STATE_LABELS).sort()).toEqual([...REPORT_STATES].sort());
    expect(Object.keys(ACTION_LABELS).sort()).toEqual([...REPORT_ACTIONS].sort());
    expect(Object.keys(REJECTION_LABELS).sort()).toEqual([...REJECTION_REASONS].sort());
    for (const label of [
      ...Object.values(STATE_LABELS),
      ...Object.values(ACTION_LABELS),
      ...Object.values(REJECTION_LABELS),
    ]) {
      expect(label).toMatch(/^[A-Z][a-z' ]+[a-z]$/);
      expect(label).not.toContain("_");
    }
    expect(STATE_LABELS.fix_ready).toBe("Fix ready");
    expect(REJECTION_LABELS.wont_fix).toBe("Won't fix");
  });

  it("makes everything from new up to fix_ready rejectable, and nothing after", () => {
    expect(REJECTABLE_STATES).toEqual([
      "new",
      "acknowledged",
      "triage",
      "confirmed",
      "remediation",
      "fix_ready",
    ]);
    expect(Object.isFrozen(REJECTABLE_STATES)).toBe(true);
  });
});

describe("decide: the full state table (10 states × 18 actions)", () => {
  it("covers all 180 pairs", () => {
    expect(PAIRS).toHaveLength(180);
  });

  const allowed = PAIRS.filter(({ state, action }) => SPEC[action][state] !== undefined);
  const refused = PAIRS.filter(({ state, action }) => SPEC[action][state] === undefined);

  it("has 53 allowed and 127 refused pairs", () => {
    expect(allowed).toHaveLength(53);
    expect(refused).toHaveLength(127);
  });

  it.each(allowed)("allows $action in $state", ({ state, action }) => {
    const to = SPEC[action][state];
    expect(decide(facts(state), GOOD[action])).toEqual({
      ok: true,
      from: state,
      to,
      stateChanged: to !== state,
    });
  });

  it.each(refused)("refuses $action in $state as an invalid transition", ({ state, action }) => {
    const d = refusal(decide(facts(state), GOOD[action]));
    expect(d.code).toBe("invalid_transition");
    expect(d.message).toMatch(/^Cannot /);
    expect(d.message).toContain(ACTION_LABELS[action]);
  });

  it.each(refused)("refuses $action in $state before looking at the guards", ({ state, action }) => {
    expect(refusal(decide(bare(state), GOOD[action])).code).toBe("invalid_transition");
  });

  it("explains a refused transition in words, naming where the action is possible", () => {
    expect(refusal(decide(facts("remediation"), GOOD.release)).message).toBe(
      "Cannot release a report that is in remediation. Release is only possible when the report is Fix ready.",
    );
    expect(refusal(decide(facts("new"), GOOD.start_triage)).message).toBe(
      "Cannot start triage on a report that is new. Start triage is only possible when the report is Acknowledged.",
    );
    expect(refusal(decide(facts("released"), GOOD.reject)).message).toBe(
      "Cannot reject a report that is released. Reject is only possible when the report is " +
        "New, Acknowledged, Triage, Confirmed, Remediation or Fix ready.",
    );
    expect(refusal(decide(facts("triage"), GOOD.close)).message).toBe(
      "Cannot close a report that is in triage. Close is only possible when the report is Disclosed or Rejected.",
    );
  });

  it("never reports stateChanged for actions that keep the state", () => {
    for (const state of REPORT_STATES) {
      for (const action of ["assign", "set_severity", "add_fix"] as const) {
        const d = decide(facts(state), GOOD[action]);
        if (d.ok) expect(d).toMatchObject({ from: state, to: state, stateChanged: false });
      }
    }
  });

  it("walks the happy path from new to closed", () => {
    const path: Array<[ReportAction, ReportState]> = [
      ["acknowledge", "acknowledged"],
      ["start_triage", "triage"],
      ["confirm", "confirmed"],
      ["start_remediation", "remediation"],
      ["verify_fix", "fix_ready"],
      ["release", "released"],
      ["disclose", "disclosed"],
      ["close", "closed"],
      ["reopen", "triage"],
    ];
    let state: ReportState = "new";
    for (const [action, expected] of path) {
      const d = decide(facts(state), GOOD[action]);
      expect(d).toMatchObject({ ok: true, from: state, to: expected, stateChanged: true });
      state = expected;
    }
    expect(state).toBe("triage");
  });

  it("does not mutate the facts or the request", () => {
    const f = facts("remediation", { fixVerifications: [{ fixId: "f-1", verifierId: "u-other" }] });
    const snapshot = structuredClone(f);
    const req = structuredClone(GOOD.verify_fix);
    decide(Object.freeze(f), Object.freeze(req));
    expect(f).toEqual(snapshot);
    expect(req).toEqual(GOOD.verify_fix);
  });
});

describe("decide: assign", () => {
  it("refuses an empty assignee", () => {
    for (const assigneeId of ["", "   ", "\t\n", "\u200b", "\u00a0"]) {
      const d = refusal(decide(facts("triage"), { action: "assign", assigneeId }));
      expect(d).toEqual({ code: "guard_failed", message: "Choose a team member to assign the report to." });
    }
  });

  it("refuses an assignee that is not a string", () => {
    for (const assigneeId of [null, undefined, 42, {}, ["u-1"]]) {
      expect(refusal(decide(facts("triage"), { action: "assign", assigneeId } as never)).code).toBe(
        "guard_failed",
      );
    }
  });

  it("accepts reassignment to the same person and unicode ids", () => {
    expect(decide(facts("triage"), { action: "assign", assigneeId: "u-rm" }).ok).toBe(true);
    expect(decide(facts("closed"), { action: "assign", assigneeId: "ユーザー-1" }).ok).toBe(true);
  });
});

describe("decide: start_triage", () => {
  it("refuses to start triage without a Response Manager", () => {
    expect(refusal(decide(facts("acknowledged", { assigneeId: null }), GOOD.start_triage))).toEqual({
      code: "guard_failed",
      message: "Assign a Response Manager before starting triage.",
    });
  });

  it("treats a blank assignee id as no assignee", () => {
    expect(refusal(decide(facts("acknowledged", { assigneeId: "  " }), GOOD.start_triage)).code).toBe(
      "guard_failed",
    );
  });
});

describe("decide: set_severity", () => {
  it.each(SEVERITIES)("accepts severity %s", (severity) => {
    expect(decide(facts("triage"), { action: "set_severity", severity })).toEqual({
      ok: true,
      from: "triage",
      to: "triage",
      stateChanged: false,
    });
  });

  it("refuses severities outside the list, whatever their type", () => {
    for (const severity of [
      "CRITICAL",
      "urgent",
      "",
      " high",
      "__proto__",
      "toString",
      null,
      5,
      Number.NaN,
    ]) {
      const d = refusal(decide(facts("triage"), { action: "set_severity", severity } as never));
      expect(d).toEqual({
        code: "guard_failed",
        message: "Choose a severity: note, low, medium, high, critical.",
      });
    }
  });
});

describe("decide: confirm", () => {
  it("refuses to confirm without a severity", () => {
    expect(refusal(decide(facts("triage", { severity: null }), GOOD.confirm))).toEqual({
      code: "guard_failed",
      message: "Set a severity before confirming the report.",
    });
  });

  it("refuses to confirm with a corrupted severity", () => {
    expect(refusal(decide(facts("triage", { severity: "bogus" as never }), GOOD.confirm)).code).toBe(
      "guard_failed",
    );
  });

  it("confirms with any known severity, including note", () => {
    expect(decide(facts("triage", { severity: "note" }), GOOD.confirm).ok).toBe(true);
  });
});

describe("decide: reject", () => {
  const nonDuplicate = REJECTION_REASONS.filter((r) => r !== "duplicate");

  it.each(nonDuplicate)("rejects with reason %s and a message", (reason) => {
    expect(decide(facts("triage"), { action: "reject", reason, message: "Explained." })).toEqual({
      ok: true,
      from: "triage",
      to: "rejected",
      stateChanged: true,
    });
  });

  it("refuses a rejection without a message to the reporter", () => {
    for (const message of ["", " ", "\n\t", "\u200b\u200b", null, undefined, 0]) {
      const d = refusal(decide(facts("triage"), { action: "reject", reason: "invalid", message } as never));
      expect(d).toEqual({
        code: "guard_failed",
        message: "A rejection needs a message to the reporter explaining the decision.",
      });
    }
  });

  it("refuses every non-spam reason without a message", () => {
    for (const reason of nonDuplicate.filter((r) => r !== "spam")) {
      const d = refusal(decide(facts("triage"), { action: "reject", reason, message: " " }));
      expect(d.message).toBe("A rejection needs a message to the reporter explaining the decision.");
    }
  });

  it("rejects spam without a message: nothing is sent to the sender", () => {
    for (const message of ["", " ", null, undefined]) {
      expect(decide(facts("new"), { action: "reject", reason: "spam", message } as never)).toEqual({
        ok: true,
        from: "new",
        to: "rejected",
        stateChanged: true,
      });
    }
  });

  it("still refuses spam from a state that cannot be rejected", () => {
    const d = refusal(decide(facts("released"), { action: "reject", reason: "spam" }));
    expect(d.code).toBe("invalid_transition");
  });

  it("sends duplicates to mark_duplicate, which names the original", () => {
    const d = refusal(decide(facts("triage"), { action: "reject", reason: "duplicate", message: "Dup." }));
    expect(d.code).toBe("guard_failed");
    expect(d.message).toContain("Mark as duplicate");
    expect(d.message).toContain("original");
  });

  it("refuses unknown rejection reasons, listing the valid ones", () => {
    for (const reason of ["nonsense", "INVALID", "__proto__", "constructor", "", null, 3]) {
      const d = refusal(decide(facts("triage"), { action: "reject", reason, message: "x" } as never));
      expect(d.code).toBe("guard_failed");
      expect(d.message).toContain("Out of scope");
    }
  });

  it("accepts a huge unicode message (length limits belong to the service's schema)", () => {
    const message = `Danke schön — ありがとう 🙏 ${"x".repeat(1_000_000)}`;
    expect(decide(facts("new"), { action: "reject", reason: "spam", message }).ok).toBe(true);
  });
});

describe("decide: mark_duplicate", () => {
  it("moves the report to rejected", () => {
    expect(decide(facts("confirmed"), GOOD.mark_duplicate)).toEqual({
      ok: true,
      from: "confirmed",
      to: "rejected",
      stateChanged: true,
    });
  });

  it("refuses a report as a duplicate of itself", () => {
    for (const [originalId, reportId] of [
      ["r-2", "r-2"],
      [" r-2 ", "r-2"],
    ]) {
      const d = refusal(
        decide(facts("triage"), { action: "mark_duplicate", originalId, reportId, message: "x" } as never),
      );
      expect(d).toEqual({ code: "guard_failed", message: "A report cannot be a duplicate of itself." });
    }
  });

  it("refuses without the original report", () => {
    for (const originalId of ["", "  ", null, 7]) {
      const d = refusal(
        decide(facts("triage"), {
          action: "mark_duplicate",
          originalId,
          reportId: "r-2",
          message: "x",
        } as never),
      );
      expect(d).toEqual({ code: "guard_failed", message: "Name the original report this one duplicates." });
    }
  });

  it("refuses without a message to the reporter", () => {
    const d = refusal(
      decide(facts("triage"), {
        action: "mark_duplicate",
        originalId: "r-1",
        reportId: "r-2",
        message: " \n ",
      }),
    );
    expect(d.code).toBe("guard_failed");
    expect(d.message).toContain("message to the reporter");
  });
});

describe("decide: add_fix", () => {
  const add = (url: unknown, authorId: unknown = "u-dev") =>
    decide(facts("remediation"), { action: "add_fix", url, authorId } as never);

  it("accepts absolute http and https URLs, in any case and with unicode hosts", () => {
    for (const url of [
      "https://git.example.org/app/commit/abc123",
      "http://intranet.example/patch?id=1#L10",
      "HTTPS://EXAMPLE.ORG/PR/1",
      "https://bücher.example/fix",
      "https://[2001:db8::1]/fix",
      `https://example.org/${"a".repeat(MAX_URL_LENGTH - "https://example.org/".length)}`,
    ]) {
      expect(add(url)).toMatchObject({
        ok: true,
        from: "remediation",
        to: "remediation",
        stateChanged: false,
      });
    }
  });

  it("refuses dangerous and non-web schemes", () => {
    for (const [url, scheme] of [
      ["javascript:alert(1)", "javascript:"],
      ["JaVaScRiPt:alert(1)", "javascript:"],
      ["data:text/html,<script>alert(1)</script>", "data:"],
      ["ftp://example.org/fix.patch", "ftp:"],
      ["file:///etc/passwd", "file:"],
      ["vbscript:msgbox", "vbscript:"],
    ] as const) {
      expect(refusal(add(url))).toEqual({
        code: "guard_failed",
        message: `The fix link must start with https:// or http:// (got ${scheme}).`,
      });
    }
  });

  it("refuses relative, malformed and scheme-only URLs", () => {
    for (const url of [
      "/commit/abc",
      "example.org/fix",
      "//example.org/fix",
      "https://",
      "http://:80",
      "https://exa mple",
    ]) {
      expect(refusal(add(url)).code).toBe("guard_failed");
    }
    expect(refusal(add("/commit/abc")).message).toBe(
      "The fix link must be an absolute URL starting with https:// or http://.",
    );
  });

  it("refuses URLs the parser would silently repair", () => {
    expect(refusal(add("https:example.org/fix")).message).toBe(
      "The fix link must start with https:// or http://.",
    );
    expect(refusal(add(" https://example.org/fix")).message).toBe(
      "The fix link must not contain spaces or control characters.",
    );
    expect(refusal(add("https://example.org/fix\n")).code).toBe("guard_failed");
    expect(refusal(add("https://exa\u0000mple.org/")).code).toBe("guard_failed");
  });

  it("refuses URLs with credentials, which disguise the real host", () => {
    expect(refusal(add("https://github.com@evil.example/fix")).message).toBe(
      "The fix link must not contain a user name or password.",
    );
    expect(refusal(add("https://user:pw@example.org/fix")).code).toBe("guard_failed");
  });

  it("refuses blank, non-string and over-long URLs", () => {
    expect(refusal(add("")).message).toBe("The fix link is empty.");
    expect(refusal(add("   ")).message).toBe("The fix link is empty.");
    expect(refusal(add(null)).message).toBe("The fix link must be a URL.");
    expect(refusal(add(42)).message).toBe("The fix link must be a URL.");
    expect(refusal(add(`https://example.org/${"a".repeat(MAX_URL_LENGTH)}`)).message).toBe(
      "The fix link is longer than 2048 characters.",
    );
    expect(refusal(add(`https://example.org/${"a".repeat(10_000_000)}`)).code).toBe("guard_failed");
  });

  it("refuses a fix without an author", () => {
    expect(refusal(add("https://example.org/fix", "  ")).message).toBe("A fix needs an author.");
  });

  it("adds further fixes in fix_ready without leaving it", () => {
    expect(decide(facts("fix_ready"), GOOD.add_fix)).toEqual({
      ok: true,
      from: "fix_ready",
      to: "fix_ready",
      stateChanged: false,
    });
  });
});

describe("decide: create_fix_branch", () => {
  const create = (state: ReportState, existingCloneUrl: unknown) =>
    decide(facts(state), { action: "create_fix_branch", existingCloneUrl } as never);

  it("starts remediation from confirmed and stays in remediation", () => {
    expect(create("confirmed", null)).toEqual({
      ok: true,
      from: "confirmed",
      to: "remediation",
      stateChanged: true,
    });
    expect(create("remediation", null)).toEqual({
      ok: true,
      from: "remediation",
      to: "remediation",
      stateChanged: false,
    });
  });

  it("refuses a second fix repository and names the clone URL of the first", () => {
    const url = "https://embargo.example.org/git/EMB-2026-0001.git";
    const d = refusal(create("remediation", url));
    expect(d.code).toBe("guard_failed");
    expect(d.message).toContain(url);
  });

  it("treats a blank, missing or non-string clone URL as none", () => {
    for (const value of ["", "   ", "\u200b", undefined, 42, {}, []])
      expect(create("confirmed", value).ok).toBe(true);
  });

  it("refuses every state but confirmed and remediation, naming both", () => {
    for (const state of REPORT_STATES.filter((s) => s !== "confirmed" && s !== "remediation")) {
      const d = refusal(create(state, null));
      expect(d.code).toBe("invalid_transition");
      expect(d.message).toContain("Confirmed or Remediation");
    }
  });
});

describe("decide: verify_fix", () => {
  const twoFixes = [
    { id: "f-1", authorId: "u-dev" },
    { id: "f-2", authorId: "u-qa" },
  ];

  it("refuses verification before any fix exists", () => {
    expect(refusal(decide(facts("remediation", { fixes: [] }), GOOD.verify_fix))).toEqual({
      code: "guard_failed",
      message: "Add a fix link before verifying.",
    });
  });

  it("refuses a fix id that does not belong to the report", () => {
    for (const fix of ["f-404", "", "__proto__", "constructor", "F-1", "a".repeat(40)]) {
      const d = refusal(decide(facts("remediation"), { action: "verify_fix", fix, verifierId: "u-qa" }));
      expect(d).toEqual({
        code: "guard_failed",
        message: "That fix does not belong to this report; choose one of its fixes.",
      });
    }
    expect(
      refusal(decide(facts("remediation"), { action: "verify_fix", fix: 1, verifierId: "u-qa" } as never))
        .code,
    ).toBe("guard_failed");
  });

  it("refuses fix_ready without an independent verification", () => {
    expect(
      refusal(decide(facts("remediation"), { action: "verify_fix", fix: "f-1", verifierId: "u-dev" })),
    ).toEqual({
      code: "guard_failed",
      message: "The fix's author cannot verify it; another team member must.",
    });
  });

  it("verifies the most recently added fix when no fix id is given", () => {
    const f = facts("remediation", { fixes: twoFixes });
    // f-2 is the latest and was written by u-qa, so u-qa may not verify it...
    expect(refusal(decide(f, { action: "verify_fix", fix: null, verifierId: "u-qa" })).message).toContain(
      "author cannot verify",
    );
    // ...but u-dev may.
    expect(decide(f, { action: "verify_fix", fix: null, verifierId: "u-dev" })).toMatchObject({
      ok: true,
      to: "fix_ready",
    });
  });

  it("moves remediation to fix_ready on an independent verification", () => {
    expect(decide(facts("remediation"), { action: "verify_fix", fix: "f-1", verifierId: "u-qa" })).toEqual({
      ok: true,
      from: "remediation",
      to: "fix_ready",
      stateChanged: true,
    });
  });

  it("keeps fix_ready when another fix is verified", () => {
    const f = facts("fix_ready", {
      fixes: twoFixes,
      fixVerifications: [{ fixId: "f-1", verifierId: "u-qa" }],
    });
    expect(decide(f, { action: "verify_fix", fix: "f-2", verifierId: "u-rm" })).toEqual({
      ok: true,
      from: "fix_ready",
      to: "fix_ready",
      stateChanged: false,
    });
  });

  it("refuses the same person verifying the same fix twice", () => {
    const f = facts("fix_ready", { fixVerifications: [{ fixId: "f-1", verifierId: "u-qa" }] });
    expect(refusal(decide(f, { action: "verify_fix", fix: "f-1", verifierId: "u-qa" })).message).toContain(
      "already verified",
    );
  });

  it("refuses a verification without a verifier", () => {
    for (const verifierId of ["", "   ", null]) {
      expect(
        refusal(decide(facts("remediation"), { action: "verify_fix", fix: null, verifierId } as never))
          .message,
      ).toBe("A verification needs a verifier.");
    }
  });

  it("treats missing fix lists in corrupt facts as empty rather than crashing", () => {
    const f = { ...facts("remediation"), fixes: undefined, fixVerifications: null } as never;
    expect(refusal(decide(f, GOOD.verify_fix)).message).toBe("Add a fix link before verifying.");
  });
});

describe("fixReadyGuardHolds", () => {
  it("is false without fixes or verifications", () => {
    expect(fixReadyGuardHolds({ fixes: [], fixVerifications: [] })).toBe(false);
    expect(fixReadyGuardHolds({ fixes: [{ id: "f-1", authorId: "a" }], fixVerifications: [] })).toBe(false);
  });

  it("is false when only the author verified", () => {
    expect(
      fixReadyGuardHolds({
        fixes: [{ id: "f-1", authorId: "a" }],
        fixVerifications: [{ fixId: "f-1", verifierId: "a" }],
      }),
    ).toBe(false);
  });

  it("is false when the verification points at another report's fix", () => {
    expect(
      fixReadyGuardHolds({
        fixes: [{ id: "f-1", authorId: "a" }],
        fixVerifications: [{ fixId: "f-9", verifierId: "b" }],
      }),
    ).toBe(false);
  });

  it("is false when the verifier id is blank", () => {
    expect(
      fixReadyGuardHolds({
        fixes: [{ id: "f-1", authorId: "a" }],
        fixVerifications: [{ fixId: "f-1", verifierId: " " }],
      }),
    ).toBe(false);
  });

  it("is true when any fix is verified by someone other than its author", () => {
    expect(
      fixReadyGuardHolds({
        fixes: [
          { id: "f-1", authorId: "a" },
          { id: "f-2", authorId: "b" },
        ],
        fixVerifications: [
          { fixId: "f-1", verifierId: "a" },
          { fixId: "f-2", verifierId: "a" },
        ],
      }),
    ).toBe(true);
  });
});

describe("decide: release", () => {
  it("releases on a passed package verification covering the report", () => {
    expect(
      decide(facts("fix_ready"), { action: "release", passedVerificationId: "v-1", overrideReason: null }),
    ).toEqual({
      ok: true,
      from: "fix_ready",
      to: "released",
      stateChanged: true,
    });
  });

  it("releases on an override with a reason when no verification passed", () => {
    expect(
      decide(facts("fix_ready"), {
        action: "release",
        passedVerificationId: null,
        overrideReason: "Signed manually by release eng.",
      }).ok,
    ).toBe(true);
  });

  it("refuses when neither a passed verification nor an override reason is there, saying what to do", () => {
    for (const overrideReason of [null, "", "  ", "\u200b"]) {
      expect(
        refusal(
          decide(facts("fix_ready"), { action: "release", passedVerificationId: null, overrideReason }),
        ),
      ).toEqual({ code: "guard_failed", message: RELEASE_NEEDS });
    }
  });

  it("does not take look-alike verification values for a passed verification", () => {
    for (const passedVerificationId of ["", " ", "\u200b\u2060", true, 1, {}, ["v-1"], undefined]) {
      expect(
        refusal(
          decide(facts("fix_ready"), {
            action: "release",
            passedVerificationId,
            overrideReason: null,
          } as never),
        ).code,
      ).toBe("guard_failed");
    }
  });
});

describe("decide: disclose", () => {
  const disclose = (advisoryUrl: unknown, noAdvisoryReason: unknown) =>
    decide(facts("released"), { action: "disclose", advisoryUrl, noAdvisoryReason } as never);

  it("discloses with an advisory link", () => {
    expect(disclose("https://example.org/advisories/EMB-1", null)).toEqual({
      ok: true,
      from: "released",
      to: "disclosed",
      stateChanged: true,
    });
  });

  it("discloses without an advisory when the reason is recorded", () => {
    expect(disclose(null, "Internal service; customers were notified directly.").ok).toBe(true);
    expect(disclose("", "No public advisory for a config fix.").ok).toBe(true);
    expect(disclose("   ", "No public advisory for a config fix.").ok).toBe(true);
  });

  it("refuses when there is neither an advisory nor a reason", () => {
    for (const [url, reason] of [
      [null, null],
      ["", ""],
      [null, "  \t"],
    ]) {
      expect(refusal(disclose(url, reason))).toEqual({
        code: "guard_failed",
        message: "Link the published advisory, or explain why there is no advisory.",
      });
    }
  });

  it("names the problem with an advisory URL that is present but invalid, even with a reason", () => {
    expect(refusal(disclose("javascript:alert(1)", "reason"))).toEqual({
      code: "guard_failed",
      message: "The advisory URL must start with https:// or http:// (got javascript:).",
    });
    expect(refusal(disclose("advisories/1", null)).message).toBe(
      "The advisory URL must be an absolute URL starting with https:// or http://.",
    );
    expect(refusal(disclose(12, null)).message).toBe("The advisory URL must be a URL.");
  });
});

describe("decide: close", () => {
  it.each(["disclosed", "rejected"] as const)("closes a %s report with final feedback", (state) => {
    expect(decide(facts(state), GOOD.close)).toEqual({
      ok: true,
      from: state,
      to: "closed",
      stateChanged: true,
    });
  });

  it("refuses to close without final feedback to the reporter", () => {
    for (const message of ["", "  ", "\u200b", null]) {
      expect(refusal(decide(facts("rejected"), { action: "close", message } as never))).toEqual({
        code: "guard_failed",
        message: "Closing needs final feedback to the reporter.",
      });
    }
  });
});

describe("decide: reopen", () => {
  it("reopens into triage", () => {
    expect(decide(facts("closed"), GOOD.reopen)).toEqual({
      ok: true,
      from: "closed",
      to: "triage",
      stateChanged: true,
    });
  });

  it("refuses to reopen without a reason", () => {
    expect(refusal(decide(facts("closed"), { action: "reopen", reason: " " }))).toEqual({
      code: "guard_failed",
      message: "Reopening needs a reason.",
    });
  });

  it("refuses to reopen without a Response Manager", () => {
    expect(refusal(decide(facts("closed", { assigneeId: null }), GOOD.reopen))).toEqual({
      code: "guard_failed",
      message: "Assign a Response Manager before reopening; triage needs one.",
    });
  });
});

describe("decide: hostile requests", () => {
  it("returns invalid_transition for unknown actions instead of throwing", () => {
    for (const action of [
      "explode",
      "",
      " acknowledge",
      "ACKNOWLEDGE",
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "acknowledge\u0000",
      "ａｃｋｎｏｗｌｅｄｇｅ",
      null,
      undefined,
      42,
      Number.NaN,
      {},
      ["acknowledge"],
    ]) {
      const d = refusal(decide(facts("new"), { action } as never));
      expect(d).toEqual({ code: "invalid_transition", message: "Unknown action." });
    }
  });

  it("returns invalid_transition for a request that is not an object", () => {
    for (const req of [null, undefined, "acknowledge", 1, true]) {
      expect(refusal(decide(facts("new"), req as never)).code).toBe("invalid_transition");
    }
  });

  it("returns invalid_transition for facts in an unknown state", () => {
    for (const state of ["open", "", "__proto__", "constructor", null, 0]) {
      expect(refusal(decide(facts(state as never), GOOD.assign))).toEqual({
        code: "invalid_transition",
        message: "The report is in an unknown state.",
      });
    }
  });

  it("ignores extra request fields that try to steer the outcome", () => {
    const req = { action: "acknowledge", to: "closed", stateChanged: false, ok: true } as never;
    expect(decide(facts("new"), req)).toEqual({
      ok: true,
      from: "new",
      to: "acknowledged",
      stateChanged: true,
    });
  });
});

describe("availableActions", () => {
  it.each(REPORT_STATES)(
    "offers exactly the actions the table allows in %s when every guard holds",
    (state) => {
      // With a fix repository every guard holds but create_fix_branch's, which wants none yet.
      const expected = REPORT_ACTIONS.filter(
        (a) => SPEC[a][state] !== undefined && a !== "create_fix_branch",
      );
      expect(availableActions(facts(state))).toEqual(expected);
      const withoutRepository = REPORT_ACTIONS.filter(
        (a) => SPEC[a][state] !== undefined && a !== "invite_reporter_to_fix",
      );
      expect(availableActions(facts(state, { fixRepository: false }))).toEqual(withoutRepository);
    },
  );

  it("offers create_fix_branch until the report has its repository, and the invitation only after", () => {
    expect(availableActions(facts("confirmed", { fixRepository: false }))).toContain("create_fix_branch");
    expect(availableActions(facts("remediation", { fixRepository: true }))).not.toContain(
      "create_fix_branch",
    );
    expect(availableActions(facts("remediation", { fixRepository: true }))).toContain(
      "invite_reporter_to_fix",
    );
  });

  it("offers the expected actions for a few states, spelled out", () => {
    expect(availableActions(facts("new"))).toEqual([
      "acknowledge",
      "assign",
      "set_severity",
      "reject",
      "mark_duplicate",
    ]);
    expect(availableActions(facts("fix_ready"))).toEqual([
      "assign",
      "set_severity",
      "reject",
      "mark_duplicate",
      "add_fix",
      "verify_fix",
      "release",
      "request_info",
      "invite_reporter_to_fix",
    ]);
    expect(availableActions(facts("closed"))).toEqual(["assign", "reopen"]);
    expect(availableActions(facts("rejected"))).toEqual(["assign", "close", "undo_rejection"]);
    expect(availableActions(facts("rejected", { undo: null }))).toEqual(["assign", "close"]);
  });

  it("hides start_triage without an assignee", () => {
    expect(availableActions(bare("acknowledged"))).toEqual([
      "assign",
      "set_severity",
      "reject",
      "mark_duplicate",
      "request_info",
    ]);
  });

  it("hides confirm without a severity", () => {
    expect(availableActions(facts("triage", { severity: null }))).not.toContain("confirm");
    expect(availableActions(facts("triage"))).toContain("confirm");
  });

  it("hides verify_fix before any fix exists, but offers add_fix", () => {
    const offered = availableActions(facts("remediation", { fixes: [] }));
    expect(offered).toContain("add_fix");
    expect(offered).not.toContain("verify_fix");
  });

  it("hides reopen without an assignee", () => {
    expect(availableActions(bare("closed"))).toEqual(["assign"]);
  });

  it("offers release in fix_ready even though its parameters are not known yet", () => {
    expect(availableActions(facts("fix_ready"))).toContain("release");
  });

  it("hides release while no fix has a verification that still counts", () => {
    expect(availableActions(bare("fix_ready"))).not.toContain("release");
    expect(availableActions(facts("fix_ready", { fixVerifications: [] }))).not.toContain("release");
  });

  it("agrees with decide() for every state and fact variant, given suitable parameters", () => {
    // The service passes the existing repository's clone URL with create_fix_branch, as the facts say.
    const requestFor = (action: (typeof REPORT_ACTIONS)[number], f: ReportFacts): ActionRequest =>
      action === "create_fix_branch" && f.fixRepository === true
        ? { action, existingCloneUrl: "https://embargo.example.org/git/EMB-2026-0001.git" }
        : GOOD[action];
    const variants = (s: ReportState): ReportFacts[] => [
      facts(s),
      bare(s),
      facts(s, { assigneeId: null }),
      facts(s, { severity: null }),
      facts(s, { fixes: [] }),
      facts(s, { needsInfo: true }),
      facts(s, { fixVerifications: [] }),
    ];
    for (const state of REPORT_STATES) {
      for (const f of variants(state)) {
        const offered = availableActions(f);
        for (const action of REPORT_ACTIONS) {
          expect([action, state, offered.includes(action)]).toEqual([
            action,
            state,
            decide(f, requestFor(action, f)).ok,
          ]);
        }
      }
    }
  });

  it("offers nothing for an unknown state", () => {
    expect(availableActions(facts("__proto__" as never))).toEqual([]);
    expect(availableActions(null as never)).toEqual([]);
  });
});

describe("decide: request_info", () => {
  const ask = (message: unknown) => ({ action: "request_info", message }) as ActionRequest;

  it.each(["acknowledged", "triage", "confirmed", "remediation", "fix_ready"] as const)(
    "asks the reporter while the report is %s, without changing its state",
    (state) => {
      expect(decide(facts(state), ask("Which version?"))).toEqual({
        ok: true,
        from: state,
        to: state,
        stateChanged: false,
      });
    },
  );

  it.each(["new", "released", "disclosed", "closed", "rejected"] as const)(
    "refuses while the report is %s: only a report being handled may wait for the reporter",
    (state) => {
      const r = refusal(decide(facts(state), ask("Which version?")));
      expect(r.code).toBe("invalid_transition");
      expect(r.message).toContain("Request information is only possible when the report is Acknowledged");
    },
  );

  it("refuses a second request while the first still waits, and says so", () => {
    const r = refusal(decide(facts("triage", { needsInfo: true }), ask("And the OS?")));
    expect(r.code).toBe("guard_failed");
    expect(r.message).toMatch(/already waiting for the reporter/);
  });

  it.each([
    ["", "empty"],
    ["   \n\t", "blank"],
    ["\u200b\u200d", "zero-width only"],
    [null, "null"],
    [42, "a number"],
    [["Which version?"], "a list"],
  ])("refuses a message that is %j (%s)", (message, _what) => {
    const r = refusal(decide(facts("triage"), ask(message)));
    expect(r).toEqual({ code: "guard_failed", message: "Write the question for the reporter." });
  });

  it("is not offered while the report waits, and is offered again after the answer", () => {
    expect(availableActions(facts("triage", { needsInfo: true }))).not.toContain("request_info");
    expect(availableActions(facts("triage", { needsInfo: false }))).toContain("request_info");
    expect(availableActions(facts("triage"))).toContain("request_info");
  });

  it("does not block other work while waiting", () => {
    const waiting = facts("triage", { needsInfo: true });
    expect(decide(waiting, GOOD.confirm).ok).toBe(true);
    expect(decide(waiting, GOOD.reject).ok).toBe(true);
  });
});

describe("isOpen", () => {
  it("is false only for closed and rejected", () => {
    expect(REPORT_STATES.filter((s) => !isOpen(s))).toEqual(["closed", "rejected"]);
  });

  it("is false for unknown states", () => {
    for (const s of ["", "open", "__proto__", null]) expect(isOpen(s as never)).toBe(false);
  });
});
