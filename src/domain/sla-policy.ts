// SLA policy: the organisation's service-level targets, their defaults and limits, and the validation of a
// policy arriving from a settings form or storage. Pure: no I/O, no clock.

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
