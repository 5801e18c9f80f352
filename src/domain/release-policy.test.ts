import { describe, expect, it } from "vitest";
import { inZone, planRelease, policyTrack, RELEASE_TRACKS, type ReleasePlanInput } from "./release-policy.ts";
import { SEVERITIES, type Severity } from "./workflow-states.ts";

const NOW = new Date("2026-03-20T09:00:00Z");
const base = (over: Partial<ReleasePlanInput> = {}): ReleasePlanInput => ({
  severities: ["high"],
  publishAt: new Date("2026-03-29T10:00:00Z"),
  hasLists: false,
  prenotifyHours: 24,
  now: NOW,
  ...over,
});

const EXPECTED: Record<Severity, string> = {
  critical: "security",
  high: "security",
  medium: "minor",
  low: "regular",
  note: "regular",
};

describe("policyTrack", () => {
  it.each(SEVERITIES)("gives %s its track", (s) => expect(policyTrack([s])).toBe(EXPECTED[s]));

  it("follows the highest severity of every pair, in either order, and ignores unscored reports", () => {
    for (const a of SEVERITIES)
      for (const b of SEVERITIES) {
        const high = SEVERITIES.indexOf(a) > SEVERITIES.indexOf(b) ? a : b;
        expect(policyTrack([a, null, b])).toBe(EXPECTED[high]);
        expect(policyTrack([b, a])).toBe(EXPECTED[high]);
      }
  });

  it("has no track without a scored report, and ignores values that are not severities", () => {
    expect(policyTrack([])).toBeNull();
    expect(policyTrack([null, null])).toBeNull();
    expect(policyTrack(["urgent" as Severity, "__proto__" as Severity])).toBeNull();
    expect(policyTrack(["urgent" as Severity, "low"])).toBe("regular");
  });
});

describe("planRelease", () => {
  it("plans a security release told 24 h of real time before", () => {
    const r = planRelease(base());
    expect(r).toEqual({
      ok: true,
      plan: {
        track: "security",
        policyTrack: "security",
        overridden: false,
        publishAt: new Date("2026-03-29T10:00:00Z"),
        prenotifyAt: new Date("2026-03-28T10:00:00Z"),
      },
    });
  });

  it("keeps 24 real hours across a daylight-saving change, so the wall clock in Berlin moves by an hour", () => {
    const r = planRelease(base());
    if (!r.ok) throw new Error("expected a plan");
    // 28 March 2026 is CET (UTC+1); 29 March is CEST (UTC+2): 11:00 then 12:00 local, 24 hours apart.
    expect(inZone(r.plan.prenotifyAt as Date, "Europe/Berlin")).toBe("Sat 28 Mar 2026, 11:00 CET");
    expect(inZone(r.plan.publishAt, "Europe/Berlin")).toBe("Sun 29 Mar 2026, 12:00 CEST");
    // And in autumn, in New York (1 November 2026 ends EDT).
    const fall = planRelease(
      base({ publishAt: new Date("2026-11-01T15:00:00Z"), now: new Date("2026-10-01T00:00:00Z") }),
    );
    if (!fall.ok) throw new Error("expected a plan");
    expect(inZone(fall.plan.prenotifyAt as Date, "America/New_York")).toMatch(
      /^Sat 31 Oct 2026, 11:00 (EDT|GMT-4)$/,
    );
    expect(inZone(fall.plan.publishAt, "America/New_York")).toMatch(/^Sun 1 Nov 2026, 10:00 (EST|GMT-5)$/);
  });

  it.each([
    [["medium"], "minor"],
    [["low"], "regular"],
    [["note", "low"], "regular"],
  ] as const)("does not pre-notify a %s release without lists", (severities, track) => {
    const r = planRelease(base({ severities: [...severities] }));
    expect(r).toMatchObject({ ok: true, plan: { track, prenotifyAt: null } });
  });

  it("pre-notifies any track once lists are named, with the same default", () => {
    const r = planRelease(base({ severities: ["low"], hasLists: true }));
    expect(r).toMatchObject({
      ok: true,
      plan: { track: "regular", prenotifyAt: new Date("2026-03-28T10:00:00Z") },
    });
  });

  it("takes a given pre-notification time, and refuses one that is late, past, or pointless", () => {
    const at = new Date("2026-03-27T08:00:00Z");
    expect(planRelease(base({ prenotifyAt: at }))).toMatchObject({ ok: true, plan: { prenotifyAt: at } });
    expect(planRelease(base({ prenotifyAt: new Date("2026-03-29T10:00:00Z") }))).toMatchObject({
      ok: false,
      problems: { prenotifyAt: "The pre-notification must come before the publication time." },
    });
    expect(planRelease(base({ prenotifyAt: new Date("2026-03-19T10:00:00Z") }))).toMatchObject({
      ok: false,
      problems: { prenotifyAt: expect.stringContaining("has passed") },
    });
    expect(planRelease(base({ severities: ["medium"], prenotifyAt: at }))).toMatchObject({
      ok: false,
      problems: { prenotifyAt: expect.stringContaining("Nobody is pre-notified") },
    });
    expect(planRelease(base({ prenotifyAt: new Date("nonsense") }))).toMatchObject({
      ok: false,
      problems: { prenotifyAt: expect.stringContaining("ISO 8601") },
    });
  });

  it("refuses a security release too close to tell its lists 24 h before, naming the earliest time", () => {
    const r = planRelease(base({ publishAt: new Date("2026-03-20T20:00:00Z") }));
    expect(r).toMatchObject({
      ok: false,
      problems: { publishAt: expect.stringContaining("2026-03-21 09:00 UTC or later") },
    });
    // An explicit, shorter pre-notification is the team's choice.
    const short = planRelease(
      base({ publishAt: new Date("2026-03-20T20:00:00Z"), prenotifyAt: new Date("2026-03-20T10:00:00Z") }),
    );
    expect(short.ok).toBe(true);
  });

  it("refuses a publication time in the past or that is not a time", () => {
    expect(planRelease(base({ publishAt: new Date("2026-03-20T09:00:00Z") }))).toMatchObject({
      ok: false,
      problems: { publishAt: expect.stringContaining("has passed") },
    });
    expect(planRelease(base({ publishAt: new Date(Number.NaN) }))).toMatchObject({
      ok: false,
      problems: { publishAt: expect.stringContaining("ISO 8601") },
    });
  });

  it("needs a reason for every override, for every severity and track", () => {
    for (const severity of SEVERITIES)
      for (const track of RELEASE_TRACKS) {
        const same = EXPECTED[severity] === track;
        const bare = planRelease(base({ severities: [severity], track, hasLists: true }));
        expect(bare.ok).toBe(same);
        if (!same)
          expect(bare).toMatchObject({
            ok: false,
            problems: { trackOverrideReason: expect.stringContaining(EXPECTED[severity]) },
          });
        for (const blank of ["", "   ", "\u200b", null])
          expect(
            planRelease(base({ severities: [severity], track, hasLists: true, trackOverrideReason: blank }))
              .ok,
          ).toBe(same);
        const reasoned = planRelease(
          base({ severities: [severity], track, hasLists: true, trackOverrideReason: "Bundled with 2.4" }),
        );
        expect(reasoned).toMatchObject({
          ok: true,
          plan: { track, policyTrack: EXPECTED[severity], overridden: !same },
        });
      }
  });

  it("refuses an unknown track, an over-long reason, no reports, and unscored reports", () => {
    expect(planRelease(base({ track: "hotfix" as never }))).toMatchObject({
      ok: false,
      problems: { track: expect.any(String) },
    });
    expect(planRelease(base({ track: "regular", trackOverrideReason: "x".repeat(2001) }))).toMatchObject({
      ok: false,
      problems: { trackOverrideReason: expect.stringContaining("longer") },
    });
    expect(planRelease(base({ severities: [] }))).toMatchObject({
      ok: false,
      problems: { reports: expect.stringContaining("at least one") },
    });
    expect(planRelease(base({ severities: [null] }))).toMatchObject({
      ok: false,
      problems: { reports: expect.stringContaining("severity") },
    });
  });

  it("refuses a pre-notification setting that is not whole hours in range", () => {
    for (const hours of [-1, 1.5, Number.NaN, 721])
      expect(planRelease(base({ prenotifyHours: hours }))).toMatchObject({
        ok: false,
        problems: { prenotifyAt: expect.stringContaining("hours") },
      });
    expect(planRelease(base({ prenotifyHours: 0 }))).toMatchObject({
      ok: true,
      plan: { prenotifyAt: new Date("2026-03-29T10:00:00Z") },
    });
  });
});

describe("inZone", () => {
  it("answers null for an unknown zone instead of throwing", () => {
    expect(inZone(NOW, "Mars/Olympus")).toBeNull();
    expect(inZone(NOW, "")).toBeNull();
    expect(inZone(NOW, "UTC")).toBe("Fri 20 Mar 2026, 09:00 UTC");
  });
});
