import { z } from "zod";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { fillSealed } from "../../domain/sealed-secrets.ts";
import type { JobQueue, QueueDefinition } from "../../jobs/queue.ts";
import type { MailTransport } from "../../mail/transport.ts";
import type { KeysService } from "../keys/keys.service.ts";
import {
  claimForSending,
  findOutbox,
  holdUnlessCancelled,
  insertOutbox,
  threadIdsFor,
  updateOutbox,
} from "./outbox.repo.ts";
import {
  explicitRecipientKey,
  MailEncryptionError,
  type MailRecipient,
  mailRecipient,
  referenceOf,
  sealMail,
} from "./sealing.adapter.ts";

export const MAIL_DELIVER = "mail-deliver";
/** Mails sent at once by one process; the SMTP transport keeps as many connections open. */
export const MAIL_DELIVER_CONCURRENCY = 8;
export const mailQueues: QueueDefinition[] = [
  // Each mail is its own job with its own outbox row, so several go out at once without two sending one mail.
  {
    name: MAIL_DELIVER,
    retryLimit: 8,
    retryDelay: 30,
    retryBackoff: true,
    batchSize: 20,
    concurrency: MAIL_DELIVER_CONCURRENCY,
  },
];
const payload = z.object({
  outboxId: z.uuid(),
  recipient: mailRecipient.optional(),
  plainBody: z.string().max(20_000).optional(),
  messageRowId: z.uuid().optional(),
  recipientKey: explicitRecipientKey.optional(),
  source: z.object({ kind: z.string().min(1).max(40), id: z.uuid() }).optional(),
});

/** What a mail is about, so its delivery result can be recorded there (e.g. one pre-notification row). */
export type MailSource = { kind: string; id: string };
/** How one delivery attempt ended, told to the mail's source in the transaction that records it. */
export type MailOutcome =
  | { sent: true }
  /** `unencryptable`: nothing was sent because the mail could not be encrypted (e.g. the key expired meanwhile). */
  | { sent: false; error: string; unencryptable: boolean };
export type MailOutcomeListener = (tx: Tx, source: MailSource, outcome: MailOutcome) => Promise<void>;

/** A mail as services hand it over; it leaves only from the delivery job. */
export interface QueuedMail {
  reportId: string | null;
  to: string;
  subject: string;
  body: string;
  /** Who the mail is for; at delivery the mail is encrypted to their OpenPGP key when they have one. */
  recipient?: MailRecipient;
  /** A neutral text sent instead of `body` when the recipient has no key; `body` then goes only encrypted. */
  plainBody?: string;
  /** A conversation message whose text is added to the mail, only when it goes encrypted (read at delivery). */
  messageRowId?: string;
  /**
   * Private tracking links: `body` holds `sealedPlaceholder(i)` where secret i goes. They are stored sealed under
   * the data key and put in only by the delivery job, so neither the outbox nor its admin page shows a live link.
   */
  secrets?: readonly string[];
  /**
   * The recipient's public key, given with the mail: it is encrypted to this key (and signed) or not sent at all,
   * never in plaintext. For recipients the keys service does not know (pre-notification lists).
   */
  recipientKey?: z.infer<typeof explicitRecipientKey>;
  /** What the mail is about: the delivery job tells `onOutcome` how each attempt ended. */
  source?: MailSource;
}

/**
 * Writes a mail into the outbox and queues its delivery inside the caller's transaction, so the mail exists
 * exactly when the change that caused it commits. Nothing is sent here; secrets are sealed before they are stored.
 */
export async function queueMail(
  tx: Tx,
  deps: { jobs: JobQueue; cipher: DataCipher },
  mail: QueuedMail,
  now: Date,
): Promise<void> {
  const secrets = mail.secrets ?? [];
  // A secret the body has no place for is a bug in the caller: refuse it now, not at delivery.
  if (secrets.length > 0) fillSealed(mail.body, secrets);
  const delivery = deliveryOf(mail);
  const row = await insertOutbox(tx, {
    reportId: mail.reportId,
    toAddress: mail.to,
    subject: mail.subject,
    body: mail.body,
    secretsEnc: secrets.length > 0 ? deps.cipher.encryptJson(secrets) : null,
    delivery,
    createdAt: now,
  });
  await queueDelivery(tx, deps.jobs, row.id, delivery);
}

/** How a mail is delivered, beside its outbox id: what the job's payload carries and the row keeps. */
export type MailDelivery = Omit<z.infer<typeof payload>, "outboxId">;

function deliveryOf(mail: QueuedMail): MailDelivery {
  return {
    ...(mail.recipient ? { recipient: mail.recipient } : {}),
    ...(mail.plainBody !== undefined ? { plainBody: mail.plainBody } : {}),
    ...(mail.messageRowId ? { messageRowId: mail.messageRowId } : {}),
    ...(mail.recipientKey ? { recipientKey: mail.recipientKey } : {}),
    ...(mail.source ? { source: mail.source } : {}),
  };
}

/** Parses a row's kept delivery options; null when none were kept or they are not what a job accepts. */
export function keptDelivery(stored: unknown): MailDelivery | null {
  if (stored === null || stored === undefined) return null;
  const parsed = payload.omit({ outboxId: true }).strict().safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/**
 * Queues the delivery job of a mail already in the outbox, in the caller's transaction: a new mail's, or a held
 * mail's again once SMTP is configured (the row is marked queued by the caller).
 */
export async function queueDelivery(tx: Tx, jobs: JobQueue, outboxId: string, delivery: MailDelivery) {
  await jobs.send(tx, MAIL_DELIVER, { outboxId, ...delivery });
}

/** What an outbox row says when an earlier attempt at it was cut off in the middle of sending. */
export const INTERRUPTED_SEND =
  "An earlier attempt was cut off while sending (the process stopped), so it is unknown whether the mail " +
  "server took it; it was sent again and may arrive twice, with the same Message-ID.";

/**
 * The delivery job: sends through SMTP, or holds the mail for admins when no SMTP server is configured. A
 * recipient with an OpenPGP key gets RFC 3156 PGP/MIME, encrypted to that key and signed with the intake key;
 * if that fails the attempt is recorded as failed and nothing is sent.
 *
 * Delivery is idempotent per outbox row wherever the row can tell: the row is marked "sending" (committed)
 * before the SMTP conversation and "sent" after it, and a job that finds its row sent (or bounced) returns
 * without sending, so a job retried after its mail went out (the process died before pg-boss marked the job
 * complete, or the job expired) sends nothing. What no row can tell: the process dying after the SMTP server
 * accepted the mail and before "sent" committed. SMTP has no two-phase commit, so that window (one round trip
 * plus one small transaction, for the one mail in flight) is at-least-once: a job that finds its row still
 * "sending" sends again, because a lost receipt (it carries the only other copy of the tracking link) is worse
 * than a duplicate. The row then says so (INTERRUPTED_SEND) on the outbox page, and both copies carry the
 * same Message-ID, by which mail clients and archives recognise the second. Two attempts at one row at the
 * same moment cannot happen through the queue: pg-boss hands a job out again only after it expired (longer than
 * SMTP's timeouts) or after the process that held it died (Database.joinWorkers).
 */
export function createMailDeliveryHandler(deps: {
  db: Db;
  transport: MailTransport;
  clock: Clock;
  publicHost: string;
  cipher: DataCipher;
  keys: Pick<KeysService, "intakeKeys" | "memberKey" | "reporterKey">;
  /** Told how each attempt at a mail with a `source` ended, in the transaction that records it. */
  onOutcome?: MailOutcomeListener;
}) {
  const { keys } = deps;
  const intakePrivateKey = async () => deps.cipher.decryptText((await keys.intakeKeys()).current.privateEnc);
  return async (data: unknown) => {
    const { outboxId, recipient, plainBody, messageRowId, recipientKey, source } = payload.parse(data);
    const tell = async (tx: Tx, outcome: MailOutcome) => {
      if (source && deps.onOutcome) await deps.onOutcome(tx, source, outcome);
    };
    const mail = await findOutbox(deps.db, outboxId);
    if (!mail || mail.status === "sent" || mail.status === "bounced") return; // already went out: never twice
    if (mail.status === "cancelled") return; // taken back before it left
    if (!deps.transport) {
      await transaction(deps.db, (tx) => holdUnlessCancelled(tx, outboxId));
      return;
    }
    const interrupted = mail.status === "sending";
    const attempts = mail.attempts + 1;
    const claimed = await transaction(deps.db, (tx) => claimForSending(tx, outboxId, attempts));
    if (!claimed) return;
    try {
      const now = deps.clock();
      // The tracking links go in only now: in memory and in the SMTP conversation, never back into the database.
      const body = mail.secretsEnc
        ? fillSealed(mail.body, deps.cipher.decryptJson<string[]>(mail.secretsEnc))
        : mail.body;
      const sealed = await sealMail({
        db: deps.db,
        keys,
        cipher: deps.cipher,
        mail: { ...mail, body },
        recipient,
        ...(recipientKey ? { recipientKey } : {}),
        now,
        intakePrivateKey,
        ...(messageRowId ? { messageRowId } : {}),
      });
      await deps.transport({
        to: mail.toAddress,
        subject: mail.subject,
        text: sealed ? "" : (plainBody ?? body),
        messageId: `<${mail.id}@${deps.publicHost}>`,
        reference: await referenceOf(deps.db, mail),
        encrypted: sealed?.armored ?? null,
        date: now,
        // Mail about a report that came by mail answers the reporter's own messages, so it threads for them.
        thread: mail.reportId ? await threadIdsFor(deps.db, mail.reportId, mail.toAddress) : [],
      });
      await transaction(deps.db, async (tx) => {
        await updateOutbox(tx, outboxId, {
          status: "sent",
          sentAt: deps.clock(),
          secretsEnc: null, // sent: the sealed links are no longer needed at rest
          lastError: interrupted ? INTERRUPTED_SEND : null,
        });
        await tell(tx, { sent: true });
      });
    } catch (error) {
      const lastError = error instanceof Error ? error.message.slice(0, 500) : "unknown error";
      await transaction(deps.db, async (tx) => {
        await updateOutbox(tx, outboxId, { status: "failed", lastError });
        await tell(tx, {
          sent: false,
          error: lastError,
          unencryptable: error instanceof MailEncryptionError,
        });
      });
      throw error; // pg-boss retries with backoff
    }
  };
}
