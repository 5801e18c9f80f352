// How long a sign-in attempt must wait, given the recent failures of one source against one account and of that
// source against every account. Failures from other sources never slow a source down, so an attacker cannot
// lock an account's owner out; waits grow with each failure (backoff) instead of a fixed block.

/** The numbers of the rule. */
export interface LoginThrottleRule {
  windowSeconds: number;
  freePerAccount: number;
  freePerSource: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** The rule in force; tests and the admin page read it. */
export const LOGIN_THROTTLE: Readonly<LoginThrottleRule> = {
  /** Failures older than this are forgotten. */
  windowSeconds: 60 * 60,
  /** Wrong passwords one source may send for one account before it has to wait. */
  freePerAccount: 3,
  /** Wrong passwords one source may send across all accounts before it has to wait (password spraying). */
  freePerSource: 20,
  /** The first wait; each further failure doubles it. */
  baseSeconds: 2,
  /** No wait is longer than this. */
  maxSeconds: 15 * 60,
};

/** Recent failures of one group (this source against this account, or this source against all accounts). */
export interface FailureCount {
  count: number;
  /** When the latest of them happened; null when count is 0. */
  last: Date | null;
}

/** The backoff delay after `count` failures with `free` of them allowed: 0, then base, 2·base, 4·base … max. */
export function backoffSeconds(
  count: number,
  free: number,
  rule: LoginThrottleRule = LOGIN_THROTTLE,
): number {
  if (!Number.isFinite(count) || count <= free) return 0;
  const over = Math.min(count - free - 1, 30);
  return Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** over);
}

function remaining(group: FailureCount, free: number, now: Date, rule: LoginThrottleRule): number {
  if (!group.last || Number.isNaN(group.last.getTime())) return 0;
  const delay = backoffSeconds(group.count, free, rule);
  if (delay === 0) return 0;
  const until = group.last.getTime() + delay * 1000;
  return Math.max(0, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * Seconds this source must wait before it may try this account again (0: it may try now). Both counts are of
 * the source's own failures, so the right password from a source that has not been failing always gets through.
 */
export function loginWaitSeconds(
  input: { accountAndSource: FailureCount; source: FailureCount; now: Date },
  rule: LoginThrottleRule = LOGIN_THROTTLE,
): number {
  return Math.max(
    remaining(input.accountAndSource, rule.freePerAccount, input.now, rule),
    remaining(input.source, rule.freePerSource, input.now, rule),
  );
}

/** When a group's wait ends, for the admin page; null when it need not wait at all. */
export function throttledUntil(
  group: FailureCount,
  free: number,
  rule: LoginThrottleRule = LOGIN_THROTTLE,
): Date | null {
  const delay = backoffSeconds(group.count, free, rule);
  if (!group.last || delay === 0) return null;
  return new Date(group.last.getTime() + delay * 1000);
}
