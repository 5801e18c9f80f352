/** A time of day on the server's local clock, e.g. 03:30. */
export interface QuietTime {
  hour: number;
  minute: number;
}

/**
 * When nightly database maintenance runs: 03:30 server local time, when a self-hosted instance is least likely
 * to be busy. PGlite has one connection, so a VACUUM there holds up requests for as long as each step takes.
 */
export const DEFAULT_QUIET_TIME: QuietTime = { hour: 3, minute: 30 };

/** A scheduled run that starts this much after its quiet time (the server was down then) waits for the next one. */
export const MISSED_QUIET_TIME_MS = 60 * 60 * 1000;

/**
 * The next moment strictly after `now` at which the local clock reads `quiet`. Local time, so "03:30" stays
 * 03:30 across daylight-saving changes; a local time that a spring-forward skips becomes the first moment after.
 */
export function nextQuietRun(now: Date, quiet: QuietTime = DEFAULT_QUIET_TIME): Date {
  if (!isQuietTime(quiet)) throw new RangeError(`Not a time of day: ${quiet.hour}:${quiet.minute}`);
  for (let days = 0; days <= 2; days++) {
    const at = new Date(
      now.getFullYear(),
      now.getMonth(),
      now.getDate() + days,
      quiet.hour,
      quiet.minute,
      0,
      0,
    );
    if (at.getTime() > now.getTime()) return at;
  }
  throw new Error("unreachable: a time of day recurs within two days");
}

/** Whether a scheduled run due at `due` and starting at `now` came too late for a quiet hour. */
export function missedQuietTime(due: Date, now: Date): boolean {
  return now.getTime() - due.getTime() > MISSED_QUIET_TIME_MS;
}

function isQuietTime(quiet: QuietTime): boolean {
  return (
    Number.isInteger(quiet.hour) &&
    Number.isInteger(quiet.minute) &&
    quiet.hour >= 0 &&
    quiet.hour <= 23 &&
    quiet.minute >= 0 &&
    quiet.minute <= 59
  );
}
