import { describe, expect, it } from "vitest";
import {
  addBusinessDays,
  computeDeadlines,
  DEFAULT_SLA_POLICY,
  DUE_SOON_MS,
  evaluateSla,
  SLA_ITEM_LABELS,
  type SlaFacts,
  type SlaPolicy,
  validateSlaPolicy,
} from "./sla.ts";

const at = (iso: string) => new Date(iso);

function policy(over: Partial<SlaPolicy> = {}): SlaPolicy {
  return { ...DEFAULT_SLA_POLICY, ...over };
}

/** Adds business days and returns ISO text, which makes failures readable. */
function add(startIso: string, days: number, over: Partial<SlaPolicy> = {}): string {
  return addBusinessDays(at(startIso), days, policy(over)).toISOString();
}

/** The local wall-clock reading of an instant, to state expectations in the team's own time. */
function local(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short", timeStyle: "medium" }).format(d);
}

// 2026 calendar used below: 2026-03-02 is a Monday; 2026-03-27 Friday; 2026-12-24 Thursday; 2027-01-01 Friday.

describe("DEFAULT_SLA_POLICY", () => {
  it("is 1 business day to acknowledge, 5 to triage, updates every 14 days, resolution in 90, in UTC, weekends off, reminders 24 h ahead, needs-info expiring after 30 days", () => {
    expect(DEFAULT_SLA_POLICY).toEqual({
      acknowledgeBusinessDays: 1,
      triageBusinessDays: 5,
      updateIntervalDays: 14,
      resolutionDays: 90,
      timeZone: "UTC",
      weekendDays: [0, 6],
      holidays: [],
      reminderLeadHours: 24,
      needsInfoExpiryDays: 30,
    });
  });

  it("is frozen, lists included, so no caller can change everyone's defaults", () => {
    expect(Object.isFrozen(DEFAULT_SLA_POLICY)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.weekendDays)).toBe(true);
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.holidays)).toBe(true);
  });

  it("passes its own validation unchanged", () => {
    expect(validateSlaPolicy(DEFAULT_SLA_POLICY)).toEqual({ ok: true, value: DEFAULT_SLA_POLICY });
  });
});

describe("addBusinessDays from a business day", () => {
  it("keeps the wall-clock time on the next business day", () => {
    expect(add("2026-03-02T10:00:00Z", 1)).toBe("2026-03-03T10:00:00.000Z"); // Mon -> Tue
    expect(add("2026-03-02T10:00:00.123Z", 1)).toBe("2026-03-03T10:00:00.123Z");
  });

  it("skips the weekend", () => {
    expect(add("2026-03-06T10:00:00Z", 1)).toBe("2026-03-09T10:00:00.000Z"); // Fri -> Mon
    expect(add("2026-03-02T10:00:00Z", 5)).toBe("2026-03-09T10:00:00.000Z"); // Mon -> next Mon
    expect(add("2026-03-06T23:59:59Z", 1)).toBe("2026-03-09T23:59:59.000Z");
  });

  it("returns the start itself for zero days", () => {
    expect(add("2026-03-04T13:37:00Z", 0)).toBe("2026-03-04T13:37:00.000Z");
  });

  it("skips holidays, including across the year end", () => {
    const holidays = ["2026-12-25", "2027-01-01"];
    expect(add("2026-12-24T10:00:00Z", 1, { holidays })).toBe("2026-12-28T10:00:00.000Z"); // Thu -> Mon
    expect(add("2026-12-24T10:00:00Z", 5, { holidays })).toBe("2027-01-04T10:00:00.000Z");
    expect(add("2026-12-31T10:00:00Z", 1, { holidays })).toBe("2027-01-04T10:00:00.000Z");
  });

  it("honours other weekends, e.g. Friday and Saturday", () => {
    expect(add("2026-03-05T10:00:00Z", 1, { weekendDays: [5, 6] })).toBe("2026-03-08T10:00:00.000Z"); // Thu -> Sun
  });

  it("counts every day when there is no weekend", () => {
    expect(add("2026-03-06T10:00:00Z", 2, { weekendDays: [] })).toBe("2026-03-08T10:00:00.000Z");
  });

  it("handles leap days", () => {
    expect(add("2028-02-28T10:00:00Z", 1)).toBe("2028-02-29T10:00:00.000Z");
    expect(add("2027-02-26T10:00:00Z", 1)).toBe("2027-03-01T10:00:00.000Z"); // Fri -> Mon, no Feb 29
  });
});

describe("addBusinessDays from a non-business day", () => {
  it("counts the next business day fully: Saturday + 1 is the end of Monday", () => {
    expect(add("2026-03-07T15:00:00Z", 1)).toBe("2026-03-10T00:00:00.000Z"); // Sat -> Tue 00:00
    expect(add("2026-03-08T23:59:59Z", 1)).toBe("2026-03-10T00:00:00.000Z"); // Sun -> Tue 00:00
  });

  it("ends at midnight after the Nth business day, even if that midnight starts a non-business day", () => {
    expect(add("2026-03-07T15:00:00Z", 5)).toBe("2026-03-14T00:00:00.000Z"); // Sat -> end of Fri
  });

  it("gives the start of the next business day for zero days", () => {
    expect(add("2026-03-07T15:00:00Z", 0)).toBe("2026-03-09T00:00:00.000Z");
  });

  it("treats a holiday like a weekend day", () => {
    expect(add("2026-12-25T15:00:00Z", 1, { holidays: ["2026-12-25"] })).toBe("2026-12-29T00:00:00.000Z");
  });

  it("reads weekends and holidays in the policy's zone, not in UTC", () => {
    // Monday 00:30 in Berlin is still Sunday 23:30 in UTC.
    const berlin = { timeZone: "Europe/Berlin" };
    expect(add("2026-03-01T23:30:00Z", 1, berlin)).toBe("2026-03-02T23:30:00.000Z"); // Mon 00:30 -> Tue 00:30 CET
    // Saturday 01:00 in Tokyo is still Friday in UTC.
    const tokyo = { timeZone: "Asia/Tokyo" };
    expect(local(addBusinessDays(at("2026-03-06T16:00:00Z"), 1, policy(tokyo)), "Asia/Tokyo")).toBe(
      "2026-03-10 00:00:00",
    );
    // A holiday is a local date: 2026-12-25 in Los Angeles.
    const la = { timeZone: "America/Los_Angeles", holidays: ["2026-12-25"] };
    expect(local(addBusinessDays(at("2026-12-25T06:00:00Z"), 1, policy(la)), "America/Los_Angeles")).toBe(
      "2026-12-28 22:00:00",
    ); // Thu 22:00 local (already Friday in UTC); Friday is a local holiday, so Monday 22:00
  });
});

describe("addBusinessDays across DST", () => {
  it("keeps 10:00 Berlin time across the spring change (Europe/Berlin, 2026-03-29)", () => {
    const p = { timeZone: "Europe/Berlin" };
    const d = addBusinessDays(at("2026-03-27T09:00:00Z"), 1, policy(p)); // Fri 10:00 CET
    expect(d.toISOString()).toBe("2026-03-30T08:00:00.000Z"); // Mon 10:00 CEST, not 09:00Z
    expect(local(d, "Europe/Berlin")).toBe("2026-03-30 10:00:00");
  });

  it("keeps 10:00 Berlin time across the autumn change (Europe/Berlin, 2026-10-25)", () => {
    const d = addBusinessDays(at("2026-10-23T08:00:00Z"), 1, policy({ timeZone: "Europe/Berlin" })); // Fri 10:00 CEST
    expect(d.toISOString()).toBe("2026-10-26T09:00:00.000Z"); // Mon 10:00 CET
  });

  it("keeps 10:00 New York time across both changes (America/New_York, 2026-03-08 and 2026-11-01)", () => {
    const p = policy({ timeZone: "America/New_York" });
    expect(addBusinessDays(at("2026-03-06T15:00:00Z"), 1, p).toISOString()).toBe("2026-03-09T14:00:00.000Z");
    expect(addBusinessDays(at("2026-10-30T14:00:00Z"), 1, p).toISOString()).toBe("2026-11-02T15:00:00.000Z");
  });

  it("lands on local midnight after a DST weekend when starting on Saturday", () => {
    const d = addBusinessDays(at("2026-03-28T12:00:00Z"), 1, policy({ timeZone: "Europe/Berlin" }));
    expect(d.toISOString()).toBe("2026-03-30T22:00:00.000Z"); // Tue 00:00 CEST
    expect(local(d, "Europe/Berlin")).toBe("2026-03-31 00:00:00");
  });

  it("moves a wall-clock time that does not exist forward by the gap", () => {
    // 02:30 on 2026-03-29 does not exist in Berlin; the deadline becomes 03:30 CEST.
    const d = addBusinessDays(
      at("2026-03-28T01:30:00Z"),
      1,
      policy({ timeZone: "Europe/Berlin", weekendDays: [] }),
    );
    expect(d.toISOString()).toBe("2026-03-29T01:30:00.000Z");
    expect(local(d, "Europe/Berlin")).toBe("2026-03-29 03:30:00");
  });

  it("takes the earlier of two instants for a wall-clock time that happens twice", () => {
    // 02:30 on 2026-10-25 happens twice in Berlin; the earlier one (CEST) is 00:30Z.
    const d = addBusinessDays(
      at("2026-10-24T00:30:00Z"),
      1,
      policy({ timeZone: "Europe/Berlin", weekendDays: [] }),
    );
    expect(d.toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("handles zones without DST and with odd offsets", () => {
    expect(
      addBusinessDays(at("2026-03-02T04:30:00Z"), 1, policy({ timeZone: "Asia/Kolkata" })).toISOString(),
    ).toBe("2026-03-03T04:30:00.000Z");
    expect(
      addBusinessDays(at("2026-03-02T04:30:00Z"), 1, policy({ timeZone: "Asia/Kathmandu" })).toISOString(),
    ).toBe("2026-03-03T04:30:00.000Z");
  });

  it("handles the southern hemisphere (Australia/Sydney leaves DST on 2026-04-05)", () => {
    const d = addBusinessDays(at("2026-04-02T23:00:00Z"), 1, policy({ timeZone: "Australia/Sydney" })); // Fri 10:00 AEDT
    expect(local(d, "Australia/Sydney")).toBe("2026-04-06 10:00:00");
    expect(d.toISOString()).toBe("2026-04-06T00:00:00.000Z"); // AEST
  });
});

describe("addBusinessDays with hostile input", () => {
  it("refuses negative, fractional and non-numeric day counts", () => {
    for (const days of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1", null, 1e9]) {
      expect(() => addBusinessDays(at("2026-03-02T10:00:00Z"), days as number, DEFAULT_SLA_POLICY)).toThrow(
        RangeError,
      );
    }
  });

  it("refuses invalid and non-Date starts", () => {
    expect(() => addBusinessDays(new Date(Number.NaN), 1, DEFAULT_SLA_POLICY)).toThrow(RangeError);
    expect(() => addBusinessDays("2026-03-02" as never, 1, DEFAULT_SLA_POLICY)).toThrow(TypeError);
    expect(() => addBusinessDays(1_700_000_000_000 as never, 1, DEFAULT_SLA_POLICY)).toThrow(TypeError);
  });

  it("refuses a week without business days instead of looping forever", () => {
    expect(() =>
      addBusinessDays(at("2026-03-02T10:00:00Z"), 1, policy({ weekendDays: [0, 1, 2, 3, 4, 5, 6] })),
    ).toThrow("no business days");
  });

  it("terminates when holidays cover a long stretch", () => {
    const holidays = Array.from({ length: 366 }, (_, i) =>
      new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    );
    // 2026-01-01 … 2027-01-01 are all holidays; the next business day is Monday 2027-01-04.
    expect(add("2025-12-31T10:00:00Z", 1, { holidays })).toBe("2027-01-04T10:00:00.000Z");
  });

  it("refuses an unknown time zone", () => {
    expect(() =>
      addBusinessDays(at("2026-03-02T10:00:00Z"), 1, policy({ timeZone: "Mars/Olympus_Mons" })),
    ).toThrow(RangeError);
  });

  it("ignores holiday entries that are not dates", () => {
    expect(add("2026-03-02T10:00:00Z", 1, { holidays: ["__proto__", "", "2026-3-3"] })).toBe(
      "2026-03-03T10:00:00.000Z",
    );
  });

  it("does not mutate the start", () => {
    const start = at("2026-03-02T10:00:00Z");
    addBusinessDays(start, 3, DEFAULT_SLA_POLICY);
    expect(start.toISOString()).toBe("2026-03-02T10:00:00.000Z");
  });

  it("works for dates far from today, including the first century and before the common era", () => {
    expect(add("0050-03-02T10:00:00Z", 1, { weekendDays: [] })).toBe("0050-03-03T10:00:00.000Z");
    expect(add("-000010-06-15T12:00:00Z", 1, { weekendDays: [] })).toBe("-000010-06-16T12:00:00.000Z");
    expect(add("9999-12-30T10:00:00Z", 1, { weekendDays: [] })).toBe("9999-12-31T10:00:00.000Z");
  });
});

describe("computeDeadlines", () => {
  it("counts acknowledgement and triage in business days from receipt", () => {
    const d = computeDeadlines(at("2026-03-02T09:00:00Z"), DEFAULT_SLA_POLICY); // Mon
    expect(d.acknowledgeBy.toISOString()).toBe("2026-03-03T09:00:00.000Z");
    expect(d.triageBy.toISOString()).toBe("2026-03-09T09:00:00.000Z");
  });

  it("counts resolution in calendar days from receipt", () => {
    const d = computeDeadlines(at("2026-03-02T09:00:00Z"), DEFAULT_SLA_POLICY);
    expect(d.resolveBy.toISOString()).toBe("2026-05-31T09:00:00.000Z"); // a Sunday: calendar days ignore weekends
  });

  it("keeps the local time for resolution across DST", () => {
    const d = computeDeadlines(at("2026-03-01T09:00:00Z"), policy({ timeZone: "Europe/Berlin" })); // Sun 10:00 CET
    expect(d.acknowledgeBy.toISOString()).toBe("2026-03-02T23:00:00.000Z"); // end of Monday
    expect(d.triageBy.toISOString()).toBe("2026-03-06T23:00:00.000Z"); // end of Friday
    expect(d.resolveBy.toISOString()).toBe("2026-05-30T08:00:00.000Z"); // 10:00 CEST
  });

  it("follows the policy's numbers", () => {
    const p = policy({ acknowledgeBusinessDays: 0, triageBusinessDays: 10, resolutionDays: 1 });
    const d = computeDeadlines(at("2026-12-31T12:00:00Z"), p);
    expect(d.acknowledgeBy.toISOString()).toBe("2026-12-31T12:00:00.000Z");
    expect(d.triageBy.toISOString()).toBe("2027-01-14T12:00:00.000Z");
    expect(d.resolveBy.toISOString()).toBe("2027-01-01T12:00:00.000Z");
  });

  it("refuses an invalid receipt time", () => {
    expect(() => computeDeadlines(new Date(Number.NaN), DEFAULT_SLA_POLICY)).toThrow("receivedAt");
  });

  it("refuses a nonsensical resolution period", () => {
    expect(() =>
      computeDeadlines(at("2026-03-02T09:00:00Z"), policy({ resolutionDays: Number.NaN })),
    ).toThrow(RangeError);
    expect(() => computeDeadlines(at("2026-03-02T09:00:00Z"), policy({ resolutionDays: -5 }))).toThrow(
      RangeError,
    );
  });
});

describe("evaluateSla", () => {
  const RECEIVED = "2026-03-02T09:00:00Z"; // Monday; ack due Tue 09:00, triage due Mon 03-09 09:00, resolve 05-31 09:00

  function facts(over: Partial<SlaFacts> = {}): SlaFacts {
    return {
      receivedAt: at(RECEIVED),
      acknowledgedAt: null,
      triagedAt: null,
      resolvedAt: null,
      lastReporterUpdateAt: null,
      open: true,
      ...over,
    };
  }

  const evaluate = (over: Partial<SlaFacts>, nowIso: string, p: SlaPolicy = DEFAULT_SLA_POLICY) =>
    evaluateSla(facts(over), p, at(nowIso));

  it("lists acknowledge, triage and resolve for a new report, each with its label and deadline", () => {
    const r = evaluate({}, "2026-03-02T09:00:01Z");
    expect(r.items.map((i) => [i.key, i.label, i.dueAt.toISOString()])).toEqual([
      ["acknowledge", SLA_ITEM_LABELS.acknowledge, "2026-03-03T09:00:00.000Z"],
      ["triage", SLA_ITEM_LABELS.triage, "2026-03-09T09:00:00.000Z"],
      ["resolve", SLA_ITEM_LABELS.resolve, "2026-05-31T09:00:00.000Z"],
    ]);
    expect(r.items.every((i) => !i.met && i.metAt === null && !i.overdue)).toBe(true);
  });

  it("marks an item due soon within 24 hours of its deadline", () => {
    const r = evaluate({}, "2026-03-02T10:00:00Z");
    expect(r.items[0]).toMatchObject({ key: "acknowledge", dueSoon: true, overdue: false });
    expect(r.status).toBe("due_soon");
    expect(r.overdue).toEqual([]);
  });

  it("is due soon at exactly 24 hours and at the deadline itself, not a millisecond earlier", () => {
    const due = at("2026-03-03T09:00:00Z").getTime();
    expect(evaluateSla(facts(), DEFAULT_SLA_POLICY, new Date(due - DUE_SOON_MS - 1)).status).toBe("ok");
    expect(evaluateSla(facts(), DEFAULT_SLA_POLICY, new Date(due - DUE_SOON_MS)).status).toBe("due_soon");
    expect(evaluateSla(facts(), DEFAULT_SLA_POLICY, new Date(due)).status).toBe("due_soon");
  });

  it("is overdue a millisecond after the deadline", () => {
    const r = evaluate({}, "2026-03-03T09:00:00.001Z");
    expect(r.items[0]).toMatchObject({ key: "acknowledge", overdue: true, dueSoon: false });
    expect(r.status).toBe("overdue");
    expect(r.overdue).toEqual(["acknowledge"]);
  });

  it("lists every overdue item, in order", () => {
    const r = evaluate({}, "2027-01-01T00:00:00Z");
    expect(r.overdue).toEqual(["acknowledge", "triage", "resolve"]);
    expect(r.status).toBe("overdue");
  });

  it("prefers overdue over due soon", () => {
    const r = evaluate({ acknowledgedAt: at("2026-03-02T10:00:00Z") }, "2026-03-09T10:00:00Z");
    expect(r.overdue).toEqual(["triage"]);
    expect(r.status).toBe("overdue");
  });

  it("marks acknowledgement met when acknowledgedAt is set, even late, and never overdue after that", () => {
    const ackAt = at("2026-03-05T09:00:00Z");
    const r = evaluate({ acknowledgedAt: ackAt }, "2026-03-05T10:00:00Z");
    expect(r.items[0]).toEqual({
      key: "acknowledge",
      label: SLA_ITEM_LABELS.acknowledge,
      dueAt: at("2026-03-03T09:00:00Z"),
      met: true,
      metAt: ackAt,
      overdue: false,
      dueSoon: false,
      paused: false,
    });
  });

  it("adds the update item once acknowledged, due updateIntervalDays after the acknowledgement", () => {
    const r = evaluate({ acknowledgedAt: at("2026-03-02T12:00:00Z") }, "2026-03-04T12:00:00Z");
    expect(r.items.map((i) => i.key)).toEqual(["acknowledge", "triage", "update", "resolve"]);
    const update = r.items[2];
    expect(update).toMatchObject({ key: "update", met: false, metAt: null, overdue: false, dueSoon: false });
    expect(update?.dueAt.toISOString()).toBe("2026-03-16T12:00:00.000Z");
    expect(r.status).toBe("ok");
  });

  it("restarts the update clock at the last reporter-visible update", () => {
    const r = evaluate(
      { acknowledgedAt: at("2026-03-02T12:00:00Z"), lastReporterUpdateAt: at("2026-03-10T08:00:00Z") },
      "2026-03-20T12:00:00Z",
    );
    expect(r.items.find((i) => i.key === "update")?.dueAt.toISOString()).toBe("2026-03-24T08:00:00.000Z");
  });

  it("makes a silent report overdue for an update", () => {
    const r = evaluate(
      {
        acknowledgedAt: at("2026-03-02T12:00:00Z"),
        triagedAt: at("2026-03-03T12:00:00Z"),
        lastReporterUpdateAt: at("2026-03-03T12:00:00Z"),
      },
      "2026-03-18T12:00:00Z",
    );
    expect(r.overdue).toEqual(["update"]);
  });

  it("counts update intervals in local calendar days across DST", () => {
    const p = policy({ timeZone: "Europe/Berlin" });
    const r = evaluateSla(
      facts({ receivedAt: at("2026-03-19T09:00:00Z"), acknowledgedAt: at("2026-03-20T09:00:00Z") }),
      p,
      at("2026-03-21T09:00:00Z"),
    );
    expect(r.items.find((i) => i.key === "update")?.dueAt.toISOString()).toBe("2026-04-03T08:00:00.000Z");
  });

  it("has no update item before acknowledgement or once closed", () => {
    expect(evaluate({}, "2026-03-20T12:00:00Z").items.map((i) => i.key)).not.toContain("update");
    const closed = evaluate(
      { acknowledgedAt: at("2026-03-02T12:00:00Z"), open: false },
      "2026-03-20T12:00:00Z",
    );
    expect(closed.items.map((i) => i.key)).not.toContain("update");
  });

  it("never calls an unmet item of a closed report overdue or due soon", () => {
    const r = evaluate({ acknowledgedAt: at("2026-03-02T12:00:00Z"), open: false }, "2027-06-01T00:00:00Z");
    expect(r.items.some((i) => i.overdue || i.dueSoon)).toBe(false);
    expect(r.overdue).toEqual([]);
    expect(r.status).toBe("ok");
  });

  it("reports met when every target is met", () => {
    const r = evaluate(
      {
        acknowledgedAt: at("2026-03-02T10:00:00Z"),
        triagedAt: at("2026-03-04T10:00:00Z"),
        resolvedAt: at("2026-04-01T10:00:00Z"),
        open: false,
      },
      "2026-04-02T10:00:00Z",
    );
    expect(r.status).toBe("met");
    expect(r.items.map((i) => i.metAt?.toISOString())).toEqual([
      "2026-03-02T10:00:00.000Z",
      "2026-03-04T10:00:00.000Z",
      "2026-04-01T10:00:00.000Z",
    ]);
  });

  it("is never met while a report is open and acknowledged, because updates keep falling due", () => {
    const r = evaluate(
      {
        acknowledgedAt: at("2026-03-02T10:00:00Z"),
        triagedAt: at("2026-03-04T10:00:00Z"),
        resolvedAt: at("2026-04-01T10:00:00Z"),
        lastReporterUpdateAt: at("2026-04-01T10:00:00Z"),
      },
      "2026-04-01T11:00:00Z",
    );
    expect(r.items.filter((i) => !i.met).map((i) => i.key)).toEqual(["update"]);
    expect(r.status).toBe("ok");
  });

  it("treats an open flag that is not exactly true as closed", () => {
    const r = evaluate({ open: "yes" as never }, "2027-01-01T00:00:00Z");
    expect(r.overdue).toEqual([]);
  });

  it("refuses invalid dates rather than guessing", () => {
    expect(() => evaluate({}, "not a date")).toThrow("now is an invalid date.");
    expect(() => evaluateSla(facts(), DEFAULT_SLA_POLICY, "2026-03-02" as never)).toThrow(TypeError);
    expect(() => evaluate({ receivedAt: new Date(Number.NaN) }, RECEIVED)).toThrow("receivedAt");
    expect(() => evaluate({ acknowledgedAt: new Date(Number.NaN) }, RECEIVED)).toThrow("acknowledgedAt");
    expect(() => evaluate({ lastReporterUpdateAt: "2026-03-02" as never }, RECEIVED)).toThrow(TypeError);
  });

  it("does not share Date objects with the caller's facts", () => {
    const ackAt = at("2026-03-02T10:00:00Z");
    const r = evaluate({ acknowledgedAt: ackAt }, "2026-03-02T11:00:00Z");
    r.items[0]?.metAt?.setTime(0);
    expect(ackAt.toISOString()).toBe("2026-03-02T10:00:00.000Z");
  });

  it("is deterministic: the same input at the same now gives the same picture", () => {
    const f = facts({ acknowledgedAt: at("2026-03-02T10:00:00Z") });
    expect(evaluateSla(f, DEFAULT_SLA_POLICY, at("2026-03-05T00:00:00Z"))).toEqual(
      evaluateSla(f, DEFAULT_SLA_POLICY, at("2026-03-05T00:00:00Z")),
    );
  });
});

describe("validateSlaPolicy", () => {
  const valid = {
    acknowledgeBusinessDays: 2,
    triageBusinessDays: 10,
    updateIntervalDays: 7,
    resolutionDays: 120,
    timeZone: "Europe/Berlin",
    weekendDays: [6, 0],
    holidays: ["2026-12-26", "2026-12-25"],
    reminderLeadHours: 8,
    needsInfoExpiryDays: 14,
  };

  const errorsOf = (input: unknown): Record<string, string> => {
    const r = validateSlaPolicy(input);
    if (r.ok) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
    return r.errors;
  };

  it("accepts a complete policy and returns it in canonical form (sorted lists)", () => {
    expect(validateSlaPolicy(valid)).toEqual({
      ok: true,
      value: { ...valid, weekendDays: [0, 6], holidays: ["2026-12-25", "2026-12-26"] },
    });
  });

  it("fills missing fields from the defaults", () => {
    expect(validateSlaPolicy({})).toEqual({ ok: true, value: DEFAULT_SLA_POLICY });
    expect(validateSlaPolicy({ triageBusinessDays: 3 })).toEqual({
      ok: true,
      value: { ...DEFAULT_SLA_POLICY, triageBusinessDays: 3 },
    });
  });

  it("accepts numbers sent as decimal text by HTML forms", () => {
    const r = validateSlaPolicy({
      acknowledgeBusinessDays: " 3 ",
      resolutionDays: "365",
      weekendDays: ["5", "6"],
    });
    expect(r).toEqual({
      ok: true,
      value: { ...DEFAULT_SLA_POLICY, acknowledgeBusinessDays: 3, resolutionDays: 365, weekendDays: [5, 6] },
    });
  });

  it("ignores unknown fields and does not copy them", () => {
    const r = validateSlaPolicy({ ...valid, isAdmin: true, __proto__: { timeZone: "Mars/Base" } });
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.value).sort()).toEqual(Object.keys(DEFAULT_SLA_POLICY).sort());
  });

  it("does not mutate the input lists", () => {
    const input = { weekendDays: [6, 0], holidays: ["2026-12-26", "2026-12-25"] };
    validateSlaPolicy(input);
    expect(input).toEqual({ weekendDays: [6, 0], holidays: ["2026-12-26", "2026-12-25"] });
  });

  it("refuses input that is not an object", () => {
    for (const input of [null, undefined, "policy", 42, true, [], [valid]]) {
      expect(errorsOf(input)).toEqual({ policy: "The SLA policy must be an object with its fields." });
    }
  });

  const ranges = [
    ["acknowledgeBusinessDays", 0, 30, "Enter a whole number of business days from 0 to 30."],
    ["triageBusinessDays", 0, 60, "Enter a whole number of business days from 0 to 60."],
    ["updateIntervalDays", 1, 90, "Enter a whole number of days from 1 to 90."],
    ["resolutionDays", 1, 365, "Enter a whole number of days from 1 to 365."],
  ] as const;

  it.each(ranges)("accepts %s at both ends of its range", (field, min, max) => {
    expect(validateSlaPolicy({ [field]: min })).toMatchObject({ ok: true, value: { [field]: min } });
    expect(validateSlaPolicy({ [field]: max })).toMatchObject({ ok: true, value: { [field]: max } });
  });

  it.each(ranges)("refuses %s outside its range or not a whole number", (field, min, max, message) => {
    for (const bad of [
      min - 1,
      max + 1,
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.MAX_SAFE_INTEGER,
      "",
      " ",
      "1.0",
      "1e1",
      "0x10",
      "-1",
      "٣",
      "99999999999999999999",
      null,
      true,
      [],
      {},
      [1],
    ]) {
      expect(errorsOf({ [field]: bad })).toEqual({ [field]: message });
    }
  });

  it("normalises -0 to 0", () => {
    const r = validateSlaPolicy({ acknowledgeBusinessDays: -0 });
    expect(r.ok && Object.is(r.value.acknowledgeBusinessDays, 0)).toBe(true);
  });

  it("accepts IANA zones and returns their canonical spelling", () => {
    for (const [input, canonical] of [
      ["Europe/Berlin", "Europe/Berlin"],
      ["America/New_York", "America/New_York"],
      ["europe/berlin", "Europe/Berlin"],
      [" Asia/Tokyo ", "Asia/Tokyo"],
      ["utc", "UTC"],
      ["Etc/GMT+1", "Etc/GMT+1"],
    ]) {
      expect(validateSlaPolicy({ timeZone: input })).toMatchObject({
        ok: true,
        value: { timeZone: canonical },
      });
    }
  });

  it("refuses unknown zones, offsets and non-strings", () => {
    const message = "Enter an IANA time zone name, such as Europe/Berlin or America/New_York.";
    for (const timeZone of [
      "Mars/Olympus_Mons",
      "",
      "   ",
      "+01:00",
      "UTC+1",
      "Z",
      "__proto__",
      "constructor",
      "Europe/Berlin\u0000",
      "Europe/Berlín",
      "../../etc/passwd",
      "a".repeat(1_000_000),
      42,
      null,
      ["UTC"],
    ]) {
      expect(errorsOf({ timeZone })).toEqual({ timeZone: message });
    }
  });

  it("accepts any weekend from none to six days", () => {
    expect(validateSlaPolicy({ weekendDays: [] })).toMatchObject({ ok: true, value: { weekendDays: [] } });
    expect(validateSlaPolicy({ weekendDays: [5] })).toMatchObject({ ok: true, value: { weekendDays: [5] } });
    expect(validateSlaPolicy({ weekendDays: "6" })).toMatchObject({ ok: true, value: { weekendDays: [6] } });
    expect(validateSlaPolicy({ weekendDays: [6, 5, 4, 3, 2, 1] })).toMatchObject({
      ok: true,
      value: { weekendDays: [1, 2, 3, 4, 5, 6] },
    });
  });

  it("refuses weekend days outside 0–6, repeated, or covering the whole week", () => {
    expect(errorsOf({ weekendDays: [7] })).toEqual({
      weekendDays: "Weekend days must be numbers from 0 (Sunday) to 6 (Saturday).",
    });
    for (const bad of [[-1], [1.5], ["sat"], [null], [Number.NaN], "__proto__", [[0]], null, {}]) {
      expect(Object.keys(errorsOf({ weekendDays: bad }))).toEqual(["weekendDays"]);
    }
    expect(errorsOf({ weekendDays: [0, 0] })).toEqual({
      weekendDays: "Each weekend day may be listed only once.",
    });
    expect(errorsOf({ weekendDays: [0, 1, 2, 3, 4, 5, 6] })).toEqual({
      weekendDays: "At least one day of the week must be a business day.",
    });
    expect(errorsOf({ weekendDays: Array(1_000_000).fill(0) })).toEqual({
      weekendDays: "Choose at most six weekend days.",
    });
  });

  it("accepts real dates, leap days included", () => {
    const holidays = ["2024-02-29", "2000-02-29", "2026-12-31", "2027-01-01"];
    expect(validateSlaPolicy({ holidays })).toMatchObject({
      ok: true,
      value: { holidays: ["2000-02-29", "2024-02-29", "2026-12-31", "2027-01-01"] },
    });
  });

  it("refuses dates that do not exist", () => {
    for (const date of [
      "2026-02-30",
      "2025-02-29",
      "1900-02-29",
      "2026-04-31",
      "2026-13-01",
      "2026-00-10",
      "2026-01-00",
    ]) {
      expect(errorsOf({ holidays: [date] })).toEqual({ holidays: `"${date}" is not a real date.` });
    }
  });

  it("refuses holidays not written YYYY-MM-DD", () => {
    for (const entry of [
      "2026-1-1",
      "26-01-01",
      "2026/01/01",
      "2026-01-01T00:00",
      "01.01.2026",
      "",
      "２０２６-01-01",
      20260101,
    ]) {
      expect(Object.keys(errorsOf({ holidays: [entry] }))).toEqual(["holidays"]);
    }
    expect(errorsOf({ holidays: [null] })).toEqual({ holidays: "null is not a date written YYYY-MM-DD." });
    expect(errorsOf({ holidays: [{}] })).toEqual({ holidays: "{} is not a date written YYYY-MM-DD." });
  });

  it("refuses a holiday listed twice", () => {
    expect(errorsOf({ holidays: ["2026-12-25", " 2026-12-25"] })).toEqual({
      holidays: '"2026-12-25" is listed twice.',
    });
  });

  it("summarises many bad holidays in one message", () => {
    expect(errorsOf({ holidays: ["x", "2026-02-30", "y"] })).toEqual({
      holidays: '"x" is not a date written YYYY-MM-DD. (and 2 more problems)',
    });
  });

  it("truncates long bad entries in its message", () => {
    expect(errorsOf({ holidays: ["z".repeat(10_000)] }).holidays).toBe(
      `"${"z".repeat(20)}…" is not a date written YYYY-MM-DD.`,
    );
  });

  it("accepts at most 366 holidays", () => {
    const days = (n: number) =>
      Array.from({ length: n }, (_, i) => new Date(Date.UTC(2028, 0, 1 + i)).toISOString().slice(0, 10));
    expect(validateSlaPolicy({ holidays: days(366) }).ok).toBe(true);
    expect(errorsOf({ holidays: days(367) })).toEqual({ holidays: "List at most 366 holidays." });
    expect(errorsOf({ holidays: Array(10_000_000) })).toEqual({ holidays: "List at most 366 holidays." });
  });

  it("accepts holidays as one text with commas or line breaks, as a textarea sends them", () => {
    expect(validateSlaPolicy({ holidays: "2026-12-25, 2026-12-26\r\n2027-01-01\n" })).toMatchObject({
      ok: true,
      value: { holidays: ["2026-12-25", "2026-12-26", "2027-01-01"] },
    });
    expect(validateSlaPolicy({ holidays: "" })).toMatchObject({ ok: true, value: { holidays: [] } });
    expect(errorsOf({ holidays: "2026-12-25 ".repeat(100_000) })).toEqual({
      holidays: "List at most 366 holidays.",
    });
  });

  it("refuses holidays that are neither a list nor text", () => {
    for (const bad of [null, 42, {}, true]) {
      expect(errorsOf({ holidays: bad })).toEqual({
        holidays: "Holidays must be a list of dates written YYYY-MM-DD.",
      });
    }
  });

  it("reports every problem at once, keyed by field name", () => {
    expect(
      errorsOf({
        acknowledgeBusinessDays: -1,
        triageBusinessDays: 61,
        updateIntervalDays: 0,
        resolutionDays: 366,
        timeZone: "Nowhere/Special",
        weekendDays: [0, 1, 2, 3, 4, 5, 6],
        holidays: ["2026-02-30"],
      }),
    ).toEqual({
      acknowledgeBusinessDays: "Enter a whole number of business days from 0 to 30.",
      triageBusinessDays: "Enter a whole number of business days from 0 to 60.",
      updateIntervalDays: "Enter a whole number of days from 1 to 90.",
      resolutionDays: "Enter a whole number of days from 1 to 365.",
      timeZone: "Enter an IANA time zone name, such as Europe/Berlin or America/New_York.",
      weekendDays: "At least one day of the week must be a business day.",
      holidays: '"2026-02-30" is not a real date.',
    });
  });

  it("reads only own fields, not the prototype chain", () => {
    const inherited = Object.create({ timeZone: "Mars/Base", resolutionDays: -1 }) as object;
    expect(validateSlaPolicy(inherited)).toEqual({ ok: true, value: DEFAULT_SLA_POLICY });
    const fromJson = JSON.parse('{"__proto__": {"resolutionDays": 5}, "triageBusinessDays": 4}');
    expect(validateSlaPolicy(fromJson)).toEqual({
      ok: true,
      value: { ...DEFAULT_SLA_POLICY, triageBusinessDays: 4 },
    });
  });

  it("produces a policy the deadline functions accept", () => {
    const r = validateSlaPolicy(valid);
    if (!r.ok) throw new Error("expected a valid policy");
    // Thursday 10:00 in Berlin; 25th and 26th are holidays, 27th a Sunday: two business days end Tuesday 10:00.
    expect(computeDeadlines(at("2026-12-24T09:00:00Z"), r.value).acknowledgeBy.toISOString()).toBe(
      "2026-12-29T09:00:00.000Z",
    );
  });
});

describe("evaluateSla with promised deadlines", () => {
  it("uses the deadlines stored at receipt instead of recomputing them from a changed policy", () => {
    const receivedAt = new Date("2026-03-02T09:00:00Z");
    const promised = {
      acknowledgeBy: new Date("2026-03-03T09:00:00Z"),
      triageBy: new Date("2026-03-09T09:00:00Z"),
      resolveBy: new Date("2026-05-31T09:00:00Z"),
    };
    const stricter = { ...DEFAULT_SLA_POLICY, acknowledgeBusinessDays: 0 };
    const facts = {
      receivedAt,
      acknowledgedAt: null,
      triagedAt: null,
      resolvedAt: null,
      lastReporterUpdateAt: null,
      open: true,
    };
    const now = new Date("2026-03-02T12:00:00Z");
    expect(evaluateSla(facts, stricter, now).overdue).toContain("acknowledge");
    const kept = evaluateSla({ ...facts, deadlines: promised }, stricter, now);
    expect(kept.overdue).toEqual([]);
    expect(kept.items.find((i) => i.key === "acknowledge")?.dueAt).toEqual(promised.acknowledgeBy);
    expect(kept.items.find((i) => i.key === "resolve")?.dueAt).toEqual(promised.resolveBy);
  });
});
