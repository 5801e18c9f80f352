import { randomUUID } from "node:crypto";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { authorOf, type CurrentUser } from "../../core/actors.ts";
import type { Tx } from "../../core/db.ts";

/** "2026-03-28 10:00 UTC": how audit summaries and problems name an instant. */
export function utcText(d: Date): string {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Records one change of a release: one audit event per report it covers, so each report's timeline shows it, each
 * carrying the release's id (the release page reads its history by it) and a summary sentence for people.
 */
export async function auditRelease(
  tx: Tx,
  actor: CurrentUser,
  action: string,
  release: { id: string; version: string },
  reportIds: readonly string[],
  summary: string,
  data: Record<string, unknown>,
  now: Date,
): Promise<void> {
  const who = authorOf(actor);
  // A change always has a unique marker, so the release page reads the per-report copies as one change.
  const change = randomUUID();
  for (const reportId of reportIds)
    await appendAuditEvent(
      tx,
      {
        actorType: who.actorType,
        actorId: who.actorId,
        action,
        reportId,
        data: { releaseId: release.id, version: release.version, summary, change, ...data },
      },
      now,
    );
}
