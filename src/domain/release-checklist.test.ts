import { describe, expect, it } from "vitest";
import {
  type ChecklistFacts,
  type ChecklistReport,
  releaseChecklist,
  scheduleAllowed,
} from "./release-checklist.ts";

const ready = (reference: string, over: Partial<ChecklistReport> = {}): ChecklistReport => ({
  reference,
  state: "fix_ready",
  currentVerification: true,
  consultation: { kind: "confirmed" },
  packageVerification: { kind: "passed" },
  creditConfirmed: true,
  ...over,
});

const facts = (over: Partial<ChecklistFacts> = {}): ChecklistFacts => ({
  reports: [ready("EMB-1")],
  advisories: [{ id: "EMBSA-2026-0001", state: "approved", cveId: "CVE-2026-1234", noCveReason: null }],
  recipients: [{ list: "Distros", name: "Debian", keyProblem: null }],
  custom: [],
  ...over,
});

const byKey = (f: ChecklistFacts) => Object.fromEntries(releaseChecklist(f).map((i) => [i.key, i]));

describe("releaseChecklist", () => {
  it("is all done for a release that is ready, saying why each item holds", () => {
    const items = releaseChecklist(facts());
    expect(items.map((i) => [i.key, i.done])).toEqual([
      ["fixes", true],
      ["consultation", true],
      ["package_verification", true],
      ["advisories_approved", true],
      ["cve_ids", true],
      ["recipient_keys", true],
      ["credits", true],
    ]);
    expect(items.every((i) => i.why.length > 0)).toBe(true);
    expect(scheduleAllowed(items, null)).toEqual({ ok: true });
  });

  it("names each report that holds an item up, and why", () => {
    const f = facts({
      reports: [
        ready("EMB-1"),
        ready("EMB-2", { state: "remediation" }),
        ready("EMB-3", { currentVerification: false }),
        ready("EMB-4", { consultation: { kind: "disputed" } }),
        ready("EMB-5", { consultation: { kind: "invited" }, packageVerification: { kind: "failed" } }),
        ready("EMB-6", {
          consultation: { kind: "waived", reason: "Reporter unreachable" },
          packageVerification: { kind: "overridden", reason: "Source-only release" },
          creditConfirmed: false,
        }),
      ],
    });
    const k = byKey(f);
    expect(k.fixes).toMatchObject({ done: false, why: "Not yet: EMB-2, EMB-3." });
    expect(k.consultation).toMatchObject({
      done: false,
      why: expect.stringContaining("EMB-4 (the reporter says it does not fix it)"),
    });
    expect(k.consultation?.why).toContain("EMB-5 (waiting for the reporter)");
    expect(k.consultation?.why).not.toContain("EMB-6");
    expect(k.package_verification).toMatchObject({ done: false, why: "Not yet: EMB-5 (failed)." });
    expect(k.credits).toMatchObject({ done: false, why: "Not yet: EMB-6." });
  });

  it("shortens long lists", () => {
    const reports = Array.from({ length: 7 }, (_, i) => ready(`EMB-${i}`, { creditConfirmed: false }));
    expect(byKey(facts({ reports })).credits?.why).toBe("Not yet: EMB-0, EMB-1, EMB-2 and 4 more.");
  });

  it("checks advisories: approval, CVE or a reason, withdrawn ones ignored, none attached", () => {
    const k = byKey(
      facts({
        advisories: [
          { id: "A-1", state: "draft", cveId: null, noCveReason: null },
          { id: "A-2", state: "in_review", cveId: null, noCveReason: "Not a CNA product" },
          { id: "A-3", state: "withdrawn", cveId: null, noCveReason: null },
          { id: "A-4", state: "approved", cveId: null, noCveReason: "  " },
        ],
      }),
    );
    expect(k.advisories_approved?.why).toBe("Not yet: A-1 (draft), A-2 (in review).");
    expect(k.cve_ids?.why).toBe("Missing: A-1, A-4.");
    expect(byKey(facts({ advisories: [] })).advisories_approved).toMatchObject({
      done: false,
      why: "No advisory is attached to the release yet.",
    });
  });

  it("names recipients whose key is unusable, and is done when nobody is pre-notified", () => {
    const k = byKey(
      facts({
        recipients: [
          { list: "Distros", name: "Debian", keyProblem: "the key expired on 2026-10-01" },
          { list: "Distros", name: "Fedora", keyProblem: null },
        ],
      }),
    );
    expect(k.recipient_keys).toMatchObject({
      done: false,
      why: "Unusable: Debian on Distros (the key expired on 2026-10-01).",
    });
    expect(byKey(facts({ recipients: [] })).recipient_keys).toMatchObject({
      done: true,
      why: "Nobody is pre-notified.",
    });
  });

  it("adds members' own items after the computed ones", () => {
    const items = releaseChecklist(
      facts({
        custom: [
          { id: "c1", label: "Tell the docs team", done: true, note: "Mailed Priya" },
          { id: "c2", label: "Update the website", done: false, note: null },
        ],
      }),
    );
    expect(items.slice(-2)).toEqual([
      { key: "custom:c1", label: "Tell the docs team", done: true, why: "Mailed Priya" },
      { key: "custom:c2", label: "Update the website", done: false, why: "Not ticked yet." },
    ]);
  });
});

describe("scheduleAllowed", () => {
  it("needs every item done or a reason for the open ones", () => {
    const items = releaseChecklist(facts({ reports: [ready("EMB-1", { creditConfirmed: false })] }));
    expect(scheduleAllowed(items, null)).toEqual({
      ok: false,
      open: ["The reporters confirmed how they will be credited"],
    });
    for (const blank of ["", "  ", "\u200b", undefined]) expect(scheduleAllowed(items, blank).ok).toBe(false);
    expect(scheduleAllowed(items, "Reporter asked for anonymity by mail; recorded on EMB-1")).toEqual({
      ok: true,
    });
  });
});
