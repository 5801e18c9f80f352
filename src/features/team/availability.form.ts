import { effectiveAwayPeriods } from "../../domain/candidates.ts";
import type { UserRow } from "./team.repo.ts";

type ParsedBody = Record<string, string | File | (string | File)[]>;

/** The availability form as typed, so a failed save shows exactly what was sent. */
export interface AvailabilityValues {
  timeZone: string;
  /** "any": no working hours; "set": the days and times below. */
  hours: "any" | "set";
  days: string[];
  start: string;
  end: string;
  /** One row per away period, plus the empty row for adding one. */
  away: { start: string; end: string; remove: boolean }[];
}

function texts(body: ParsedBody, name: string): string[] {
  const value = body[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.filter((v): v is string => typeof v === "string");
}

const last = (body: ParsedBody, name: string) => texts(body, name).at(-1) ?? "";

/** A member's stored availability as the form shows it, with an empty row to add an away period. */
export function availabilityValues(user: UserRow): AvailabilityValues {
  return {
    timeZone: user.timeZone,
    hours: user.workingHours ? "set" : "any",
    days: (user.workingHours?.days ?? [1, 2, 3, 4, 5]).map(String),
    start: user.workingHours?.start ?? "09:00",
    end: user.workingHours?.end ?? "17:00",
    away: [
      ...effectiveAwayPeriods(user).map((p) => ({ ...p, remove: false })),
      { start: "", end: "", remove: false },
    ],
  };
}

/**
 * Reads the posted form: the rows ticked "remove" and the fully empty rows are left out of the input, and
 * `rowOf` maps each remaining period back to its row so errors land next to the field that caused them.
 * Times and dates are passed on as typed, so the validator names the field instead of guessing.
 */
export function availabilityFromForm(body: ParsedBody): {
  input: Record<string, unknown>;
  values: AvailabilityValues;
  rowOf: number[];
} {
  const starts = texts(body, "awayStart");
  const ends = texts(body, "awayEnd");
  const removed = new Set(texts(body, "awayRemove"));
  const away = Array.from({ length: Math.min(Math.max(starts.length, ends.length), 100) }, (_, i) => ({
    start: (starts[i] ?? "").trim(),
    end: (ends[i] ?? "").trim(),
    remove: removed.has(String(i)),
  }));
  const rowOf: number[] = [];
  const awayPeriods: { start: string; end: string }[] = [];
  away.forEach((row, i) => {
    if (row.remove || (row.start === "" && row.end === "")) return;
    rowOf.push(i);
    awayPeriods.push({ start: row.start, end: row.end });
  });
  const hours = last(body, "hours") === "any" ? "any" : "set";
  const days = texts(body, "days").map((d) => d.trim());
  const values: AvailabilityValues = {
    timeZone: last(body, "timeZone"),
    hours,
    days,
    start: last(body, "start").trim(),
    end: last(body, "end").trim(),
    away: away.some((r) => r.start === "" && r.end === "" && !r.remove)
      ? away
      : [...away, { start: "", end: "", remove: false }],
  };
  const input = {
    timeZone: values.timeZone,
    workingHours:
      hours === "any"
        ? null
        : { days: days.map((d) => (/^\d$/.test(d) ? Number(d) : d)), start: values.start, end: values.end },
    awayPeriods,
  };
  return { input, values, rowOf };
}

/** The service names away-period errors by their place in the saved list; the form names them by row. */
export function availabilityFormErrors(fields: Record<string, string>, rowOf: readonly number[]) {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    const m = /^awayPeriods\.(\d+)\.(start|end)$/.exec(key);
    const name = m ? `away.${rowOf[Number(m[1])] ?? m[1]}.${m[2]}` : key;
    out[name] = message;
  }
  return out;
}
