import { describe, expect, it } from "vitest";
import { availabilityFormErrors, availabilityFromForm } from "./availability.form.ts";
import { availabilitySchema, timeZoneSchema } from "./team.schema.ts";

const ok = { timeZone: "UTC", workingHours: null, awayPeriods: [] };

describe("timeZoneSchema", () => {
  it.each([
    ["UTC", "UTC"],
    [" europe/berlin ", "Europe/Berlin"],
    ["America/New_York", "America/New_York"],
  ])("accepts %j as %s", (input, expected) => {
    expect(timeZoneSchema.parse(input)).toBe(expected);
  });

  it.each([
    ["", "Enter a time zone"],
    ["Mars/Olympus", "not a known time zone"],
    ["../../etc/passwd", "not a known time zone"],
    ["Europe/Berlin\u0000", "not a known time zone"],
    ["A".repeat(65), "at most 64"],
    [42, "Enter a time zone."],
  ])("refuses %j", (input, message) => {
    const result = timeZoneSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });
});

describe("availabilitySchema", () => {
  it("sorts days and periods and drops duplicate days", () => {
    expect(
      availabilitySchema.parse({
        timeZone: "UTC",
        workingHours: { days: [5, 1, 1, "3"], start: "22:00", end: "06:00" },
        awayPeriods: [
          { start: "2026-05-01", end: "2026-05-02" },
          { start: "2026-04-01", end: "2026-04-01" },
        ],
      }),
    ).toEqual({
      timeZone: "UTC",
      workingHours: { days: [1, 3, 5], start: "22:00", end: "06:00" },
      awayPeriods: [
        { start: "2026-04-01", end: "2026-04-01" },
        { start: "2026-05-01", end: "2026-05-02" },
      ],
    });
  });

  it.each([
    [
      "a day outside the week",
      { workingHours: { days: [7], start: "09:00", end: "17:00" } },
      "workingHours.days.0",
    ],
    ["a negative day", { workingHours: { days: [-1], start: "09:00", end: "17:00" } }, "workingHours.days.0"],
    [
      "days that are not a list",
      { workingHours: { days: "1", start: "09:00", end: "17:00" } },
      "workingHours.days",
    ],
    ["24:00", { workingHours: { days: [1], start: "24:00", end: "17:00" } }, "workingHours.start"],
    [
      "a start equal to the end",
      { workingHours: { days: [1], start: "09:00", end: "09:00" } },
      "workingHours.end",
    ],
    [
      "a time with seconds",
      { workingHours: { days: [1], start: "09:00:00", end: "17:00" } },
      "workingHours.start",
    ],
    ["a period given as text", { awayPeriods: "2026-01-01" }, "awayPeriods"],
    ["a period without an end", { awayPeriods: [{ start: "2026-01-01" }] }, "awayPeriods.0.end"],
    ["a reversed period", { awayPeriods: [{ start: "2026-01-02", end: "2026-01-01" }] }, "awayPeriods.0.end"],
    ["a 13th month", { awayPeriods: [{ start: "2026-13-01", end: "2026-13-02" }] }, "awayPeriods.0.start"],
    [
      "too many periods",
      { awayPeriods: Array.from({ length: 51 }, () => ({ start: "2026-01-01", end: "2026-01-01" })) },
      "awayPeriods",
    ],
  ])("refuses %s, naming the field", (_label, change, field) => {
    const result = availabilitySchema.safeParse({ ...ok, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("."))).toContain(field);
  });
});

describe("availabilityFromForm", () => {
  it("leaves out removed and empty rows and maps errors back to the rows", () => {
    const { input, values, rowOf } = availabilityFromForm({
      timeZone: "UTC",
      hours: "set",
      days: ["1", "x"],
      start: " 09:00 ",
      end: "17:00",
      awayStart: ["2026-01-01", "2026-02-01", "", "2026-03-05"],
      awayEnd: ["2026-01-02", "2026-02-02", "", "2026-03-01"],
      awayRemove: "1",
    });
    expect(input).toEqual({
      timeZone: "UTC",
      workingHours: { days: [1, "x"], start: "09:00", end: "17:00" },
      awayPeriods: [
        { start: "2026-01-01", end: "2026-01-02" },
        { start: "2026-03-05", end: "2026-03-01" },
      ],
    });
    expect(rowOf).toEqual([0, 3]);
    expect(values.away.map((r) => r.remove)).toEqual([false, true, false, false]);
    expect(availabilityFormErrors({ "awayPeriods.1.end": "bad", timeZone: "tz" }, rowOf)).toEqual({
      "away.3.end": "bad",
      timeZone: "tz",
    });
  });

  it("reads any time as no working hours and always offers an empty row to add a period", () => {
    const { input, values } = availabilityFromForm({ timeZone: "UTC", hours: "any" });
    expect(input).toEqual({ timeZone: "UTC", workingHours: null, awayPeriods: [] });
    expect(values.away).toEqual([{ start: "", end: "", remove: false }]);
  });
});
