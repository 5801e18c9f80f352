// Business-day calendar arithmetic in the organisation's time zone: civil dates, wall-clock time across DST,
// weekends and holidays. Pure: every instant is a parameter.

import type { SlaPolicy } from "./sla-policy.ts";

/** The working calendar: the zone in which days are reckoned and which of them are not business days. */
export type Calendar = Pick<SlaPolicy, "timeZone" | "weekendDays" | "holidays">;

const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Civil dates and time zones
// ---------------------------------------------------------------------------------------------

/** Milliseconds since the epoch of a wall-clock time read as if it were UTC; works for years 0–99 too. */
function civilToMs(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime();
}

/** Formatters are costly to build; one per zone is enough (a cache, not state that changes results). */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

/** A formatter that reads an instant as wall-clock fields in the given zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    if (FORMATTERS.size > 500) FORMATTERS.clear();
    FORMATTERS.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of an instant in a zone, encoded as milliseconds "as if UTC". */
function wallClockMs(instantMs: number, timeZone: string): number {
  const fields: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instantMs)) fields[part.type] = part.value;
  const yearOfEra = Number(fields.year);
  const year = fields.era === "BC" || fields.era === "B" ? 1 - yearOfEra : yearOfEra;
  const subSecond = instantMs - Math.floor(instantMs / 1000) * 1000;
  return civilToMs(
    year,
    Number(fields.month),
    Number(fields.day),
    Number(fields.hour),
    Number(fields.minute),
    Number(fields.second),
    subSecond,
  );
}

/** The zone's UTC offset at an instant, in milliseconds (positive east of Greenwich). */
function offsetAt(instantMs: number, timeZone: string): number {
  return wallClockMs(instantMs, timeZone) - instantMs;
}

/**
 * The instant at which the zone's clocks show a wall-clock time. Like Temporal's "compatible" choice:
 * an ambiguous time (clocks turned back) takes the earlier instant; a skipped time (clocks turned
 * forward) moves forward by the length of the gap, e.g. 02:30 on the spring-forward night becomes 03:30.
 */
function wallClockToInstant(wallMs: number, timeZone: string): number {
  const before = offsetAt(wallMs - DAY_MS, timeZone);
  const after = offsetAt(wallMs + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallMs - offset)
    .filter((instant) => wallClockMs(instant, timeZone) === wallMs);
  if (candidates.length > 0) return Math.min(...candidates);
  return wallMs - before;
}

/** Day number since 1970-01-01 of the wall-clock date in wallMs. */
function dayNumber(wallMs: number): number {
  return Math.floor(wallMs / DAY_MS);
}

/** Day of the week of a day number, 0 = Sunday (1970-01-01 was a Thursday). */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The "YYYY-MM-DD" key of a day number, as holidays are written. */
function dateKey(day: number): string {
  const d = new Date(day * DAY_MS);
  const y = d.getUTCFullYear();
  const year = y >= 0 && y <= 9999 ? String(y).padStart(4, "0") : String(y);
  return `${year}-${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
}

/** Throws unless the value is a Date holding a real instant, naming what was wrong, so bad input never passes as a time. */
export function instantOf(value: unknown, what: string): number {
  if (!(value instanceof Date)) throw new TypeError(`${what} must be a Date.`);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is an invalid date.`);
  return ms;
}

/** Adds calendar days keeping the local wall-clock time, as a person reading a calendar would. */
export function addCalendarDays(startMs: number, days: number, timeZone: string): number {
  return wallClockToInstant(wallClockMs(startMs, timeZone) + days * DAY_MS, timeZone);
}

/** Reads an optional fact, refusing invalid dates instead of silently treating them as "not yet". */
export function optionalInstant(value: Date | null | undefined, what: string): Date | null {
  if (value === null || value === undefined) return null;
  return new Date(instantOf(value, what));
}

// ---------------------------------------------------------------------------------------------
// Business days
// ---------------------------------------------------------------------------------------------

/**
 * Deadline N business days after an instant, reckoned in the policy's zone so weekends, holidays and DST
 * fall where the team lives. From a business day the local wall-clock time is kept (Mon 10:00 + 1 = Tue 10:00).
 * From a non-business day counting starts on the next business day, which counts fully: the deadline is the
 * end of the Nth business day, i.e. 00:00 local the day after (Sat + 1 = end of Monday = Tue 00:00; + 0 = Mon 00:00).
 */
export function addBusinessDays(start: Date, days: number, policy: Calendar): Date {
  const startMs = instantOf(start, "The start");
  if (typeof days !== "number" || !Number.isInteger(days) || days < 0 || days > 100_000) {
    throw new RangeError(`Business days must be a whole number from 0 to 100000 (got ${String(days)}).`);
  }
  const weekend = new Set(policy.weekendDays);
  if ([0, 1, 2, 3, 4, 5, 6].every((d) => weekend.has(d))) {
    throw new RangeError("Every day of the week is a weekend day; there are no business days.");
  }
  const holidays = new Set(policy.holidays);
  const isBusinessDay = (day: number) => !weekend.has(weekday(day)) && !holidays.has(dateKey(day));
  const { timeZone } = policy;

  const wall = wallClockMs(startMs, timeZone);
  let day = dayNumber(wall);

  if (isBusinessDay(day)) {
    if (days === 0) return new Date(startMs);
    const timeOfDay = wall - day * DAY_MS;
    for (let left = days; left > 0; ) {
      day += 1;
      if (isBusinessDay(day)) left -= 1;
    }
    return new Date(wallClockToInstant(day * DAY_MS + timeOfDay, timeZone));
  }

  do day += 1;
  while (!isBusinessDay(day));
  if (days === 0) return new Date(wallClockToInstant(day * DAY_MS, timeZone));
  // `day` is the first business day and counts as one; find the Nth, then take midnight after it.
  for (let left = days - 1; left > 0; ) {
    day += 1;
    if (isBusinessDay(day)) left -= 1;
  }
  return new Date(wallClockToInstant((day + 1) * DAY_MS, timeZone));
}

/** Longest pause the arithmetic accepts; far beyond any expiry setting, it only bounds the loops. */
const MAX_PAUSE_DAYS = 100_000;

/** A business-day test for the calendar, refusing a week without business days. */
function businessDayTest(policy: Calendar): (day: number) => boolean {
  const weekend = new Set(policy.weekendDays);
  if ([0, 1, 2, 3, 4, 5, 6].every((d) => weekend.has(d))) {
    throw new RangeError("Every day of the week is a weekend day; there are no business days.");
  }
  const holidays = new Set(policy.holidays);
  return (day) => !weekend.has(weekday(day)) && !holidays.has(dateKey(day));
}

/** The instant a local day starts in the zone. */
function dayStart(day: number, timeZone: string): number {
  return wallClockToInstant(day * DAY_MS, timeZone);
}

/**
 * How much business time (the parts of business days, local midnight to midnight) lies between two instants.
 * A pause from Friday evening to Monday morning holds only Friday's evening and Monday's morning.
 */
export function businessMsBetween(from: Date, to: Date, policy: Calendar): number {
  const fromMs = instantOf(from, "The start");
  const toMs = instantOf(to, "The end");
  if (toMs <= fromMs) return 0;
  if (toMs - fromMs > MAX_PAUSE_DAYS * DAY_MS) throw new RangeError("The span is too long.");
  const isBusinessDay = businessDayTest(policy);
  let total = 0;
  let day = dayNumber(wallClockMs(fromMs, policy.timeZone));
  for (let start = dayStart(day, policy.timeZone); start < toMs; day += 1) {
    const end = dayStart(day + 1, policy.timeZone);
    if (isBusinessDay(day)) total += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs));
    start = end;
  }
  return total;
}

/**
 * The instant that lies `ms` of business time after `start`, skipping weekends and holidays. A deadline that
 * lands exactly on the end of a business day stays there (midnight), as addBusinessDays does.
 */
export function addBusinessMs(start: Date, ms: number, policy: Calendar): Date {
  const startMs = instantOf(start, "The start");
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > MAX_PAUSE_DAYS * DAY_MS) {
    throw new RangeError(`Business time must be a non-negative number of milliseconds (got ${String(ms)}).`);
  }
  if (ms === 0) return new Date(startMs);
  const isBusinessDay = businessDayTest(policy);
  let left = ms;
  let position = startMs;
  let day = dayNumber(wallClockMs(startMs, policy.timeZone));
  for (let guard = 0; guard < MAX_PAUSE_DAYS * 2; guard += 1, day += 1) {
    const end = dayStart(day + 1, policy.timeZone);
    if (isBusinessDay(day)) {
      const available = end - position;
      if (left <= available) return new Date(position + left);
      left -= available;
    }
    position = end;
  }
  throw new RangeError("The business time is too long.");
}
