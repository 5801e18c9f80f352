import { describe, expect, it } from "vitest";
import { DEFAULT_QUIET_TIME, missedQuietTime, nextQuietRun } from "./maintenance-schedule.ts";

/** A local time, as the server's clock reads it. */
const local = (y: number, m: number, d: number, h: number, min: number, s = 0) =>
  new Date(y, m - 1, d, h, min, s);

describe("the next quiet-hour run", () => {
  it("defaults to 03:30 server local time", () => {
    expect(DEFAULT_QUIET_TIME).toEqual({ hour: 3, minute: 30 });
  });

  it("is later the same day when the quiet time has not come yet", () => {
    expect(nextQuietRun(local(2026, 3, 2, 1, 0))).toEqual(local(2026, 3, 2, 3, 30));
  });

  it("is the next day once the quiet time has passed, or at the very moment it is reached", () => {
    expect(nextQuietRun(local(2026, 3, 2, 9, 0))).toEqual(local(2026, 3, 3, 3, 30));
    expect(nextQuietRun(local(2026, 3, 2, 3, 30))).toEqual(local(2026, 3, 3, 3, 30));
    expect(nextQuietRun(local(2026, 3, 2, 3, 29, 59))).toEqual(local(2026, 3, 2, 3, 30));
  });

  it("rolls over the end of a month and of a year", () => {
    expect(nextQuietRun(local(2026, 1, 31, 23, 0))).toEqual(local(2026, 2, 1, 3, 30));
    expect(nextQuietRun(local(2026, 12, 31, 4, 0))).toEqual(local(2027, 1, 1, 3, 30));
  });

  it("reads the local clock on every day of a year, daylight-saving changes included", () => {
    for (let day = 0; day < 366; day++) {
      const now = local(2026, 1, 1 + day, 12, 0);
      const next = nextQuietRun(now, { hour: 4, minute: 15 });
      expect(next.getTime()).toBeGreaterThan(now.getTime());
      expect(next.getTime() - now.getTime()).toBeLessThanOrEqual(26 * 3600_000);
      expect([next.getHours(), next.getMinutes()]).toEqual([4, 15]);
    }
  });

  it("takes midnight and the last minute of the day", () => {
    expect(nextQuietRun(local(2026, 3, 2, 12, 0), { hour: 0, minute: 0 })).toEqual(local(2026, 3, 3, 0, 0));
    expect(nextQuietRun(local(2026, 3, 2, 12, 0), { hour: 23, minute: 59 })).toEqual(
      local(2026, 3, 2, 23, 59),
    );
  });

  it("refuses what is not a time of day", () => {
    for (const quiet of [
      { hour: 24, minute: 0 },
      { hour: -1, minute: 0 },
      { hour: 3, minute: 60 },
      { hour: 3.5, minute: 0 },
      { hour: Number.NaN, minute: 0 },
      { hour: 3, minute: Number.POSITIVE_INFINITY },
    ]) {
      expect(() => nextQuietRun(local(2026, 3, 2, 12, 0), quiet)).toThrow(RangeError);
    }
  });
});

describe("a missed quiet hour", () => {
  const due = local(2026, 3, 2, 3, 30);
  it("is not missed within the hour after it", () => {
    expect(missedQuietTime(due, local(2026, 3, 2, 3, 30))).toBe(false);
    expect(missedQuietTime(due, local(2026, 3, 2, 4, 30))).toBe(false);
  });
  it("is missed when the run would start more than an hour late (the server was down)", () => {
    expect(missedQuietTime(due, local(2026, 3, 2, 4, 31))).toBe(true);
    expect(missedQuietTime(due, local(2026, 3, 2, 14, 0))).toBe(true);
  });
});
