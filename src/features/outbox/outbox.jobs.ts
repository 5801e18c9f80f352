import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";
import type { MailTransport } from "../../mail/transport.ts";
import type { Clock } from "../../services.ts";
import { findOutbox, insertOutbox, updateOutbox } from "./outbox.repo.ts";

export const MAIL_DELIVER = "mail-deliver";
export const mailQueues: QueueDefinition[] = [
  { name: MAIL_DELIVER, retryLimit: 8, retryDelay: 30, retryBackoff: true },
];
const payload = z.object({ outboxId: z.uuid() });

/**
 * Writes a mail into the outbox and queues its delivery inside the caller's transaction, so the mail exists
 * exactly when the change that caused it commits. Nothing is sent here.
 */
export async function queueMail(
  tx: Db,
  jobs: JobQueue,
  mail: { reportId: string | null; to: string; subject: string; body: string },
  now: Date,
): Promise<void> {
  const row = await insertOutbox(tx, {
    reportId: mail.reportId,
    toAddress: mail.to,
    subject: mail.subject,
    body: mail.body,
    createdAt: now,
  });
  await jobs.send(tx, MAIL_DELIVER, { outboxId: row.id });
}

/** The delivery job: sends through SMTP, or holds the mail for admins when no SMTP server is configured. */
export function createMailDeliveryHandler(deps: {
  db: Db;
  transport: MailTransport;
  clock: Clock;
  publicHost: string;
}) {
  return async (data: unknown) => {
    const { outboxId } = payload.parse(data);
    const mail = await findOutbox(deps.db, outboxId);
    if (!mail || mail.status === "sent") return; // idempotent: a retried job never sends twice
    if (!deps.transport) {
      await updateOutbox(deps.db, outboxId, { status: "held" });
      return;
    }
    try {
      await deps.transport({
        to: mail.toAddress,
        subject: mail.subject,
        text: mail.body,
        messageId: `<${mail.id}@${deps.publicHost}>`,
      });
      await updateOutbox(deps.db, outboxId, {
        status: "sent",
        sentAt: deps.clock(),
        attempts: mail.attempts + 1,
        lastError: null,
      });
    } catch (error) {
      await updateOutbox(deps.db, outboxId, {
        status: "failed",
        attempts: mail.attempts + 1,
        lastError: error instanceof Error ? error.message.slice(0, 500) : "unknown error",
      });
      throw error; // pg-boss retries with backoff
    }
  };
}
