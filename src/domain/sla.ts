// Service-level targets for reports: deadlines in business days in the organisation's time zone,
// and the SLA picture of a report at a given instant. Pure: `now` is always a parameter.

export interface SlaPolicy {
  /** Business days from receipt to acknowledgement. */
  acknowledgeBusinessDays: number;
  /** Business days from receipt to completed triage. */
  triageBusinessDays: number;
  /** Calendar days allowed between reporter-visible updates while a report is open. */
  updateIntervalDays: number;
  /** Calendar days from receipt to resolution. */
  resolutionDays: number;
  /** IANA time zone in which business days, weekends and holidays are reckoned. */
  timeZone: string;
  /** Days of the week that are not business days, 0 = Sunday … 6 = Saturday. */
  weekendDays: readonly number[];
  /** Local dates ("YYYY-MM-DD" in timeZone) that are not business days. */
  holidays: readonly string[];
  /** Hours before a deadline at which the Response Manager (or the admins) get a reminder. */
  reminderLeadHours: number;
  /** Calendar days a request for information waits for the reporter before the report is rejected. */
  needsInfoExpiryDays: number;
}

/** The targets a fresh install starts with: acknowledge in 1 business day, triage in 5, update every 14 days, resolve in 90. */
export const DEFAULT_SLA_POLICY: SlaPolicy = Object.freeze({
  acknowledgeBusinessDays: 1,
  triageBusinessDays: 5,
  updateIntervalDays: 14,
  resolutionDays: 90,
  timeZone: "UTC",
  weekendDays: Object.freeze([0, 6]),
  holidays: Object.freeze([]),
  reminderLeadHours: 24,
  needsInfoExpiryDays: 30,
});

export interface ReportDeadlines {
  acknowledgeBy: Date;
  triageBy: Date;
  resolveBy: Date;
}

export type SlaItemKey = "acknowledge" | "triage" | "update" | "resolve";

export interface SlaItem {
  key: SlaItemKey;
  label: string;
  dueAt: Date;
  met: boolean;
  metAt: Date | null;
  overdue: boolean;
  dueSoon: boolean;
  /** The clock is stopped for this item while the team waits for the reporter (needs-info). */
  paused: boolean;
}

export interface SlaFacts {
  receivedAt: Date;
  acknowledgedAt: Date | null;
  triagedAt: Date | null;
  resolvedAt: Date | null;
  lastReporterUpdateAt: Date | null;
  open: boolean;
  /** The deadlines promised at receipt; when given they win over the policy, so later setting changes do not move them. */
  deadlines?: ReportDeadlines;
  /**
   * Set while the team waits for the reporter (needs-info): every deadline still ahead at this instant is
   * frozen (neither due soon nor overdue) until the reply moves it back by the pause.
   */
  pausedSince?: Date | null;
}

export type SlaStatus = "ok" | "due_soon" | "overdue" | "met" | "paused";

export const SLA_ITEM_LABELS: Record<SlaItemKey, string> = {
  acknowledge: "Acknowledge the report",
  triage: "Complete triage",
  update: "Update the reporter",
  resolve: "Resolve the report",
};

/** How close a deadline must be to count as due soon. */
export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

/** Limits enforced by validateSlaPolicy, exported so forms can show them. */
export const SLA_LIMITS = Object.freeze({
  acknowledgeBusinessDays: Object.freeze({ min: 0, max: 30 }),
  triageBusinessDays: Object.freeze({ min: 0, max: 60 }),
  updateIntervalDays: Object.freeze({ min: 1, max: 90 }),
  resolutionDays: Object.freeze({ min: 1, max: 365 }),
  reminderLeadHours: Object.freeze({ min: 1, max: 720 }),
  needsInfoExpiryDays: Object.freeze({ min: 1, max: 365 }),
  holidays: Object.freeze({ max: 366 }),
});

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

/** Throws unless the value is a Date holding a real instant, naming what was wrong. */
function instantOf(value: unknown, what: string): number {
  if (!(value instanceof Date)) throw new TypeError(`${what} must be a Date.`);
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what} is an invalid date.`);
  return ms;
}

/** Adds calendar days keeping the local wall-clock time, as a person reading a calendar would. */
function addCalendarDays(startMs: number, days: number, timeZone: string): number {
  return wallClockToInstant(wallClockMs(startMs, timeZone) + days * DAY_MS, timeZone);
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
export function addBusinessDays(
  start: Date,
  days: number,
  policy: Pick<SlaPolicy, "timeZone" | "weekendDays" | "holidays">,
): Date {
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

/** The fixed deadlines of a report, computed once at receipt so later policy changes do not move them. */
export function computeDeadlines(receivedAt: Date, policy: SlaPolicy): ReportDeadlines {
  const receivedMs = instantOf(receivedAt, "receivedAt");
  if (!Number.isInteger(policy.resolutionDays) || policy.resolutionDays < 0) {
    throw new RangeError(
      `resolutionDays must be a whole number of days (got ${String(policy.resolutionDays)}).`,
    );
  }
  return {
    acknowledgeBy: addBusinessDays(receivedAt, policy.acknowledgeBusinessDays, policy),
    triageBy: addBusinessDays(receivedAt, policy.triageBusinessDays, policy),
    resolveBy: new Date(addCalendarDays(receivedMs, policy.resolutionDays, policy.timeZone)),
  };
}

// ---------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------

/** Reads an optional fact, refusing invalid dates instead of silently treating them as "not yet". */
function optionalInstant(value: Date | null | undefined, what: string): Date | null {
  if (value === null || value === undefined) return null;
  return new Date(instantOf(value, what));
}

/** The SLA picture of one report at `now`: each target, whether it is met, due soon (within 24h) or overdue. */
export function evaluateSla(
  facts: SlaFacts,
  policy: SlaPolicy,
  now: Date,
): { items: SlaItem[]; status: SlaStatus; overdue: SlaItemKey[] } {
  const nowMs = instantOf(now, "now");
  const receivedAt = new Date(instantOf(facts.receivedAt, "receivedAt"));
  const acknowledgedAt = optionalInstant(facts.acknowledgedAt, "acknowledgedAt");
  const triagedAt = optionalInstant(facts.triagedAt, "triagedAt");
  const resolvedAt = optionalInstant(facts.resolvedAt, "resolvedAt");
  const lastUpdateAt = optionalInstant(facts.lastReporterUpdateAt, "lastReporterUpdateAt");
  const pausedSince = optionalInstant(facts.pausedSince, "pausedSince");
  const open = facts.open === true;
  const deadlines = facts.deadlines ?? computeDeadlines(receivedAt, policy);

  const item = (key: SlaItemKey, dueAt: Date, metAt: Date | null): SlaItem => {
    const met = metAt !== null;
    const pending = open && !met;
    // A deadline already missed when the pause began stays missed; one still ahead is frozen.
    const paused = pending && pausedSince !== null && dueAt.getTime() > pausedSince.getTime();
    const overdue = pending && !paused && nowMs > dueAt.getTime();
    const dueSoon = pending && !paused && !overdue && dueAt.getTime() - nowMs <= DUE_SOON_MS;
    return { key, label: SLA_ITEM_LABELS[key], dueAt, met, metAt, overdue, dueSoon, paused };
  };

  const items: SlaItem[] = [
    item("acknowledge", deadlines.acknowledgeBy, acknowledgedAt),
    item("triage", deadlines.triageBy, triagedAt),
  ];
  if (open && acknowledgedAt !== null) {
    // A rolling obligation: each reporter-visible update restarts the clock, so it is never "met" for good.
    const from = lastUpdateAt ?? acknowledgedAt ?? receivedAt;
    if (!Number.isInteger(policy.updateIntervalDays) || policy.updateIntervalDays < 0) {
      throw new RangeError(
        `updateIntervalDays must be a whole number (got ${String(policy.updateIntervalDays)}).`,
      );
    }
    const dueAt = new Date(addCalendarDays(from.getTime(), policy.updateIntervalDays, policy.timeZone));
    items.push(item("update", dueAt, null));
  }
  items.push(item("resolve", deadlines.resolveBy, resolvedAt));

  const overdue = items.filter((i) => i.overdue).map((i) => i.key);
  let status: SlaStatus;
  if (overdue.length > 0) status = "overdue";
  else if (items.some((i) => i.paused)) status = "paused";
  else if (items.some((i) => i.dueSoon)) status = "due_soon";
  else if (items.every((i) => i.met)) status = "met";
  else status = "ok";
  return { items, status, overdue };
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/** Reads an integer from a number or a decimal string (as HTML forms send), or undefined if it is neither. */
function integerFrom(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) ? value + 0 : undefined; // + 0 turns -0 into 0
  if (typeof value === "string" && /^\s*\d{1,9}\s*$/u.test(value)) return Number(value.trim());
  return undefined;
}

/** Whether a "YYYY-MM-DD" string names a day that exists in the proleptic Gregorian calendar. */
function isRealDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(text);
  if (m === null) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

/** The canonical name of an IANA zone, or null if Intl does not know it (offsets like "+01:00" are not zones). */
function canonicalTimeZone(value: string): string | null {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/u.test(value)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** Summarises list problems: the first one in full, then how many more there are. */
function firstOf(problems: string[]): string | undefined {
  if (problems.length === 0) return undefined;
  return problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more problems)`;
}

/**
 * Checks an SLA policy from a settings form or storage; every problem is reported by field name.
 * Missing fields take the defaults; numbers may arrive as decimal strings; lists may be a single value,
 * and holidays may be one string separated by commas or line breaks. The result is canonical (sorted lists).
 */
export function validateSlaPolicy(
  input: unknown,
): { ok: true; value: SlaPolicy } | { ok: false; errors: Record<string, string> } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, errors: { policy: "The SLA policy must be an object with its fields." } };
  }
  const source = input as Record<string, unknown>;
  const read = (key: keyof SlaPolicy): unknown => (Object.hasOwn(source, key) ? source[key] : undefined);
  const errors: Record<string, string> = {};

  const integerField = (
    key:
      | "acknowledgeBusinessDays"
      | "triageBusinessDays"
      | "updateIntervalDays"
      | "resolutionDays"
      | "reminderLeadHours"
      | "needsInfoExpiryDays",
    unit: string,
  ): number => {
    const raw = read(key);
    if (raw === undefined) return DEFAULT_SLA_POLICY[key];
    const { min, max } = SLA_LIMITS[key];
    const value = integerFrom(raw);
    if (value === undefined || value < min || value > max) {
      errors[key] = `Enter a whole number of ${unit} from ${min} to ${max}.`;
      return DEFAULT_SLA_POLICY[key];
    }
    return value;
  };

  const acknowledgeBusinessDays = integerField("acknowledgeBusinessDays", "business days");
  const triageBusinessDays = integerField("triageBusinessDays", "business days");
  const updateIntervalDays = integerField("updateIntervalDays", "days");
  const resolutionDays = integerField("resolutionDays", "days");
  const reminderLeadHours = integerField("reminderLeadHours", "hours");
  const needsInfoExpiryDays = integerField("needsInfoExpiryDays", "days");

  let timeZone = DEFAULT_SLA_POLICY.timeZone;
  const rawZone = read("timeZone");
  if (rawZone !== undefined) {
    const zone = typeof rawZone === "string" ? canonicalTimeZone(rawZone.trim()) : null;
    if (zone === null)
      errors.timeZone = "Enter an IANA time zone name, such as Europe/Berlin or America/New_York.";
    else timeZone = zone;
  }

  let weekendDays: readonly number[] = DEFAULT_SLA_POLICY.weekendDays;
  const rawWeekend = read("weekendDays");
  if (rawWeekend !== undefined) {
    const list = Array.isArray(rawWeekend) ? rawWeekend : [rawWeekend];
    if (list.length > 7) {
      errors.weekendDays = "Choose at most six weekend days.";
    } else {
      const days = list.map(integerFrom);
      if (days.some((d) => d === undefined || d < 0 || d > 6)) {
        errors.weekendDays = "Weekend days must be numbers from 0 (Sunday) to 6 (Saturday).";
      } else if (new Set(days).size !== days.length) {
        errors.weekendDays = "Each weekend day may be listed only once.";
      } else if (days.length === 7) {
        errors.weekendDays = "At least one day of the week must be a business day.";
      } else {
        weekendDays = (days as number[]).sort((a, b) => a - b);
      }
    }
  }

  let holidays: readonly string[] = DEFAULT_SLA_POLICY.holidays;
  const rawHolidays = read("holidays");
  if (rawHolidays !== undefined) {
    const maxCount = SLA_LIMITS.holidays.max;
    let list: unknown[] | null;
    if (typeof rawHolidays === "string") {
      list =
        rawHolidays.length > maxCount * 16 ? null : rawHolidays.split(/[\s,;]+/u).filter((s) => s !== "");
    } else {
      list = Array.isArray(rawHolidays) ? rawHolidays : null;
    }
    if (list === null && typeof rawHolidays !== "string") {
      errors.holidays = "Holidays must be a list of dates written YYYY-MM-DD.";
    } else if (list === null || list.length > maxCount) {
      errors.holidays = `List at most ${maxCount} holidays.`;
    } else {
      const problems: string[] = [];
      const seen = new Set<string>();
      for (const entry of list) {
        const text = typeof entry === "string" ? entry.trim() : entry;
        const shown = JSON.stringify(
          typeof text === "string" && text.length > 20 ? `${text.slice(0, 20)}…` : text,
        );
        if (typeof text !== "string" || !/^\d{4}-\d{2}-\d{2}$/u.test(text)) {
          problems.push(`${shown ?? String(text)} is not a date written YYYY-MM-DD.`);
        } else if (!isRealDate(text)) {
          problems.push(`${shown} is not a real date.`);
        } else if (seen.has(text)) {
          problems.push(`${shown} is listed twice.`);
        } else {
          seen.add(text);
        }
      }
      const summary = firstOf(problems);
      if (summary !== undefined) errors.holidays = summary;
      else holidays = [...seen].sort();
    }
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      acknowledgeBusinessDays,
      triageBusinessDays,
      updateIntervalDays,
      resolutionDays,
      timeZone,
      weekendDays,
      holidays,
      reminderLeadHours,
      needsInfoExpiryDays,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Needs-info pauses, reminders and expiry
// ---------------------------------------------------------------------------------------------

type Calendar = Pick<SlaPolicy, "timeZone" | "weekendDays" | "holidays">;

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

/** What a reporter's answer needs to know about the report to restart its clock. */
export interface PausedReport {
  deadlines: ReportDeadlines;
  acknowledgedAt: Date | null;
  triagedAt: Date | null;
  resolvedAt: Date | null;
  lastReporterUpdateAt: Date | null;
  /** Total of earlier pauses, in milliseconds. */
  pausedMs: number;
  /** When the team asked for information. */
  pausedSince: Date;
}

export interface ResumedClock {
  deadlines: ReportDeadlines;
  /** The anchor of the reporter-update cadence, moved forward by the part of the pause after it. */
  lastReporterUpdateAt: Date | null;
  /** pausedMs plus this pause. */
  pausedMs: number;
  /** The length of this pause, in milliseconds. */
  pauseMs: number;
}

/**
 * Restarts the SLA clock when the reporter answers a request for information. Every deadline that was still
 * running when the pause began moves back by the pause: business-day targets (acknowledge, triage) by the
 * business time the pause covered, so a pause over a weekend or a holiday costs nothing extra; calendar targets
 * (resolution, the update cadence) by the elapsed time. Deadlines already met, or already missed before the pause,
 * stay where they are: pausing never erases a breach.
 */
export function resumeSlaClock(report: PausedReport, resumedAt: Date, policy: SlaPolicy): ResumedClock {
  const sinceMs = instantOf(report.pausedSince, "pausedSince");
  const resumedMs = instantOf(resumedAt, "resumedAt");
  const before = Number.isFinite(report.pausedMs) && report.pausedMs > 0 ? Math.floor(report.pausedMs) : 0;
  const pauseMs = Math.max(0, resumedMs - sinceMs);
  const businessPause = businessMsBetween(report.pausedSince, resumedAt, policy);
  const running = (dueAt: Date, metAt: Date | null) =>
    metAt === null && instantOf(dueAt, "A deadline") > sinceMs;
  const { acknowledgeBy, triageBy, resolveBy } = report.deadlines;
  const deadlines: ReportDeadlines = {
    acknowledgeBy: running(acknowledgeBy, report.acknowledgedAt)
      ? addBusinessMs(acknowledgeBy, businessPause, policy)
      : new Date(acknowledgeBy),
    triageBy: running(triageBy, report.triagedAt)
      ? addBusinessMs(triageBy, businessPause, policy)
      : new Date(triageBy),
    resolveBy: running(resolveBy, report.resolvedAt)
      ? new Date(resolveBy.getTime() + pauseMs)
      : new Date(resolveBy),
  };

  // The update cadence runs from the last reporter-visible update (or the acknowledgement).
  let lastReporterUpdateAt = optionalInstant(report.lastReporterUpdateAt, "lastReporterUpdateAt");
  const anchor = lastReporterUpdateAt ?? optionalInstant(report.acknowledgedAt, "acknowledgedAt");
  if (anchor !== null) {
    const dueMs = addCalendarDays(anchor.getTime(), policy.updateIntervalDays, policy.timeZone);
    if (dueMs > sinceMs) {
      const overlap = Math.max(0, resumedMs - Math.max(sinceMs, anchor.getTime()));
      lastReporterUpdateAt = new Date(anchor.getTime() + overlap);
    }
  }
  return { deadlines, lastReporterUpdateAt, pausedMs: before + pauseMs, pauseMs };
}

export type SlaNoticeKind = "reminder" | "breach";

export interface SlaNoticeDue {
  item: SlaItemKey;
  kind: SlaNoticeKind;
  dueAt: Date;
}

/**
 * Which reminders and escalations an evaluated report calls for now: a reminder once a pending deadline is within
 * the lead time, an escalation once it is missed. Paused and met items call for nothing. The caller records each
 * (item, kind, dueAt) once, so a moved deadline earns a fresh reminder while a repeated sweep sends nothing.
 */
export function slaNoticesDue(
  items: readonly SlaItem[],
  now: Date,
  policy: Pick<SlaPolicy, "reminderLeadHours">,
): SlaNoticeDue[] {
  const nowMs = instantOf(now, "now");
  const hours = policy.reminderLeadHours;
  if (typeof hours !== "number" || !Number.isFinite(hours) || hours < 0) {
    throw new RangeError(`reminderLeadHours must be a non-negative number (got ${String(hours)}).`);
  }
  const leadMs = hours * 60 * 60 * 1000;
  const due: SlaNoticeDue[] = [];
  for (const item of items) {
    if (item.met || item.paused) continue;
    if (item.overdue) due.push({ item: item.key, kind: "breach", dueAt: item.dueAt });
    else if (item.dueAt.getTime() - nowMs <= leadMs) {
      due.push({ item: item.key, kind: "reminder", dueAt: item.dueAt });
    }
  }
  return due;
}

/** When an unanswered request for information gives up: needsInfoExpiryDays calendar days after it was sent. */
export function needsInfoExpiresAt(
  since: Date,
  policy: Pick<SlaPolicy, "needsInfoExpiryDays" | "timeZone">,
): Date {
  const sinceMs = instantOf(since, "The request's time");
  const days = policy.needsInfoExpiryDays;
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`needsInfoExpiryDays must be a whole number of days (got ${String(days)}).`);
  }
  return new Date(addCalendarDays(sinceMs, days, policy.timeZone));
}
