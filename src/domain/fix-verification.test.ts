import { describe, expect, it } from "vitest";
import {
  type FixFact,
  type FixVerificationFacts,
  findFixToVerify,
  fixReadyGuardHolds,
  fullShaOf,
  headOf,
  isStale,
  verifyRefusal,
  whyNotFixReady,
} from "./fix-verification.ts";
import { decide, fixReadyWentStale, type ReportFacts, type ReportState } from "./workflow.ts";

const BRANCH = "refs/heads/fix/EMB-2026-0001";
const OTHER_BRANCH = "refs/heads/fix/EMB-2026-0001-alt";
const SHA1 = "1".repeat(40);
const SHA2 = "2".repeat(40);
const SHA3 = "3".repeat(40);

/** Alice pushed c-1 (written by Dave, matched by email), then c-2 on top of it; the branch's head is c-2. */
const c1: FixFact = {
  id: "c-1",
  authorId: "u-alice",
  kind: "commit",
  sha: SHA1,
  branch: BRANCH,
  gitAuthorId: "u-dave",
};
const c2: FixFact = {
  id: "c-2",
  authorId: "u-alice",
  kind: "commit",
  sha: SHA2,
  branch: BRANCH,
  gitAuthorId: null,
};
const link: FixFact = { id: "l-1", authorId: "u-carol", kind: "link", sha: null, branch: null };

function world(over: Partial<FixVerificationFacts> = {}): FixVerificationFacts {
  return { fixes: [c1, c2], fixVerifications: [], fixBranches: [{ ref: BRANCH, headSha: SHA2 }], ...over };
}

function report(state: ReportState, over: Partial<ReportFacts> = {}): ReportFacts {
  return { state, assigneeId: "u-rm", severity: "high", ...world(), ...over };
}

const verify = (f: ReportFacts, fix: string | null, verifierId: string) =>
  decide(f, { action: "verify_fix", fix, verifierId });

describe("findFixToVerify", () => {
  it("finds a fix by id, and a commit by its full SHA in any case", () => {
    expect(findFixToVerify(world(), "c-1")?.id).toBe("c-1");
    expect(findFixToVerify(world(), SHA2)?.id).toBe("c-2");
    expect(findFixToVerify(world(), ` ${SHA2.toUpperCase()} `)?.id).toBe("c-2");
  });

  it("does not take abbreviations, other reports' SHAs or odd values", () => {
    for (const name of [SHA2.slice(0, 7), SHA3, "", " ", "__proto__", "constructor", `${SHA2}0`, "HEAD"]) {
      expect(findFixToVerify(world(), name)).toBeUndefined();
    }
    expect(findFixToVerify(world(), 42 as never)).toBeUndefined();
    expect(findFixToVerify(world(), { id: "c-1" } as never)).toBeUndefined();
  });

  it("without a name takes the latest fix, and for a commit its branch's head", () => {
    expect(findFixToVerify(world(), null)?.id).toBe("c-2");
    // The branch was force-pushed back to c-1: the latest recorded fix is c-1, and it is the head again.
    const back = world({ fixes: [c2, c1], fixBranches: [{ ref: BRANCH, headSha: SHA1 }] });
    expect(findFixToVerify(back, null)?.id).toBe("c-1");
    const movedOn = world({ fixes: [c1, c2], fixBranches: [{ ref: BRANCH, headSha: SHA1 }] });
    expect(findFixToVerify(movedOn, null)?.id).toBe("c-1");
    expect(findFixToVerify(world({ fixes: [c1, link] }), null)?.id).toBe("l-1");
    expect(findFixToVerify(world({ fixes: [] }), null)).toBeUndefined();
  });

  it("prefers the branch on which a SHA is the head when it was pushed to two branches", () => {
    const copy: FixFact = { ...c1, id: "c-1b", branch: OTHER_BRANCH };
    const f = world({
      fixes: [c1, copy],
      fixBranches: [
        { ref: BRANCH, headSha: SHA2 },
        { ref: OTHER_BRANCH, headSha: SHA1 },
      ],
    });
    expect(findFixToVerify(f, SHA1)?.id).toBe("c-1b");
  });
});

describe("verifyRefusal", () => {
  it("lets a member who neither pushed nor wrote the branch verify its head", () => {
    expect(verifyRefusal(world(), c2, "u-bob")).toBeNull();
  });

  it("refuses the pusher, the git author and anyone else whose commits the head includes", () => {
    expect(verifyRefusal(world(), c2, "u-alice")).toBe(
      "You pushed this commit, so you cannot verify it; another team member must.",
    );
    const byDave = world({ fixes: [c1, { ...c2, gitAuthorId: "u-dave" }] });
    expect(verifyRefusal(byDave, byDave.fixes[1]!, "u-dave")).toContain("git author");
    // Dave wrote c-1, which c-2's diff against the base still holds.
    expect(verifyRefusal(world(), c2, "u-dave")).toBe(
      "You pushed or wrote commits on fix/EMB-2026-0001, and its head includes them, so you cannot verify it; another team member must.",
    );
  });

  it("refuses a commit that is not its branch's head, naming the head to verify", () => {
    expect(verifyRefusal(world(), c1, "u-bob")).toBe(
      `1111111 is not the head of fix/EMB-2026-0001: the branch has moved on to 2222222. A verification counts only for the branch's current head, so verify ${SHA2} instead.`,
    );
  });

  it("refuses commits whose branch is gone or recorded twice with different heads (fails closed)", () => {
    expect(verifyRefusal(world({ fixBranches: [] }), c2, "u-bob")).toContain("not in the fix repository");
    expect(verifyRefusal(world({ fixBranches: null }), c2, "u-bob")).toContain("not in the fix repository");
    const twice = world({
      fixBranches: [
        { ref: BRANCH, headSha: SHA2 },
        { ref: BRANCH, headSha: SHA1 },
      ],
    });
    expect(verifyRefusal(twice, c2, "u-bob")).toContain("not in the fix repository");
  });

  it("refuses commits recorded without a full SHA or a branch", () => {
    for (const broken of [
      { ...c2, sha: null },
      { ...c2, sha: SHA2.slice(0, 12) },
      { ...c2, sha: "--output=/tmp/x" },
      { ...c2, branch: null },
      { ...c2, branch: " " },
    ]) {
      expect(verifyRefusal(world({ fixes: [broken] }), broken, "u-bob")).toContain("cannot be verified");
    }
  });

  it("keeps the link rules: anyone but the creator, once", () => {
    const f = world({ fixes: [link] });
    expect(verifyRefusal(f, link, "u-carol")).toBe(
      "The fix's author cannot verify it; another team member must.",
    );
    expect(verifyRefusal(f, link, "u-alice")).toBeNull();
    const once = world({
      fixes: [link],
      fixVerifications: [{ fixId: "l-1", verifierId: "u-alice", sha: null }],
    });
    expect(verifyRefusal(once, link, "u-alice")).toContain("already verified");
  });

  it("refuses the same verifier on the same head twice", () => {
    const f = world({ fixVerifications: [{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }] });
    expect(verifyRefusal(f, c2, "u-bob")).toContain("already verified");
    expect(verifyRefusal(f, c2, "u-erin")).toBeNull();
  });

  it("refuses a blank or missing verifier", () => {
    for (const v of ["", "  ", "\u200b", null, undefined, 7]) {
      expect(verifyRefusal(world(), c2, v)).toBe("A verification needs a verifier.");
    }
  });
});

describe("fixReadyGuardHolds with fix branches", () => {
  const verified = (v: { fixId: string; verifierId: string; sha?: string | null }[], over = {}) =>
    fixReadyGuardHolds(world({ fixVerifications: v, ...over }));

  it("holds for the current head verified by an allowed member, bound to that SHA", () => {
    expect(verified([{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }])).toBe(true);
    expect(verified([{ fixId: "c-2", verifierId: "u-bob", sha: SHA2.toUpperCase() }])).toBe(true);
  });

  it("does not hold once the branch moved past the verified SHA", () => {
    const moved = { fixBranches: [{ ref: BRANCH, headSha: SHA3 }] };
    expect(verified([{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }], moved)).toBe(false);
  });

  it("does not hold for a verification of an older commit, of another SHA, or without one", () => {
    expect(verified([{ fixId: "c-1", verifierId: "u-bob", sha: SHA1 }])).toBe(false);
    expect(verified([{ fixId: "c-2", verifierId: "u-bob", sha: SHA1 }])).toBe(false);
    expect(verified([{ fixId: "c-2", verifierId: "u-bob", sha: null }])).toBe(false);
    expect(verified([{ fixId: "c-2", verifierId: "u-bob" }])).toBe(false);
  });

  it("does not hold for verifications by the pusher, a git author or a blank verifier", () => {
    for (const verifierId of ["u-alice", "u-dave", " ", ""]) {
      expect(verified([{ fixId: "c-2", verifierId, sha: SHA2 }])).toBe(false);
    }
  });

  it("does not hold without branch facts, or with corrupt ones", () => {
    const v = [{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }];
    expect(verified(v, { fixBranches: undefined })).toBe(false);
    expect(verified(v, { fixBranches: [{ ref: BRANCH, headSha: "main" }] })).toBe(false);
    expect(verified(v, { fixBranches: [null as never] })).toBe(false);
    expect(fixReadyGuardHolds({ fixes: null, fixVerifications: undefined } as never)).toBe(false);
    expect(fixReadyGuardHolds(null as never)).toBe(false);
    expect(verified([null as never])).toBe(false);
  });

  it("still holds through a verified link while a branch moves", () => {
    const f = world({
      fixes: [link, c1, c2],
      fixVerifications: [{ fixId: "l-1", verifierId: "u-bob", sha: null }],
      fixBranches: [{ ref: BRANCH, headSha: SHA3 }],
    });
    expect(fixReadyGuardHolds(f)).toBe(true);
  });
});

describe("stale verifications", () => {
  it("marks a commit whose latest verification is not its branch's head", () => {
    const v = [{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }];
    expect(isStale(world({ fixVerifications: v }), c2)).toBe(false);
    const moved = world({ fixVerifications: v, fixBranches: [{ ref: BRANCH, headSha: SHA3 }] });
    expect(isStale(moved, c2)).toBe(true);
    expect(isStale(world({ fixVerifications: v, fixBranches: [] }), c2)).toBe(true);
    expect(isStale(world(), c2)).toBe(false); // never verified: not stale, just unverified
    expect(
      isStale(world({ fixes: [link], fixVerifications: [{ fixId: "l-1", verifierId: "u-bob" }] }), link),
    ).toBe(false);
  });

  it("explains what went stale, or that nothing was verified", () => {
    const moved = world({
      fixVerifications: [{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }],
      fixBranches: [{ ref: BRANCH, headSha: SHA3 }],
    });
    expect(whyNotFixReady(moved)).toBe(
      "The fix branch fix/EMB-2026-0001 moved to 3333333 after 2222222 was verified; a second member must verify its current head.",
    );
    expect(whyNotFixReady(world())).toContain("No fix is verified");
  });
});

describe("decide with fix branches", () => {
  it("moves remediation to fix_ready when a second member verifies the head by SHA or by id", () => {
    expect(verify(report("remediation"), SHA2, "u-bob")).toMatchObject({ ok: true, to: "fix_ready" });
    expect(verify(report("remediation"), "c-2", "u-bob")).toMatchObject({ ok: true, to: "fix_ready" });
    expect(verify(report("remediation"), null, "u-bob")).toMatchObject({ ok: true, to: "fix_ready" });
  });

  it("refuses the pusher, the git author and a commit that is not the head, with the reason", () => {
    expect(verify(report("remediation"), SHA2, "u-alice")).toMatchObject({ ok: false, code: "guard_failed" });
    expect(verify(report("remediation"), SHA2, "u-dave")).toMatchObject({ ok: false });
    const old = verify(report("remediation"), SHA1, "u-bob");
    expect(old.ok ? "" : old.message).toContain(`verify ${SHA2} instead`);
  });

  it("refuses release once the verified head is no longer the head, and says why", () => {
    const verified = { fixVerifications: [{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }] };
    const release = { action: "release", passedVerificationId: "v-1", overrideReason: null } as const;
    expect(decide(report("fix_ready", verified), release)).toMatchObject({ ok: true, to: "released" });
    const moved = report("fix_ready", { ...verified, fixBranches: [{ ref: BRANCH, headSha: SHA3 }] });
    const d = decide(moved, release);
    expect(d.ok ? "" : d.message).toBe(
      "Cannot release yet. The fix branch fix/EMB-2026-0001 moved to 3333333 after 2222222 was verified; a second member must verify its current head.",
    );
    expect(decide(moved, { ...release, overrideReason: "Shipped by hand." }).ok).toBe(false);
  });

  it("says when a fix_ready report's verification went stale, and only then", () => {
    const verified = { fixVerifications: [{ fixId: "c-2", verifierId: "u-bob", sha: SHA2 }] };
    const moved = { ...verified, fixBranches: [{ ref: BRANCH, headSha: SHA3 }] };
    expect(fixReadyWentStale(report("fix_ready", verified))).toBe(false);
    expect(fixReadyWentStale(report("fix_ready", moved))).toBe(true);
    expect(fixReadyWentStale(report("remediation", moved))).toBe(false);
    expect(fixReadyWentStale(report("released", moved))).toBe(false);
    expect(fixReadyWentStale(null as never)).toBe(false);
  });
});

describe("helpers", () => {
  it("reads only full lowercase-able SHAs and a branch's single head", () => {
    expect(fullShaOf(SHA1.toUpperCase())).toBe(SHA1);
    expect(fullShaOf("g".repeat(40))).toBeNull();
    expect(fullShaOf(null)).toBeNull();
    expect(headOf(world(), BRANCH)).toBe(SHA2);
    expect(headOf(world(), "refs/heads/main")).toBeNull();
    expect(headOf(world(), "")).toBeNull();
  });
});
