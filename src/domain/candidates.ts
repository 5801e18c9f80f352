import {
  type AwayPeriod,
  type Candidate,
  describeUnavailability,
  type LoadSeverity,
  type Unavailability,
  unavailability,
} from "./assignment.ts";

const DAY_MS = 86_400_000;

/** What the assignment rule reads of a stored team member. */
export interface MemberFacts {
  id: string;
  name: string;
  role: Candidate["role"];
  active: boolean;
  expertise: readonly string[];
  timeZone: string;
  workingHours: Candidate["workingHours"];
  awayPeriods: readonly AwayPeriod[] | null;
  /** The older single "away until" instant (exclusive, UTC), still honoured until availability is saved. */
  awayUntil: Date | null;
  lastAssignedAt: Date | null;
}

/**
 * The member's away periods, with the older `away_until` instant (exclusive, UTC) folded in as one more period
 * ending the day before it. Saving availability clears `away_until`, so away periods become the one source of
 * truth and an install that still has the old value keeps honouring it until then.
 */
export function effectiveAwayPeriods(user: Pick<MemberFacts, "awayPeriods" | "awayUntil">): AwayPeriod[] {
  const periods = Array.isArray(user.awayPeriods) ? [...user.awayPeriods] : [];
  if (user.awayUntil) {
    const end = new Date(user.awayUntil.getTime() - DAY_MS).toISOString().slice(0, 10);
    if (!periods.some((p) => p.end === end)) periods.push({ start: "1970-01-01", end });
  }
  return periods.sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end));
}

/** A team member as the pure assignment rule sees them. */
export function candidateOf(user: MemberFacts, openReports: readonly LoadSeverity[] = []): Candidate {
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    active: user.active,
    expertise: user.expertise,
    timeZone: user.timeZone,
    workingHours: user.workingHours ?? null,
    awayPeriods: effectiveAwayPeriods(user),
    openReports,
    lastAssignedAt: user.lastAssignedAt,
  };
}

/** Whether a member can be given a report now, and if not, why, in words for the team page. */
export function availabilityNow(
  user: MemberFacts,
  now: Date,
): { available: true } | { available: false; why: Unavailability; detail: string } {
  const candidate = candidateOf(user);
  const why = unavailability(candidate, now);
  return why
    ? { available: false, why, detail: describeUnavailability(candidate, why, now) }
    : { available: true };
}
