import { lt, sql } from "drizzle-orm";
import type { Db } from "../core/db.ts";
import { rateLimits } from "../db/schema.ts";

/** Windows older than this are dead weight; they are removed whenever a new window starts. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** The start of the fixed window of `windowSeconds` that `nowMs` falls in. */
export function windowStartOf(nowMs: number, windowSeconds: number): Date {
  const windowMs = windowSeconds * 1000;
  return new Date(Math.floor(nowMs / windowMs) * windowMs);
}

/**
 * Counts one hit in a fixed window with a single atomic upsert, so several instances sharing the database
 * agree on the count without locks or a separate store. It takes the global handle on purpose, never a
 * transaction: a hit must count even when the request it guards fails and rolls back.
 */
export async function hitRateLimit(db: Db, key: string, windowStart: Date): Promise<number> {
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.key, rateLimits.windowStart],
      set: { count: sql`${rateLimits.count} + 1` },
    })
    .returning({ count: rateLimits.count });
  const count = row?.count ?? 1;
  // The first hit of a window is the cheap moment to sweep old windows: no cron job is needed.
  if (count === 1) {
    await db.delete(rateLimits).where(lt(rateLimits.windowStart, new Date(windowStart.getTime() - KEEP_MS)));
  }
  return count;
}
