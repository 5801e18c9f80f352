import { describe, expect, it } from "vitest";
import {
  type Candidate,
  chooseResponseManager,
  describeUnavailability,
  explainChoice,
  explainRanking,
  formatDays,
  formatWorkingHours,
  lastAwayDate,
  subjectTags,
  unavailability,
  weightedLoad,
} from "./assignment.ts";

// Monday 2026-03-02 10:00 UTC
const NOW = new Date("2026-03-02T10:00:00Z");

const member = (overrides: Partial<Candidate> & { id: string }): Candidate => ({
  name: overrides.id.toUpperCase(),
  role: "responder",
  active: true,
  expertise: [],
  timeZone: "UTC",
  workingHours: null,
  awayPeriods: [],
  openReports: [],
  lastAssignedAt: null,
  ...overrides,
});

const web = { assetTags: ["web", "auth"], weakness: "CWE-79" };

describe("unavailability", () => {
  it.each([
    ["an active responder with no constraints", {}, null],
    ["a disabled member", { active: false }, "inactive"],
    ["a viewer", { role: "viewer" as const }, "viewer"],
    ["a member barred by another rule", { eligible: false }, "ineligible"],
    ["a member away today", { awayPeriods: [{ start: "2026-03-01", end: "2026-03-02" }] }, "away"],
    [
      "a member whose away period ended yesterday",
      { awayPeriods: [{ start: "2026-02-20", end: "2026-03-01" }] },
      null,
    ],
    [
      "a member whose away period starts tomorrow",
      { awayPeriods: [{ start: "2026-03-03", end: "2026-03-09" }] },
      null,
    ],
    ["inside working hours", { workingHours: { days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" } }, null],
    ["before working hours", { workingHours: { days: [1], start: "11:00", end: "17:00" } }, "outside_hours"],
    [
      "at the end of working hours (exclusive)",
      { workingHours: { days: [1], start: "06:00", end: "10:00" } },
      "outside_hours",
    ],
    ["not a working day", { workingHours: { days: [2, 3], start: "00:00", end: "23:59" } }, "outside_hours"],
    [
      "a night shift crossing midnight, early part",
      { workingHours: { days: [1], start: "22:00", end: "11:00" } },
      null,
    ],
    ["malformed working hours", { workingHours: { days: [1], start: "9am", end: "17:00" } }, "outside_hours"],
    ["an unknown time zone", { timeZone: "Mars/Olympus" }, "bad_time_zone"],
  ] as const)("%s", (_label, overrides, expected) => {
    expect(unavailability(member({ id: "a", ...(overrides as Partial<Candidate>) }), NOW)).toBe(expected);
  });

  it("reads away days and hours in the member's own time zone", () => {
    // 10:00 UTC on Monday is 19:00 Monday in Tokyo and 05:00 Monday in New York.
    const tokyo = member({
      id: "t",
      timeZone: "Asia/Tokyo",
      workingHours: { days: [1], start: "09:00", end: "18:00" },
    });
    const newYork = member({
      id: "n",
      timeZone: "America/New_York",
      workingHours: { days: [1], start: "04:00", end: "12:00" },
    });
    expect(unavailability(tokyo, NOW)).toBe("outside_hours");
    expect(unavailability(newYork, NOW)).toBeNull();
    // At 23:30 UTC on Sunday 1 March it is already Monday 2 March in Tokyo.
    const away = member({
      id: "x",
      timeZone: "Asia/Tokyo",
      awayPeriods: [{ start: "2026-03-02", end: "2026-03-02" }],
    });
    expect(unavailability(away, new Date("2026-03-01T23:30:00Z"))).toBe("away");
    expect(unavailability({ ...away, timeZone: "UTC" }, new Date("2026-03-01T23:30:00Z"))).toBeNull();
  });
});

describe("weightedLoad and subjectTags", () => {
  it("weighs open reports by severity, unscored as low", () => {
    expect(weightedLoad([])).toBe(0);
    expect(weightedLoad(["critical", "note", null])).toBe(5 + 1 + 2);
    expect(weightedLoad(["high", "high"])).toBeGreaterThan(weightedLoad(["low", "low", "low"]));
  });
  it("adds the weakness's implied tags and its CWE id to the asset's", () => {
    expect(subjectTags({ assetTags: ["Web", " API "], weakness: "CWE-89" })).toEqual([
      "web",
      "api",
      "sql",
      "injection",
      "database",
      "cwe-89",
    ]);
    expect(subjectTags({ assetTags: [], weakness: "other" })).toEqual([]);
    expect(subjectTags({ assetTags: ["__proto__"], weakness: "__proto__" })).toEqual(["__proto__"]);
  });
});

describe("chooseResponseManager", () => {
  it.each([
    {
      label: "expertise overlap wins over load",
      members: [
        member({ id: "a", expertise: ["web", "auth"], openReports: ["high", "high"] }),
        member({ id: "b", expertise: ["crypto"] }),
      ],
      chosen: "a",
    },
    {
      label: "with equal expertise, the lower weighted load wins",
      members: [
        member({ id: "a", expertise: ["web"], openReports: ["critical"] }),
        member({ id: "b", expertise: ["xss"], openReports: ["low", "low"] }),
      ],
      chosen: "b",
    },
    {
      label: "with equal expertise and load, the longest since last assignment wins",
      members: [
        member({ id: "a", lastAssignedAt: new Date("2026-03-01T00:00:00Z") }),
        member({ id: "b", lastAssignedAt: new Date("2026-02-01T00:00:00Z") }),
      ],
      chosen: "b",
    },
    {
      label: "never assigned counts as longest ago",
      members: [member({ id: "a", lastAssignedAt: new Date("2020-01-01T00:00:00Z") }), member({ id: "b" })],
      chosen: "b",
    },
    {
      label: "the unavailable expert is skipped",
      members: [
        member({
          id: "a",
          expertise: ["web", "auth", "xss"],
          awayPeriods: [{ start: "2026-03-02", end: "2026-03-02" }],
        }),
        member({ id: "b" }),
      ],
      chosen: "b",
    },
    {
      label: "viewers and disabled members are never chosen",
      members: [
        member({ id: "a", role: "viewer", expertise: ["web"] }),
        member({ id: "b", active: false, expertise: ["web"] }),
        member({ id: "c" }),
      ],
      chosen: "c",
    },
    {
      label: "admins are candidates too",
      members: [member({ id: "a", role: "admin", expertise: ["auth"] }), member({ id: "b" })],
      chosen: "a",
    },
    {
      label: "a full tie is broken by name, stably",
      members: [member({ id: "b", name: "Bea" }), member({ id: "a", name: "Abe" })],
      chosen: "a",
    },
  ])("$label", ({ members, chosen }) => {
    const result = chooseResponseManager(members, web, NOW);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.chosen.id).toBe(chosen);
    // the order of the input does not matter
    const reversed = chooseResponseManager([...members].reverse(), web, NOW);
    if (reversed.ok && result.ok) expect(reversed.chosen.id).toBe(result.chosen.id);
  });

  it("explains the choice for the timeline", () => {
    const result = chooseResponseManager(
      [
        member({
          id: "bob",
          name: "Bob",
          expertise: ["web", "auth"],
          openReports: ["low", null],
          lastAssignedAt: new Date("2026-02-20T10:00:00Z"),
        }),
      ],
      web,
      NOW,
    );
    expect(result.ok && result.explanation).toBe(
      "Assigned to Bob: expertise auth+web, 2 open reports (load 4), last assigned 10 days ago.",
    );
  });

  it("says who is unavailable and why when nobody can take it", () => {
    const result = chooseResponseManager(
      [
        member({ id: "a", name: "Ann", awayPeriods: [{ start: "2026-03-01", end: "2026-03-05" }] }),
        member({ id: "b", name: "Ben", active: false }),
      ],
      web,
      NOW,
    );
    expect(result).toMatchObject({ ok: false, reason: "nobody_available" });
    expect(result.explanation).toBe("Nobody is available: Ann (away until 2026-03-05), Ben (disabled).");
    expect(chooseResponseManager([], web, NOW)).toMatchObject({
      ok: false,
      explanation: expect.stringMatching(/No responder/),
    });
  });

  it("explains a choice without matching expertise", () => {
    expect(
      explainChoice(
        { id: "x", name: "X", matchedTags: [], load: 0, openCount: 0, lastAssignedAt: null },
        NOW,
      ),
    ).toBe("Assigned to X: no matching expertise, 0 open reports (load 0), never assigned before.");
  });
});

describe("explaining availability", () => {
  it.each([
    [[1, 2, 3, 4, 5], "Mon–Fri"],
    [[0, 1, 2, 3, 4, 5, 6], "every day"],
    [[], "no days"],
    [[1, 3, 5], "Mon, Wed, Fri"],
    [[6, 0], "Sat, Sun"],
    [[5, 6, 0], "Fri–Sun"],
    [[1, 2, 4, 5, 6], "Mon, Tue, Thu–Sat"],
    [[1, 1, 9, -1, 2.5, Number.NaN], "Mon"],
  ])("formatDays(%j) is %s", (days, expected) => {
    expect(formatDays(days)).toBe(expected);
  });

  it("describes working hours, with any time for none", () => {
    expect(formatWorkingHours(null)).toBe("any time");
    expect(formatWorkingHours({ days: [1, 2, 3, 4, 5], start: "09:00", end: "17:00" })).toBe(
      "Mon–Fri 09:00–17:00",
    );
  });

  it.each([
    ["no period", [], "2026-03-02", null],
    ["inside one period", [{ start: "2026-03-01", end: "2026-03-05" }], "2026-03-02", "2026-03-05"],
    ["on its last day", [{ start: "2026-03-01", end: "2026-03-02" }], "2026-03-02", "2026-03-02"],
    ["after it", [{ start: "2026-03-01", end: "2026-03-01" }], "2026-03-02", null],
    [
      "back-to-back periods read as one absence",
      [
        { start: "2026-03-06", end: "2026-03-10" },
        { start: "2026-03-01", end: "2026-03-05" },
      ],
      "2026-03-02",
      "2026-03-10",
    ],
    [
      "a gap ends the absence",
      [
        { start: "2026-03-01", end: "2026-03-05" },
        { start: "2026-03-07", end: "2026-03-10" },
      ],
      "2026-03-02",
      "2026-03-05",
    ],
    ["malformed dates never throw", [{ start: "soon", end: "zzzz" }], "2026-03-02", null],
  ] as const)("lastAwayDate: %s", (_label, periods, date, expected) => {
    expect(lastAwayDate(periods, date)).toBe(expected);
  });

  it("gives each unavailable member an actionable detail", () => {
    const berlin = member({
      id: "b",
      timeZone: "Europe/Berlin",
      workingHours: { days: [2, 3], start: "09:00", end: "17:00" },
    });
    expect(describeUnavailability(berlin, "outside_hours", NOW)).toBe(
      "outside working hours (Tue, Wed 09:00–17:00 Europe/Berlin)",
    );
    const away = member({ id: "a", awayPeriods: [{ start: "2026-03-01", end: "2026-03-20" }] });
    expect(describeUnavailability(away, "away", NOW)).toBe("away until 2026-03-20");
    expect(describeUnavailability(member({ id: "z", timeZone: "Mars/Olympus" }), "bad_time_zone", NOW)).toBe(
      "unknown time zone Mars/Olympus",
    );
    expect(describeUnavailability(member({ id: "i" }), "inactive", NOW)).toBe("disabled");
    const barred = member({ id: "k", eligible: false, ineligibleBecause: "no OpenPGP key" });
    expect(unavailability(barred, NOW)).toBe("ineligible");
    expect(describeUnavailability(barred, "ineligible", NOW)).toBe("no OpenPGP key");
    expect(describeUnavailability(member({ id: "e", eligible: false }), "ineligible", NOW)).toBe(
      "not eligible",
    );
  });

  it("lists the unavailable next to a successful choice, and says automatic choices are automatic", () => {
    const result = chooseResponseManager(
      [
        member({ id: "a", name: "Ann", awayPeriods: [{ start: "2026-03-02", end: "2026-03-02" }] }),
        member({ id: "b", name: "Ben", lastAssignedAt: new Date("2026-03-01T12:00:00Z") }),
      ],
      web,
      NOW,
    );
    expect(result.ok).toBe(true);
    expect(result.unavailable).toEqual([
      { id: "a", name: "Ann", why: "away", detail: "away until 2026-03-02" },
    ]);
    if (!result.ok) return;
    expect(explainChoice(result.chosen, NOW, true)).toBe(
      "Assigned to Ben automatically: no matching expertise, 0 open reports (load 0), last assigned today.",
    );
    expect(explainRanking({ ...result.chosen, lastAssignedAt: new Date("2026-03-01T09:00:00Z") }, NOW)).toBe(
      "no matching expertise, 0 open reports (load 0), last assigned 1 day ago",
    );
  });
});
