/**
 * Choosing a Response Manager "based on expertise and availability" (seed 000), as a pure function so the
 * choice can be explained, tested as a table, and reproduced from the audit log.
 */

export type LoadSeverity = "note" | "low" | "medium" | "high" | "critical" | null;

/** Weekly working hours in the member's own time zone; days are 0=Sunday..6=Saturday, times "HH:MM". */
export interface WorkingHours {
  days: readonly number[];
  start: string;
  end: string;
}

/** An away period: whole local days, both ends inclusive ("YYYY-MM-DD"). */
export interface AwayPeriod {
  start: string;
  end: string;
}

export interface Candidate {
  id: string;
  name: string;
  role: "admin" | "responder" | "viewer";
  active: boolean;
  expertise: readonly string[];
  timeZone: string;
  workingHours: WorkingHours | null;
  awayPeriods: readonly AwayPeriod[];
  /** Severities of the open reports this member manages now. */
  openReports: readonly LoadSeverity[];
  lastAssignedAt: Date | null;
  /** False when a rule outside this module (e.g. no valid public key) bars the member. */
  eligible?: boolean;
  /** Why that rule bars them, in a few words (e.g. "no OpenPGP key"), for the explanation. */
  ineligibleBecause?: string;
}

export interface AssignmentSubject {
  assetTags: readonly string[];
  /** CWE id such as "CWE-79", or "other". */
  weakness: string;
}

/** Open work weighs by severity: one critical report keeps a member busier than two low ones. */
export const LOAD_WEIGHTS: Record<Exclude<LoadSeverity, null> | "unscored", number> = {
  critical: 5,
  high: 4,
  medium: 3,
  low: 2,
  note: 1,
  unscored: 2,
};

/** Tags a weakness implies, so "CWE-89" matches a member tagged "sql" or "injection". */
export const WEAKNESS_TAGS: Readonly<Record<string, readonly string[]>> = {
  "CWE-79": ["web", "xss", "frontend"],
  "CWE-89": ["sql", "injection", "database"],
  "CWE-78": ["injection", "os", "shell"],
  "CWE-94": ["injection", "rce"],
  "CWE-22": ["filesystem", "path-traversal"],
  "CWE-352": ["web", "csrf"],
  "CWE-918": ["web", "ssrf", "network"],
  "CWE-287": ["auth", "authentication"],
  "CWE-862": ["auth", "authorization", "access-control"],
  "CWE-863": ["auth", "authorization", "access-control"],
  "CWE-639": ["auth", "authorization", "idor", "access-control"],
  "CWE-200": ["privacy", "information-disclosure"],
  "CWE-798": ["secrets", "credentials"],
  "CWE-327": ["crypto"],
  "CWE-502": ["deserialization", "rce"],
  "CWE-611": ["xml", "xxe"],
  "CWE-434": ["web", "upload"],
  "CWE-601": ["web", "redirect"],
  "CWE-787": ["memory", "native"],
  "CWE-125": ["memory", "native"],
  "CWE-416": ["memory", "native"],
  "CWE-400": ["dos", "availability"],
  "CWE-1321": ["javascript", "prototype-pollution"],
  "CWE-384": ["auth", "session"],
};

const DAY_MS = 86_400_000;

function localParts(now: Date, timeZone: string): { date: string; weekday: number; minutes: number } | null {
  try {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(now);
    const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
    const weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday"));
    return {
      date: `${get("year")}-${get("month")}-${get("day")}`,
      weekday,
      minutes: Number(get("hour")) * 60 + Number(get("minute")),
    };
  } catch {
    return null;
  }
}

function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export type Unavailability =
  | "inactive"
  | "viewer"
  | "ineligible"
  | "away"
  | "outside_hours"
  | "bad_time_zone";

/** Why a member is passed over, for people: the code plus the detail that makes it actionable. */
export interface UnavailableMember {
  id: string;
  name: string;
  why: Unavailability;
  /** E.g. "away until 2026-03-20" or "outside working hours (Mon–Fri 09:00–17:00 Europe/Berlin)". */
  detail: string;
}

const WEEKDAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
/** Weeks are read Monday first, so a Monday-to-Friday week compresses to "Mon–Fri". */
export const WEEKDAY_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
const WEEK_ORDER = WEEKDAY_ORDER;

/** Working days in words: runs of consecutive days become ranges ("Mon–Fri", "Mon, Wed, Sat–Sun"). */
export function formatDays(days: readonly number[]): string {
  const set = new Set(days.filter((d) => Number.isInteger(d) && d >= 0 && d <= 6));
  if (set.size === 0) return "no days";
  if (set.size === 7) return "every day";
  const runs: number[][] = [];
  for (const d of WEEK_ORDER) {
    if (!set.has(d)) continue;
    const last = runs.at(-1);
    const prev = last?.at(-1);
    if (last && prev !== undefined && WEEK_ORDER.indexOf(prev as 0) + 1 === WEEK_ORDER.indexOf(d))
      last.push(d);
    else runs.push([d]);
  }
  return runs
    .map((run) =>
      run.length >= 3
        ? `${WEEKDAY_NAMES[run[0]!]}–${WEEKDAY_NAMES[run.at(-1)!]}`
        : run.map((d) => WEEKDAY_NAMES[d]).join(", "),
    )
    .join(", ");
}

/** Weekly hours in words, e.g. "Mon–Fri 09:00–17:00"; null means any time. */
export function formatWorkingHours(hours: WorkingHours | null): string {
  if (!hours) return "any time";
  return `${formatDays(hours.days)} ${hours.start}–${hours.end}`;
}

function nextDate(date: string): string | null {
  const t = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}$/.test(date)
    ? null
    : new Date(t + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The last local day of the absence covering `date`, following periods that touch or overlap, so two back-to-back
 * periods read as one absence. Null when `date` is not in any period.
 */
export function lastAwayDate(periods: readonly AwayPeriod[], date: string): string | null {
  let end: string | null = null;
  for (const p of periods) if (p.start <= date && date <= p.end && (end === null || p.end > end)) end = p.end;
  if (end === null) return null;
  for (let grew = true; grew; ) {
    grew = false;
    const after = nextDate(end);
    for (const p of periods) {
      if (p.start <= (after ?? end) && p.end > end) {
        end = p.end;
        grew = true;
      }
    }
  }
  return end;
}

/** The detail people read next to an unavailability code. */
export function describeUnavailability(c: Candidate, why: Unavailability, now: Date): string {
  switch (why) {
    case "inactive":
      return "disabled";
    case "viewer":
      return "a viewer cannot manage reports";
    case "ineligible":
      return c.ineligibleBecause?.trim() || "not eligible";
    case "bad_time_zone":
      return `unknown time zone ${c.timeZone}`;
    case "away": {
      const local = localParts(now, c.timeZone);
      const until = local ? lastAwayDate(c.awayPeriods, local.date) : null;
      return until ? `away until ${until}` : "away";
    }
    case "outside_hours":
      return `outside working hours (${formatWorkingHours(c.workingHours)} ${c.timeZone})`;
  }
}

/** Why a member cannot take a report now, or null when they can. Away days and hours are in their own zone. */
export function unavailability(c: Candidate, now: Date): Unavailability | null {
  if (!c.active) return "inactive";
  if (c.role === "viewer") return "viewer";
  if (c.eligible === false) return "ineligible";
  const local = localParts(now, c.timeZone);
  if (!local) return "bad_time_zone";
  if (c.awayPeriods.some((p) => p.start <= local.date && local.date <= p.end)) return "away";
  if (c.workingHours) {
    const start = minutesOf(c.workingHours.start);
    const end = minutesOf(c.workingHours.end);
    if (start === null || end === null || !c.workingHours.days.includes(local.weekday))
      return "outside_hours";
    // A shift may cross midnight (22:00-06:00); then "inside" is after start or before end.
    const inside =
      start <= end
        ? local.minutes >= start && local.minutes < end
        : local.minutes >= start || local.minutes < end;
    if (!inside) return "outside_hours";
  }
  return null;
}

/** The weighted open load of a member. */
export function weightedLoad(openReports: readonly LoadSeverity[]): number {
  return openReports.reduce((sum, s) => sum + (s === null ? LOAD_WEIGHTS.unscored : LOAD_WEIGHTS[s]), 0);
}

/** The subject's tags: the asset's tags plus what the weakness implies, lower-cased. */
export function subjectTags(subject: AssignmentSubject): string[] {
  const implied = Object.hasOwn(WEAKNESS_TAGS, subject.weakness) ? WEAKNESS_TAGS[subject.weakness]! : [];
  const tags = [...subject.assetTags, ...implied];
  if (/^CWE-\d+$/.test(subject.weakness)) tags.push(subject.weakness.toLowerCase());
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

export interface RankedCandidate {
  id: string;
  name: string;
  matchedTags: string[];
  load: number;
  openCount: number;
  lastAssignedAt: Date | null;
}

export type AssignmentResult =
  | {
      ok: true;
      chosen: RankedCandidate;
      ranking: RankedCandidate[];
      unavailable: UnavailableMember[];
      explanation: string;
    }
  | {
      ok: false;
      reason: "nobody_available";
      unavailable: UnavailableMember[];
      explanation: string;
    };

/**
 * Ranks available members: most matching expertise tags first, then lowest weighted open load, then the longest
 * time since their last assignment (never assigned counts as longest), then name and id so the result is stable.
 */
export function chooseResponseManager(
  candidates: readonly Candidate[],
  subject: AssignmentSubject,
  now: Date,
): AssignmentResult {
  const wanted = new Set(subjectTags(subject));
  const unavailable: UnavailableMember[] = [];
  const ranking: RankedCandidate[] = [];
  for (const c of candidates) {
    const why = unavailability(c, now);
    if (why) {
      if (why !== "viewer")
        unavailable.push({ id: c.id, name: c.name, why, detail: describeUnavailability(c, why, now) });
      continue;
    }
    ranking.push({
      id: c.id,
      name: c.name,
      matchedTags: [...new Set(c.expertise.map((t) => t.toLowerCase()))].filter((t) => wanted.has(t)).sort(),
      load: weightedLoad(c.openReports),
      openCount: c.openReports.length,
      lastAssignedAt: c.lastAssignedAt,
    });
  }
  if (ranking.length === 0) {
    return {
      ok: false,
      reason: "nobody_available",
      unavailable,
      explanation:
        unavailable.length === 0
          ? "No responder or admin exists who could take the report."
          : `Nobody is available: ${unavailable.map((u) => `${u.name} (${u.detail})`).join(", ")}.`,
    };
  }
  const since = (d: Date | null) => (d === null ? Number.NEGATIVE_INFINITY : d.getTime());
  ranking.sort(
    (a, b) =>
      b.matchedTags.length - a.matchedTags.length ||
      a.load - b.load ||
      since(a.lastAssignedAt) - since(b.lastAssignedAt) ||
      a.name.localeCompare(b.name) ||
      a.id.localeCompare(b.id),
  );
  const chosen = ranking[0]!;
  return { ok: true, chosen, ranking, unavailable, explanation: explainChoice(chosen, now) };
}

/**
 * The sentence the timeline shows, e.g. "Assigned to Bob: expertise web+auth, 2 open reports"; an automatic
 * choice says so ("Assigned to Bob automatically: …"), so nobody mistakes it for a person's decision.
 */
export function explainChoice(chosen: RankedCandidate, now: Date, automatic = false): string {
  return `Assigned to ${chosen.name}${automatic ? " automatically" : ""}: ${explainRanking(chosen, now)}.`;
}

function lastAssigned(days: number): string {
  if (days === 0) return "last assigned today";
  return `last assigned ${days} day${days === 1 ? "" : "s"} ago`;
}

/** Why a candidate ranks where it does: matched expertise, open load and time since the last assignment. */
export function explainRanking(chosen: RankedCandidate, now: Date): string {
  const expertise =
    chosen.matchedTags.length > 0 ? `expertise ${chosen.matchedTags.join("+")}` : "no matching expertise";
  const open = `${chosen.openCount} open report${chosen.openCount === 1 ? "" : "s"}`;
  const last =
    chosen.lastAssignedAt === null
      ? "never assigned before"
      : lastAssigned(Math.max(0, Math.floor((now.getTime() - chosen.lastAssignedAt.getTime()) / DAY_MS)));
  return `${expertise}, ${open} (load ${chosen.load}), ${last}`;
}
