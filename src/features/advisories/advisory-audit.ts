// Every advisory change is an audit event whose subject is the advisory (`data.advisoryId`), written once per
// covered report so it also shows on each report's timeline (the timeline reads events by report).

import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Tx } from "../../core/db.ts";

export interface AdvisoryAuditInput {
  actorType: "user" | "reporter" | "system";
  actorId: string | null;
  /** `advisory.<verb>`: created, edited, revised, submit, approve, request_changes, withdraw, shared, published, commented. */
  action: string;
  advisory: { id: string; publicId: string; title: string };
  reportIds: readonly string[];
  data?: Record<string, unknown>;
}

/** Appends the advisory's event in the caller's transaction: one per covered report, or one without a report. */
export async function auditAdvisory(tx: Tx, input: AdvisoryAuditInput, now: Date): Promise<void> {
  const data = {
    advisoryId: input.advisory.id,
    publicId: input.advisory.publicId,
    title: input.advisory.title,
    ...input.data,
  };
  const targets = input.reportIds.length > 0 ? input.reportIds : [null];
  for (const reportId of targets)
    await appendAuditEvent(
      tx,
      { actorType: input.actorType, actorId: input.actorId, action: input.action, reportId, data },
      now,
    );
}
