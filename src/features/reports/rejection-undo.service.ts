// What a rejection records so it can be undone exactly, and the facts the undo rule (domain/rejection-undo.ts)
// needs about a rejected report: its record, whether the rejection's mail left, whether anyone wrote since.

import { z } from "zod";
import type { Db } from "../../core/db.ts";
import {
  decideUndoRejection,
  REJECTION_REASONS,
  REPORT_STATES,
  type RejectionReason,
  type ReportState,
  UNDO_WINDOW_MS,
  type UndoRejectionFacts,
} from "../../domain/workflow.ts";
import type { ReportsCollaborators } from "./collaborators.types.ts";
import { findRejectionMessage, type ReportRow, reporterVisibleAfter } from "./reports.repo.ts";

const date = z.iso.datetime().transform((v) => new Date(v));
const nullableDate = date.nullable();

/** The stored record: when and why the report was rejected, and every field the rejection overwrote. */
const recordSchema = z.object({
  reason: z.enum(REJECTION_REASONS),
  at: date,
  previous: z.object({
    state: z.enum(REPORT_STATES),
    rejectionReason: z.string().nullable(),
    resolvedAt: nullableDate,
    closedAt: nullableDate,
    duplicateOfId: z.string().nullable(),
    lastReporterUpdateAt: nullableDate,
    needsInfo: z.boolean(),
    needsInfoSince: nullableDate,
    pausedMs: z.number(),
    acknowledgeBy: date,
    triageBy: date,
    resolveBy: date,
  }),
});
export type RejectionUndoRecord = z.output<typeof recordSchema>;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The record a rejection stores on the report: the report as it was just before, and when and why it changed. */
export function rejectionRecord(report: ReportRow, now: Date, reason: RejectionReason) {
  return {
    reason,
    at: now.toISOString(),
    previous: {
      state: report.state,
      rejectionReason: report.rejectionReason,
      resolvedAt: iso(report.resolvedAt),
      closedAt: iso(report.closedAt),
      duplicateOfId: report.duplicateOfId,
      lastReporterUpdateAt: iso(report.lastReporterUpdateAt),
      needsInfo: report.needsInfo,
      needsInfoSince: iso(report.needsInfoSince),
      pausedMs: report.pausedMs,
      acknowledgeBy: report.acknowledgeBy.toISOString(),
      triageBy: report.triageBy.toISOString(),
      resolveBy: report.resolveBy.toISOString(),
    },
  };
}

/** The report's rejection record, or null when it has none or it cannot be read (the rule then refuses). */
export function readRejectionRecord(report: ReportRow): RejectionUndoRecord | null {
  const parsed = recordSchema.safeParse(report.rejectionUndo);
  return parsed.success ? parsed.data : null;
}

/** The fields an undo writes back: exactly what the rejection overwrote (and needs-info's pause, if it ended one). */
export function restoredFields(record: RejectionUndoRecord): Partial<ReportRow> {
  const p = record.previous;
  return {
    rejectionReason: p.rejectionReason,
    resolvedAt: p.resolvedAt,
    closedAt: p.closedAt,
    duplicateOfId: p.duplicateOfId,
    lastReporterUpdateAt: p.lastReporterUpdateAt,
    needsInfo: p.needsInfo,
    needsInfoSince: p.needsInfoSince,
    pausedMs: p.pausedMs,
    acknowledgeBy: p.acknowledgeBy,
    triageBy: p.triageBy,
    resolveBy: p.resolveBy,
    rejectionUndo: null,
  };
}

/** A rejected report's undo facts, and what an undo would take back: the mails still unsent and the message. */
export interface UndoState {
  facts: UndoRejectionFacts;
  record: RejectionUndoRecord | null;
  unsentMailIds: string[];
  rejectionMessageId: string | null;
}

/**
 * Reads what the undo rule needs. In the undo's own transaction pass `lock`, so the rejection's mail cannot start
 * leaving between this read and its cancellation.
 */
export async function loadUndoState(
  features: Pick<ReportsCollaborators, "outbox">,
  db: Db,
  report: ReportRow,
  reporterEmail: string | null,
  now: Date,
  lock = false,
): Promise<UndoState> {
  const record = readRejectionRecord(report);
  const base = {
    rejectionReason: report.rejectionReason,
    resolvedAt: report.resolvedAt,
    now,
  };
  if (record === null) {
    const facts: UndoRejectionFacts = {
      ...base,
      rejection: null,
      rejectionMail: "none",
      reporterContactSince: false,
    };
    return { facts, record, unsentMailIds: [], rejectionMessageId: null };
  }
  const message = await findRejectionMessage(db, report.id, record.at);
  const mail = reporterEmail
    ? await features.outbox.mailSince(db, report.id, reporterEmail, record.at, { lock })
    : { left: 0, unsentIds: [] };
  const contact = await reporterVisibleAfter(
    db,
    report.id,
    message ? { seq: message.seq } : { at: record.at },
  );
  const facts: UndoRejectionFacts = {
    ...base,
    rejection: {
      reason: record.reason,
      at: record.at,
      previousState: record.previous.state as ReportState,
    },
    rejectionMail: mail.left > 0 ? "sent" : mail.unsentIds.length > 0 ? "unsent" : "none",
    reporterContactSince: contact,
  };
  return { facts, record, unsentMailIds: mail.unsentIds, rejectionMessageId: message?.id ?? null };
}

/**
 * What the report page says about undoing the rejection: whether it is possible and until when, what it would
 * take back, or why not.
 */
export function undoSummary(facts: UndoRejectionFacts) {
  const decision = decideUndoRejection("rejected", facts);
  const rejection = facts.rejection;
  return {
    possible: decision.ok,
    refusal: decision.ok ? null : decision.message,
    reason: rejection?.reason ?? null,
    previousState: rejection?.previousState ?? null,
    /** Spam has no deadline; other rejections can be undone until ten minutes after them. */
    until:
      rejection && rejection.reason !== "spam" ? new Date(rejection.at.getTime() + UNDO_WINDOW_MS) : null,
    cancelsMail: decision.ok && decision.cancelMail,
  };
}
