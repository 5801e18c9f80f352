// When a rejection may be undone. A wrong click on "Spam" or "Reject" must not need closing (which mails the
// reporter) and reopening to repair: undo puts the report back exactly as it was. Pure: no I/O, no clock.
//
// Spam sends nothing, so its undo stays available for as long as the report is still that spam rejection. Any
// other rejection tells the reporter; its undo is possible only within UNDO_WINDOW_MS and only while the mail
// announcing it has not left (it is cancelled in the outbox) and no one has written to or from the reporter since.

import {
  REJECTABLE_STATES,
  REJECTION_LABELS,
  REJECTION_REASONS,
  type RejectionReason,
  type ReportState,
  STATE_LABELS,
} from "./workflow-states.ts";

/** How long a rejection that told the reporter may be undone: long enough to notice a wrong click. */
export const UNDO_WINDOW_MS = 10 * 60 * 1000;

/** What a rejection recorded so it can be undone: when, why, and the state it left. */
export interface RejectionRecord {
  reason: RejectionReason;
  /** When the rejection committed (the report's resolvedAt it wrote). */
  at: Date;
  /** The state the report was in before the rejection. */
  previousState: ReportState;
}

/** Everything the undo rule needs besides the report's state, loaded by the service under the report's lock. */
export interface UndoRejectionFacts {
  /** The report's current rejection reason and resolution time, to notice a report changed since the record. */
  rejectionReason: string | null;
  resolvedAt: Date | null;
  /** The record of the latest rejection; null when there is none (never recorded, or already undone). */
  rejection: RejectionRecord | null;
  /**
   * The mail that announced the rejection to the reporter: "none" (spam, or the reporter gave no address),
   * "unsent" (still in the outbox: queued, held or failed, so it can be cancelled) or "sent" (it left, or an
   * attempt to send it is under way).
   */
  rejectionMail: "none" | "unsent" | "sent";
  /** A reporter-visible message was written since the rejection, by the reporter or by the team. */
  reporterContactSince: boolean;
  /** The time of the request: the window is measured to it. */
  now: Date;
}

export type UndoDecision =
  | { ok: true; to: ReportState; cancelMail: boolean }
  | { ok: false; code: "invalid_transition" | "guard_failed"; message: string };

const REASON_SET: ReadonlySet<string> = new Set(REJECTION_REASONS);

function refuse(message: string): UndoDecision {
  return { ok: false, code: "guard_failed", message };
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** "3 minutes ago" style wording for refusal messages; whole minutes, at least one. */
function minutes(ms: number): string {
  const n = Math.max(1, Math.floor(ms / 60_000));
  return n === 1 ? "1 minute" : `${n} minutes`;
}

/** Whether the rejection of a report may be undone now, and to which state it returns. */
export function decideUndoRejection(
  state: ReportState,
  facts: UndoRejectionFacts | null | undefined,
): UndoDecision {
  if (state !== "rejected") {
    const label = Object.hasOwn(STATE_LABELS, state)
      ? STATE_LABELS[state].toLowerCase()
      : "in an unknown state";
    return {
      ok: false,
      code: "invalid_transition",
      message: `Only a rejected report can have its rejection undone; this one is ${label}.`,
    };
  }
  const record = facts?.rejection;
  if (record === null || record === undefined) {
    return refuse(
      "There is no rejection to undo: it was already undone, or it was recorded before undo existed. Close and reopen the report instead.",
    );
  }
  if (
    !REASON_SET.has(record.reason) ||
    !isValidDate(record.at) ||
    !REJECTABLE_STATES.includes(record.previousState)
  ) {
    return refuse("The record of this rejection is damaged, so it cannot be undone safely.");
  }
  if (!facts) return refuse("There is no rejection to undo.");
  const now = facts.now;
  if (
    facts.rejectionReason !== record.reason ||
    !isValidDate(facts.resolvedAt) ||
    facts.resolvedAt.getTime() !== record.at.getTime()
  ) {
    return refuse(
      "The report changed after this rejection, so undoing it would not restore what was there. Close and reopen it instead.",
    );
  }
  const label = REJECTION_LABELS[record.reason];
  if (record.reason === "spam") {
    // Spam told no one anything, so putting the report back hides nothing from anybody.
    return { ok: true, to: record.previousState, cancelMail: false };
  }
  if (!isValidDate(now)) return refuse("The time is unknown, so the undo window cannot be checked.");
  const elapsed = now.getTime() - record.at.getTime();
  if (elapsed > UNDO_WINDOW_MS) {
    return refuse(
      `A rejection as ${label} can be undone only within ${minutes(UNDO_WINDOW_MS)}; this one was ${minutes(elapsed)} ago. Close and reopen the report instead.`,
    );
  }
  if (facts.rejectionMail === "sent") {
    return refuse(
      "The mail telling the reporter about the rejection has already been sent, so it cannot be taken back. Close and reopen the report instead.",
    );
  }
  if (facts.reporterContactSince) {
    return refuse(
      "The reporter and the team have written to each other since the rejection, so it cannot be taken back. Close and reopen the report instead.",
    );
  }
  if (facts.rejectionMail !== "none" && facts.rejectionMail !== "unsent") {
    return refuse("It is unknown whether the reporter was told, so the rejection cannot be undone.");
  }
  return { ok: true, to: record.previousState, cancelMail: facts.rejectionMail === "unsent" };
}
