import { describe, expect, it } from "vitest";
import {
  addBusinessMs,
  businessMsBetween,
  computeDeadlines,
  DEFAULT_SLA_POLICY,
  evaluateSla,
  needsInfoExpiresAt,
  type PausedReport,
  resumeSlaClock,
  type SlaPolicy,
  slaNoticesDue,
  validateSlaPolicy,
} from "./sla.ts";

const HOUR = 60 * 60 * 1000;
const at = (iso: string) => new Date(iso);

// Europe/Berlin is UTC+1 until 2026-03-29, then UTC+2. 2026-03-02 is a Monday.
const berlin: SlaPolicy = { ...DEFAULT_SLA_POLICY, timeZone: "Europe/Berlin" };
const withHoliday = (...holidays: string[]): SlaPolicy => ({ ...berlin, holidays });

/** A report received Monday 2026-03-02 10:00 Berlin and acknowledged half an hour later. */
function received(policy: SlaPolicy = berlin): Omit<PausedReport, "pausedSince" | "lastReporterUpdateAt"> {
  return {
    deadlines: computeDeadlines(at("2026-03-02T09:00:00Z"), policy),
    acknowledgedAt: at("2026-03-02T09:30:00Z"),
    triagedAt: null,
    resolvedAt: null,
    pausedMs: 0,
  };
}

/** The report waiting since `since`, the request being the last reporter-visible update. */
function waiting(since: string, policy: SlaPolicy = berlin, over: Partial<PausedReport> = {}): PausedReport {
  return { ...received(policy), pausedSince: at(since), lastReporterUpdateAt: at(since), ...over };
}

describe("businessMsBetween", () => {
  it("counts only the business parts of a span over a weekend (Berlin)", () => {
    // Fri 16:00 → Mon 10:00 local: 8 hours of Friday and 10 of Monday.
    expect(businessMsBetween(at("2026-03-06T15:00:00Z"), at("2026-03-09T09:00:00Z"), berlin)).toBe(18 * HOUR);
  });

  it("skips holidays as well as weekends", () => {
    const policy = withHoliday("2026-03-09");
    expect(businessMsBetween(at("2026-03-06T15:00:00Z"), at("2026-03-10T09:00:00Z"), policy)).toBe(18 * HOUR);
  });

  it("is zero inside a weekend and for empty or reversed spans", () => {
    expect(businessMsBetween(at("2026-03-07T08:00:00Z"), at("2026-03-08T20:00:00Z"), berlin)).toBe(0);
    const t = at("2026-03-04T10:00:00Z");
    expect(businessMsBetween(t, t, berlin)).toBe(0);
    expect(businessMsBetween(at("2026-03-05T10:00:00Z"), t, berlin)).toBe(0);
  });

  it("reckons local midnights, not UTC ones", () => {
    // Friday 23:30 Berlin is 22:30 UTC; only 30 minutes of Friday are left.
    expect(businessMsBetween(at("2026-03-06T22:30:00Z"), at("2026-03-07T12:00:00Z"), berlin)).toBe(HOUR / 2);
  });

  it("refuses invalid instants and a week without business days", () => {
    expect(() => businessMsBetween(new Date(Number.NaN), at("2026-03-02T00:00:00Z"), berlin)).toThrow(
      RangeError,
    );
    expect(() => businessMsBetween("2026-03-02" as never, at("2026-03-02T00:00:00Z"), berlin)).toThrow(
      TypeError,
    );
    const allWeekend = { ...berlin, weekendDays: [0, 1, 2, 3, 4, 5, 6] };
    expect(() =>
      businessMsBetween(at("2026-03-02T00:00:00Z"), at("2026-03-03T00:00:00Z"), allWeekend),
    ).toThrow("no business days");
  });
});

describe("addBusinessMs", () => {
  it("continues after the weekend", () => {
    // Fri 20:00 local + 6 business hours: 4 on Friday, 2 on Monday.
    expect(addBusinessMs(at("2026-03-06T19:00:00Z"), 6 * HOUR, berlin).toISOString()).toBe(
      "2026-03-09T01:00:00.000Z",
    );
  });

  it("stays at the end of a business day when the time runs out exactly there", () => {
    expect(addBusinessMs(at("2026-03-06T19:00:00Z"), 4 * HOUR, berlin).toISOString()).toBe(
      "2026-03-06T23:00:00.000Z", // Saturday 00:00 Berlin
    );
  });

  it("starting on a weekend, counts from the next business day; holidays are skipped", () => {
    const policy = withHoliday("2026-03-09");
    expect(addBusinessMs(at("2026-03-07T12:00:00Z"), 3 * HOUR, policy).toISOString()).toBe(
      "2026-03-10T02:00:00.000Z", // Tue 03:00 Berlin
    );
  });

  it("adds nothing for zero and refuses negative, huge or non-numeric amounts", () => {
    const t = at("2026-03-07T12:00:00Z");
    expect(addBusinessMs(t, 0, berlin)).toEqual(t);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e15, "5" as never]) {
      expect(() => addBusinessMs(t, bad, berlin)).toThrow(RangeError);
    }
  });

  it("is the inverse of businessMsBetween across a holiday weekend", () => {
    const policy = withHoliday("2026-03-06", "2026-03-09");
    const from = at("2026-03-05T14:15:00Z");
    for (const hours of [1, 9, 10, 11, 24, 33, 50]) {
      const to = addBusinessMs(from, hours * HOUR, policy);
      expect(businessMsBetween(from, to, policy)).toBe(hours * HOUR);
    }
  });
});

describe("resumeSlaClock", () => {
  it("starts from the deadlines promised at receipt (triage Mon 2026-03-09 10:00 Berlin)", () => {
    const d = received().deadlines;
    expect(d.triageBy.toISOString()).toBe("2026-03-09T09:00:00.000Z");
    expect(d.resolveBy.toISOString()).toBe("2026-05-31T08:00:00.000Z"); // 10:00 summer time
  });

  it("moves running deadlines back by a pause across a weekend: business targets by business time only", () => {
    // Asked Thu 10:00, answered Mon 10:00: 48 business hours (Thu 14 + Fri 24 + Mon 10), 96 hours in all.
    const r = resumeSlaClock(waiting("2026-03-05T09:00:00Z"), at("2026-03-09T09:00:00Z"), berlin);
    expect(r.pauseMs).toBe(96 * HOUR);
    expect(r.pausedMs).toBe(96 * HOUR);
    expect(r.deadlines.triageBy.toISOString()).toBe("2026-03-11T09:00:00.000Z"); // Wed 10:00 Berlin
    expect(r.deadlines.resolveBy.toISOString()).toBe("2026-06-04T08:00:00.000Z");
    // Acknowledgement was met before the pause: it stays.
    expect(r.deadlines.acknowledgeBy).toEqual(received().deadlines.acknowledgeBy);
    // The update cadence restarts from the answer: the request was the last update.
    expect(r.lastReporterUpdateAt?.toISOString()).toBe("2026-03-09T09:00:00.000Z");
  });

  it("gives the holiday inside the pause for free", () => {
    const policy = withHoliday("2026-03-06");
    const r = resumeSlaClock(waiting("2026-03-05T09:00:00Z", policy), at("2026-03-09T09:00:00Z"), policy);
    // Triage (due Tue 10 at 10:00 with Friday off) moves by Thu 14 h + Mon 10 h = one business day.
    expect(received(policy).deadlines.triageBy.toISOString()).toBe("2026-03-10T09:00:00.000Z");
    expect(r.deadlines.triageBy.toISOString()).toBe("2026-03-11T09:00:00.000Z");
  });

  it("a pause wholly inside a weekend moves business targets by nothing and calendar targets by its length", () => {
    const r = resumeSlaClock(waiting("2026-03-07T09:00:00Z"), at("2026-03-08T21:00:00Z"), berlin);
    expect(r.deadlines.triageBy).toEqual(received().deadlines.triageBy);
    expect(r.deadlines.resolveBy.getTime()).toBe(received().deadlines.resolveBy.getTime() + 36 * HOUR);
  });

  it("a reply before the deadline moves it by the pause (same-day pause of six hours)", () => {
    const r = resumeSlaClock(waiting("2026-03-05T09:00:00Z"), at("2026-03-05T15:00:00Z"), berlin);
    expect(r.deadlines.triageBy.toISOString()).toBe("2026-03-09T15:00:00.000Z");
    const sla = evaluateSla(
      {
        receivedAt: at("2026-03-02T09:00:00Z"),
        acknowledgedAt: at("2026-03-02T09:30:00Z"),
        triagedAt: null,
        resolvedAt: null,
        lastReporterUpdateAt: r.lastReporterUpdateAt,
        open: true,
        deadlines: r.deadlines,
      },
      berlin,
      at("2026-03-09T12:00:00Z"), // after the original deadline, before the moved one
    );
    expect(sla.overdue).toEqual([]);
  });

  it("a reply after the original deadline leaves the report on time, with the remaining time restored", () => {
    // Asked Fri 10:00 (one business day before Mon 10:00), answered Wed 11 10:00.
    const r = resumeSlaClock(waiting("2026-03-06T09:00:00Z"), at("2026-03-11T09:00:00Z"), berlin);
    expect(r.deadlines.triageBy.toISOString()).toBe("2026-03-12T09:00:00.000Z"); // Thu 10:00: one day left
    const sla = evaluateSla(
      {
        receivedAt: at("2026-03-02T09:00:00Z"),
        acknowledgedAt: at("2026-03-02T09:30:00Z"),
        triagedAt: null,
        resolvedAt: null,
        lastReporterUpdateAt: r.lastReporterUpdateAt,
        open: true,
        deadlines: r.deadlines,
      },
      berlin,
      at("2026-03-11T09:00:00Z"),
    );
    expect(sla.overdue).toEqual([]);
    expect(sla.items.find((i) => i.key === "triage")?.dueAt.toISOString()).toBe("2026-03-12T09:00:00.000Z");
  });

  it("never erases a breach: a deadline missed before the pause stays where it was", () => {
    const r = resumeSlaClock(waiting("2026-03-10T09:00:00Z"), at("2026-03-12T09:00:00Z"), berlin);
    expect(r.deadlines.triageBy).toEqual(received().deadlines.triageBy);
    expect(r.deadlines.resolveBy.getTime()).toBe(received().deadlines.resolveBy.getTime() + 48 * HOUR);
  });

  it("leaves met deadlines alone", () => {
    const report = waiting("2026-03-04T09:00:00Z", berlin, { triagedAt: at("2026-03-03T09:00:00Z") });
    const r = resumeSlaClock(report, at("2026-03-05T09:00:00Z"), berlin);
    expect(r.deadlines.triageBy).toEqual(report.deadlines.triageBy);
    expect(r.deadlines.acknowledgeBy).toEqual(report.deadlines.acknowledgeBy);
  });

  it("adds up several pauses, each moving what is still running", () => {
    const first = resumeSlaClock(waiting("2026-03-03T09:00:00Z"), at("2026-03-03T13:00:00Z"), berlin);
    const second = resumeSlaClock(
      {
        ...received(),
        deadlines: first.deadlines,
        pausedMs: first.pausedMs,
        lastReporterUpdateAt: at("2026-03-04T09:00:00Z"),
        pausedSince: at("2026-03-04T09:00:00Z"),
      },
      at("2026-03-04T15:00:00Z"),
      berlin,
    );
    expect(first.pausedMs).toBe(4 * HOUR);
    expect(second.pausedMs).toBe(10 * HOUR);
    expect(second.deadlines.triageBy.toISOString()).toBe("2026-03-09T19:00:00.000Z"); // Mon 20:00 Berlin
    expect(second.deadlines.resolveBy.getTime()).toBe(received().deadlines.resolveBy.getTime() + 10 * HOUR);
  });

  it("moves the update cadence only by the part of the pause after the last update", () => {
    // A team message during the pause (Fri) restarts the cadence from the answer.
    const during = resumeSlaClock(
      waiting("2026-03-03T09:00:00Z", berlin, { lastReporterUpdateAt: at("2026-03-06T09:00:00Z") }),
      at("2026-03-09T09:00:00Z"),
      berlin,
    );
    expect(during.lastReporterUpdateAt?.toISOString()).toBe("2026-03-09T09:00:00.000Z");
    // An update before the pause keeps its distance to the answer.
    const before = resumeSlaClock(
      waiting("2026-03-05T09:00:00Z", berlin, { lastReporterUpdateAt: at("2026-03-04T09:00:00Z") }),
      at("2026-03-06T09:00:00Z"),
      berlin,
    );
    expect(before.lastReporterUpdateAt?.toISOString()).toBe("2026-03-05T09:00:00.000Z");
  });

  it("treats a negative or missing earlier total as zero and a reply before the request as no pause", () => {
    const r = resumeSlaClock(
      waiting("2026-03-05T09:00:00Z", berlin, { pausedMs: -5 }),
      at("2026-03-05T08:00:00Z"),
      berlin,
    );
    expect(r.pauseMs).toBe(0);
    expect(r.pausedMs).toBe(0);
    expect(r.deadlines).toEqual(received().deadlines);
  });

  it("refuses invalid instants", () => {
    expect(() => resumeSlaClock(waiting("2026-03-05T09:00:00Z"), new Date(Number.NaN), berlin)).toThrow(
      "resumedAt",
    );
    expect(() =>
      resumeSlaClock(
        { ...waiting("2026-03-05T09:00:00Z"), pausedSince: "x" as never },
        at("2026-03-06"),
        berlin,
      ),
    ).toThrow("pausedSince");
  });
});

describe("evaluateSla while waiting for the reporter", () => {
  const facts = (pausedSince: string | null) => ({
    receivedAt: at("2026-03-02T09:00:00Z"),
    acknowledgedAt: at("2026-03-02T09:30:00Z"),
    triagedAt: null,
    resolvedAt: null,
    lastReporterUpdateAt: pausedSince ? at(pausedSince) : at("2026-03-02T09:30:00Z"),
    open: true,
    pausedSince: pausedSince ? at(pausedSince) : null,
  });

  it("freezes every deadline still ahead: not due soon, not overdue, however late it gets", () => {
    const r = evaluateSla(facts("2026-03-05T09:00:00Z"), berlin, at("2026-04-20T09:00:00Z"));
    expect(r.status).toBe("paused");
    expect(r.overdue).toEqual([]);
    expect(r.items.filter((i) => i.paused).map((i) => i.key)).toEqual(["triage", "update", "resolve"]);
    expect(r.items.some((i) => i.dueSoon)).toBe(false);
  });

  it("keeps a deadline that was already missed when the pause began overdue", () => {
    const r = evaluateSla(facts("2026-03-10T09:00:00Z"), berlin, at("2026-03-11T09:00:00Z"));
    expect(r.overdue).toEqual(["triage"]);
    expect(r.status).toBe("overdue");
  });

  it("is the ordinary picture without a pause", () => {
    const r = evaluateSla(facts(null), berlin, at("2026-03-10T09:00:00Z"));
    expect(r.items.every((i) => !i.paused)).toBe(true);
    expect(r.overdue).toEqual(["triage"]);
  });
});

describe("slaNoticesDue", () => {
  const evaluateAt = (now: string, over: Record<string, unknown> = {}) =>
    evaluateSla(
      {
        receivedAt: at("2026-03-02T09:00:00Z"),
        acknowledgedAt: at("2026-03-02T09:30:00Z"),
        triagedAt: null,
        resolvedAt: null,
        lastReporterUpdateAt: at("2026-03-02T09:30:00Z"),
        open: true,
        ...over,
      },
      berlin,
      at(now),
    ).items;

  it("asks for nothing while every deadline is further away than the lead time", () => {
    expect(slaNoticesDue(evaluateAt("2026-03-08T08:59:59Z"), at("2026-03-08T08:59:59Z"), berlin)).toEqual([]);
  });

  it("reminds once a deadline is within the lead time, from exactly that instant", () => {
    const now = at("2026-03-08T09:00:00Z"); // triage due in exactly 24 h
    expect(slaNoticesDue(evaluateAt("2026-03-08T09:00:00Z"), now, berlin)).toEqual([
      { item: "triage", kind: "reminder", dueAt: at("2026-03-09T09:00:00Z") },
    ]);
    expect(
      slaNoticesDue(evaluateAt("2026-03-08T09:00:00Z"), now, { ...berlin, reminderLeadHours: 23 }),
    ).toEqual([]);
  });

  it("escalates a missed deadline instead of reminding", () => {
    const now = at("2026-03-09T09:00:01Z");
    expect(slaNoticesDue(evaluateAt("2026-03-09T09:00:01Z"), now, berlin)).toEqual([
      { item: "triage", kind: "breach", dueAt: at("2026-03-09T09:00:00Z") },
    ]);
  });

  it("asks for nothing for met or paused deadlines", () => {
    const triaged = evaluateAt("2026-03-09T10:00:00Z", { triagedAt: at("2026-03-03T09:00:00Z") });
    expect(slaNoticesDue(triaged, at("2026-03-09T10:00:00Z"), berlin)).toEqual([]);
    const paused = evaluateAt("2026-03-09T10:00:00Z", { pausedSince: at("2026-03-05T09:00:00Z") });
    expect(slaNoticesDue(paused, at("2026-03-09T10:00:00Z"), berlin)).toEqual([]);
  });

  it("refuses a nonsense lead time", () => {
    expect(() => slaNoticesDue([], at("2026-03-09T10:00:00Z"), { reminderLeadHours: -1 })).toThrow(
      RangeError,
    );
    expect(() => slaNoticesDue([], at("2026-03-09T10:00:00Z"), { reminderLeadHours: Number.NaN })).toThrow(
      RangeError,
    );
  });
});

describe("needsInfoExpiresAt", () => {
  it("is the configured number of calendar days later, at the same local time across a DST change", () => {
    // 2026-03-20 10:00 Berlin (UTC+1) + 30 days = 2026-04-19 10:00 Berlin (UTC+2).
    expect(needsInfoExpiresAt(at("2026-03-20T09:00:00Z"), berlin).toISOString()).toBe(
      "2026-04-19T08:00:00.000Z",
    );
    expect(
      needsInfoExpiresAt(at("2026-03-20T09:00:00Z"), { ...berlin, needsInfoExpiryDays: 1 }).toISOString(),
    ).toBe("2026-03-21T09:00:00.000Z");
  });

  it("refuses invalid input", () => {
    expect(() => needsInfoExpiresAt(new Date(Number.NaN), berlin)).toThrow(RangeError);
    for (const days of [0, -3, 1.5, Number.NaN]) {
      expect(() =>
        needsInfoExpiresAt(at("2026-03-20T09:00:00Z"), { ...berlin, needsInfoExpiryDays: days }),
      ).toThrow(RangeError);
    }
  });
});

describe("validateSlaPolicy: reminder lead time and needs-info expiry", () => {
  it("defaults to 24 hours and 30 days and accepts form text", () => {
    expect(validateSlaPolicy({})).toMatchObject({
      ok: true,
      value: { reminderLeadHours: 24, needsInfoExpiryDays: 30 },
    });
    expect(validateSlaPolicy({ reminderLeadHours: " 8 ", needsInfoExpiryDays: "14" })).toMatchObject({
      ok: true,
      value: { reminderLeadHours: 8, needsInfoExpiryDays: 14 },
    });
  });

  it.each([0, 721, -1, 1.5, "abc", "", null, [], {}])(
    "names the field for a reminder lead time of %j",
    (bad) => {
      const r = validateSlaPolicy({ reminderLeadHours: bad });
      expect(r).toEqual({
        ok: false,
        errors: { reminderLeadHours: "Enter a whole number of hours from 1 to 720." },
      });
    },
  );

  it.each([0, 366, -30, 2.5, "thirty", true])("names the field for a needs-info expiry of %j", (bad) => {
    const r = validateSlaPolicy({ needsInfoExpiryDays: bad });
    expect(r).toEqual({
      ok: false,
      errors: { needsInfoExpiryDays: "Enter a whole number of days from 1 to 365." },
    });
  });
});

describe("evaluateSla: hostile pause facts", () => {
  it("refuses an invalid pausedSince instead of ignoring it", () => {
    const facts = {
      receivedAt: at("2026-03-02T09:00:00Z"),
      acknowledgedAt: null,
      triagedAt: null,
      resolvedAt: null,
      lastReporterUpdateAt: null,
      open: true,
    };
    expect(() =>
      evaluateSla({ ...facts, pausedSince: new Date(Number.NaN) }, berlin, at("2026-03-03")),
    ).toThrow("pausedSince is an invalid date.");
    expect(() =>
      evaluateSla({ ...facts, pausedSince: "2026-03-02" as never }, berlin, at("2026-03-03")),
    ).toThrow(TypeError);
  });

  it("ignores a pause on a closed report: nothing is pending", () => {
    const r = evaluateSla(
      {
        receivedAt: at("2026-03-02T09:00:00Z"),
        acknowledgedAt: null,
        triagedAt: null,
        resolvedAt: null,
        lastReporterUpdateAt: null,
        open: false,
        pausedSince: at("2026-03-02T10:00:00Z"),
      },
      berlin,
      at("2026-04-03T09:00:00Z"),
    );
    expect(r.items.some((i) => i.paused || i.overdue)).toBe(false);
  });
});
