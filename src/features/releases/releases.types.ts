// What the release service asks of the pre-notification sender, so the two halves of the releases feature meet
// in one place. Both run inside the caller's transaction; the mail itself leaves only from jobs.

import type { Tx } from "../../core/db.ts";

export interface PrenotifyHooks {
  /**
   * A release was scheduled, or rescheduled before its pre-notification went out: queue the sending job for
   * `prenotifyAt` (a job for an older time finds the release changed and does nothing).
   */
  scheduleInTx(tx: Tx, releaseId: string, prenotifyAt: Date): Promise<void>;
  /**
   * A release whose pre-notification went out was rescheduled or cancelled: queue an update to the same people
   * (the new time, or that it is cancelled), encrypted like the first notice.
   */
  updateInTx(tx: Tx, releaseId: string, kind: "reschedule" | "cancel"): Promise<void>;
}
