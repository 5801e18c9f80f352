// The release policy of the seeds: the track a release takes follows the highest severity among its reports
// (critical/high → a dedicated security release, medium → the next minor release, low/note → the next regular
// release), a different track needs a recorded reason, and a security release tells its pre-notification lists
// `prenotifyHours` (default 24) of real time before it goes public. Pure: the clock is a parameter.

import { SEVERITIES, type Severity } from "./workflow-states.ts";

export const RELEASE_TRACKS = ["security", "minor", "regular"] as const;
export type ReleaseTrack = (typeof RELEASE_TRACKS)[number];

export const TRACK_LABELS: Record<ReleaseTrack, string> = {
  security: "Security release",
  minor: "Minor release",
  regular: "Next regular release",
};

/** The policy in words, for the public policy page and the release form. */
export const TRACK_POLICY: readonly {
  severities: readonly Severity[];
  track: ReleaseTrack;
  words: string;
}[] = [
  {
    severities: ["critical", "high"],
    track: "security",
    words: "a dedicated security release; pre-notification lists are told beforehand",
  },
  { severities: ["medium"], track: "minor", words: "the next minor release" },
  { severities: ["low", "note"], track: "regular", words: "the next regular release" },
];

export const DEFAULT_PRENOTIFY_HOURS = 24;
/** The longest pre-notification period the setting accepts: 30 days. */
export const MAX_PRENOTIFY_HOURS = 720;
/** The longest reason text accepted for an override. */
export const MAX_REASON_LENGTH = 2000;

/** The track the policy gives a release whose reports have these severities; null when none has one yet. */
export function policyTrack(severities: readonly (Severity | null)[]): ReleaseTrack | null {
  const ranked = severities.filter((s): s is Severity => s !== null && SEVERITIES.includes(s));
  if (ranked.length === 0) return null;
  const highest = ranked.reduce((a, b) => (SEVERITIES.indexOf(b) > SEVERITIES.indexOf(a) ? b : a));
  return TRACK_POLICY.find((p) => p.severities.includes(highest))?.track ?? null;
}

export interface ReleasePlanInput {
  /** The severities of the release's reports (null: not yet scored). */
  severities: readonly (Severity | null)[];
  publishAt: Date;
  prenotifyAt?: Date | null;
  /** Whether any pre-notification list is named. */
  hasLists: boolean;
  track?: ReleaseTrack | null;
  trackOverrideReason?: string | null;
  prenotifyHours: number;
  now: Date;
}

export interface ReleasePlan {
  track: ReleaseTrack;
  policyTrack: ReleaseTrack;
  overridden: boolean;
  publishAt: Date;
  /** When the lists are told; null when nobody is pre-notified. */
  prenotifyAt: Date | null;
}

export type PlanProblems = Partial<
  Record<"reports" | "publishAt" | "prenotifyAt" | "track" | "trackOverrideReason", string>
>;

function isNonBlank(value: unknown): value is string {
  return typeof value === "string" && value.replace(/[\u200b-\u200d\u2060\ufeff]/gu, "").trim() !== "";
}

function validInstant(value: unknown): value is Date {
  return value instanceof Date && Number.isFinite(value.getTime());
}

const HOUR_MS = 3_600_000;

/** An ISO 8601 instant in UTC to the minute, as problems name times. */
function utc(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Judges a release plan: its track (from the policy, or overridden with a reason) and its pre-notification time
 * (for a security release, or when lists are named: given, or publishAt − prenotifyHours of real time, so a
 * daylight-saving change in anyone's zone neither shortens nor lengthens it). Returns the plan or the problems.
 */
export function planRelease(
  input: ReleasePlanInput,
): { ok: true; plan: ReleasePlan } | { ok: false; problems: PlanProblems } {
  const problems: PlanProblems = {};
  const fromPolicy = policyTrack(input.severities);
  if (input.severities.length === 0) problems.reports = "Name at least one report for the release.";
  else if (fromPolicy === null)
    problems.reports =
      "None of the release's reports has a severity yet; set one so the policy can choose the track.";

  const requested = input.track ?? null;
  if (requested !== null && !RELEASE_TRACKS.includes(requested))
    problems.track = `The track must be one of ${RELEASE_TRACKS.join(", ")}.`;
  const overridden = requested !== null && fromPolicy !== null && requested !== fromPolicy;
  if (overridden) {
    if (!isNonBlank(input.trackOverrideReason))
      problems.trackOverrideReason = `The policy gives this release the ${fromPolicy} track; say why it should be ${requested} instead.`;
    else if (input.trackOverrideReason.length > MAX_REASON_LENGTH)
      problems.trackOverrideReason = `The reason is longer than ${MAX_REASON_LENGTH} characters.`;
  }

  const hours = input.prenotifyHours;
  const validHours = Number.isInteger(hours) && hours >= 0 && hours <= MAX_PRENOTIFY_HOURS;
  if (!validInstant(input.publishAt))
    problems.publishAt = "The publication time must be an ISO 8601 instant.";
  else if (input.publishAt.getTime() <= input.now.getTime())
    problems.publishAt = `The publication time ${utc(input.publishAt)} has passed; choose a time in the future.`;

  const track: ReleaseTrack | null = requested ?? fromPolicy;
  const prenotifies = track === "security" || input.hasLists;
  let prenotifyAt: Date | null = null;
  if (input.prenotifyAt !== undefined && input.prenotifyAt !== null) {
    if (!validInstant(input.prenotifyAt))
      problems.prenotifyAt = "The pre-notification time must be an ISO 8601 instant.";
    else if (!prenotifies)
      problems.prenotifyAt =
        "Nobody is pre-notified for this release: name a notification list, or leave the time out.";
    else if (validInstant(input.publishAt) && input.prenotifyAt.getTime() >= input.publishAt.getTime())
      problems.prenotifyAt = "The pre-notification must come before the publication time.";
    else if (input.prenotifyAt.getTime() < input.now.getTime())
      problems.prenotifyAt = `The pre-notification time ${utc(input.prenotifyAt)} has passed.`;
    else prenotifyAt = input.prenotifyAt;
  } else if (prenotifies && validInstant(input.publishAt) && !problems.publishAt) {
    if (!validHours) problems.prenotifyAt = "The pre-notification setting is not a whole number of hours.";
    else {
      const computed = new Date(input.publishAt.getTime() - hours * HOUR_MS);
      if (computed.getTime() < input.now.getTime()) {
        const earliest = new Date(input.now.getTime() + hours * HOUR_MS);
        problems.publishAt = `A ${track === "security" ? "security " : ""}release tells its lists ${hours} h before publication, which would be ${utc(computed)}, already past. Publish at ${utc(earliest)} or later, or give an earlier pre-notification time explicitly.`;
      } else prenotifyAt = computed;
    }
  }

  if (Object.keys(problems).length > 0 || track === null || fromPolicy === null)
    return { ok: false, problems };
  return {
    ok: true,
    plan: { track, policyTrack: fromPolicy, overridden, publishAt: input.publishAt, prenotifyAt },
  };
}

/**
 * An instant as a person in `timeZone` reads it ("Sat 28 Mar 2026, 11:00 CET"), or null when the zone is not a
 * known IANA zone. Pages show this next to the UTC time.
 */
export function inZone(instant: Date, timeZone: string): string | null {
  try {
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    }).formatToParts(instant);
    // Assembled from parts so the result does not depend on the ICU version's punctuation.
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("weekday")} ${part("day")} ${part("month")} ${part("year")}, ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
  } catch {
    return null;
  }
}
