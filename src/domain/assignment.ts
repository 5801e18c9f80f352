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
  | { ok: true; chosen: RankedCandidate; ranking: RankedCandidate[]; explanation: string }
  | {
      ok: false;
      reason: "nobody_available";
      unavailable: { id: string; name: string; why: Unavailability }[];
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
  const unavailable: { id: string; name: string; why: Unavailability }[] = [];
  const ranking: RankedCandidate[] = [];
  for (const c of candidates) {
    const why = unavailability(c, now);
    if (why) {
      if (why !== "viewer") unavailable.push({ id: c.id, name: c.name, why });
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
          : `Nobody is available: ${unavailable.map((u) => `${u.name} (${u.why.replace("_", " ")})`).join(", ")}.`,
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
  return { ok: true, chosen, ranking, explanation: explainChoice(chosen, now) };
}

/** The sentence the timeline shows, e.g. "Assigned to Bob: expertise web+auth, 2 open reports". */
export function explainChoice(chosen: RankedCandidate, now: Date): string {
  const expertise =
    chosen.matchedTags.length > 0 ? `expertise ${chosen.matchedTags.join("+")}` : "no matching expertise";
  const open = `${chosen.openCount} open report${chosen.openCount === 1 ? "" : "s"}`;
  const last =
    chosen.lastAssignedAt === null
      ? "never assigned before"
      : `last assigned ${Math.max(0, Math.floor((now.getTime() - chosen.lastAssignedAt.getTime()) / DAY_MS))} days ago`;
  return `Assigned to ${chosen.name}: ${expertise}, ${open} (load ${chosen.load}), ${last}.`;
}
