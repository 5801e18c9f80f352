// Checked by `npm run typecheck` (tsc includes test/): each @ts-expect-error line must fail to compile, so
// handing the global database handle to a write that must run inside a transaction is a compile error.

import { appendAuditEvent } from "../../src/audit/audit-log.ts";
import { type Db, type Tx, transaction } from "../../src/core/db.ts";
import type { JobQueue } from "../../src/jobs/queue.ts";

declare const db: Db;
declare const jobs: JobQueue;
const event = { actorType: "system" as const, actorId: null, action: "x", reportId: null, data: {} };

export async function globalHandleIsRefused(): Promise<void> {
  // @ts-expect-error the global handle is not a transaction: the audit event would escape the change's rollback
  await appendAuditEvent(db, event, new Date());
  // @ts-expect-error a job sent on the global handle would not commit or roll back with the change
  await jobs.send(db, "queue", {});
}

export async function transactionIsAccepted(): Promise<void> {
  await transaction(db, async (tx: Tx) => {
    await appendAuditEvent(tx, event, new Date());
    await jobs.send(tx, "queue", {});
  });
}
