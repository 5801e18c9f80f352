import { z } from "zod";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { authorOf, type CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import {
  decideHeldSend,
  HELD_MAIL_MAX_AGE_DAYS,
  type HeldMailFacts,
  heldMailAgeDays,
  heldMailRefusal,
  isOldHeldMail,
} from "../../domain/held-mail.ts";
import { countMails, HELD_MAIL_COUNT_CAP } from "../../domain/mail-delivery.ts";
import { can } from "../../domain/permissions.ts";
import { fillSealed } from "../../domain/sealed-secrets.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { keptDelivery, queueDelivery } from "./outbox.jobs.ts";
import {
  findOutbox,
  listHeldMail,
  lockHeldMail,
  markRequeued,
  type OutboxRow,
  updateOutbox,
} from "./outbox.repo.ts";

/** What sending held mail did. */
export interface HeldSendResult {
  /** Mails queued for delivery. */
  queued: number;
  /** Mails that stay held, each with why (also kept on the mail). */
  refused: { id: string; reason: string }[];
  /** Held mail the action did not reach (over the cap of one action, or old mail left behind). */
  remaining: number;
}

/** Held mail as the outbox page offers to send it (counted up to HELD_MAIL_COUNT_CAP). */
export interface HeldMailSummary {
  held: number;
  /** Held mail that can be sent as it was meant to. */
  sendable: number;
  /** Of those, the ones older than HELD_MAIL_MAX_AGE_DAYS. */
  old: number;
  /** The oldest sendable mail's age in whole days (0 with none). */
  oldestDays: number;
}

/** The refusal that asks the admin to confirm old mail: how many old mails, of how many that can be sent. */
export class OldHeldMailUnconfirmed extends AppError {
  constructor(
    readonly old: number,
    readonly total: number,
  ) {
    super(
      "old_held_mail_unconfirmed",
      409,
      `${countMails(old)} of the ${countMails(total)} that can be sent ${old === 1 ? "is" : "are"} older than ${HELD_MAIL_MAX_AGE_DAYS} days: a mail that late may confuse its recipient. Confirm that they go too, or send only the recent ones.`,
    );
  }
}

const outboxId = z.uuid();
const sendAllInput = z.object({
  recentOnly: z.boolean().default(false),
  confirmedOld: z.number().int().min(0).nullable().default(null),
});

/** Whether a row's sealed secrets still open under the data key and fit its body. */
function secretsKept(cipher: DataCipher, row: OutboxRow): boolean {
  if (!row.secretsEnc) return false;
  try {
    fillSealed(row.body, cipher.decryptJson<string[]>(row.secretsEnc));
    return true;
  } catch {
    return false;
  }
}

const factsOf = (cipher: DataCipher, row: OutboxRow): HeldMailFacts => ({
  id: row.id,
  createdAt: row.createdAt,
  body: row.body,
  secretsKept: secretsKept(cipher, row),
  deliveryKept: keptDelivery(row.delivery) !== null,
});

/**
 * Mail held while SMTP was missing: once it is configured, an admin sends it (each mail gets its delivery job
 * again, with the options it was first queued with) or discards it. Each action is one transaction with its
 * audit event; nothing is sent here, only by the delivery job.
 */
export function createHeldMailActions(deps: {
  db: Db;
  jobs: JobQueue;
  clock: Clock;
  cipher: DataCipher;
  smtpConfigured: () => boolean;
  /** Drops the banner's cached count, so the next page shows what the action left. */
  forgetCount: () => void;
}) {
  const mayManage = (actor: CurrentUser) => {
    if (!can(actor.role, "outbox.manage")) throw forbidden("Only admins can send or discard held mail.");
  };
  const parseId = (id: unknown) => {
    const parsed = outboxId.safeParse(id);
    if (!parsed.success)
      throw badRequest("That is not the id of a mail in the outbox.", { id: "Not a mail id." });
    return parsed.data;
  };
  /** The one held mail, locked; a 404 when there is no such mail, a 409 when it is no longer held. */
  const lockOne = async (tx: Tx, id: string) => {
    const [row] = await lockHeldMail(tx, [id], 1);
    if (row) return row;
    const other = await findOutbox(tx, id);
    if (!other) throw notFound("Mail");
    throw conflict("mail_not_held", `This mail is no longer held: it is ${other.status}.`);
  };

  async function send(
    tx: Tx,
    actor: CurrentUser,
    rows: OutboxRow[],
    opts: { bulk: boolean; recentOnly?: boolean; confirmedOld?: number | null },
  ) {
    const now = deps.clock();
    const decision = decideHeldSend({ mails: rows.map((r) => factsOf(deps.cipher, r)), now, ...opts });
    if (decision.kind === "confirm_old") throw new OldHeldMailUnconfirmed(decision.old, decision.total);
    const byId = new Map(rows.map((r) => [r.id, r]));
    await markRequeued(tx, decision.ids);
    for (const id of decision.ids)
      await queueDelivery(tx, deps.jobs, id, keptDelivery(byId.get(id)?.delivery) ?? {});
    for (const { id, reason } of decision.refused) await updateOutbox(tx, id, { lastError: reason });
    const { actorType, actorId } = authorOf(actor);
    await appendAuditEvent(
      tx,
      {
        actorType,
        actorId,
        action: "outbox.held_sent",
        reportId: null,
        data: {
          queued: decision.ids,
          refused: decision.refused.map((r) => r.id),
          bulk: opts.bulk,
          ...(opts.confirmedOld ? { confirmedOld: opts.confirmedOld } : {}),
        },
      },
      now,
    );
    return decision;
  }

  const requireSmtp = () => {
    if (!deps.smtpConfigured())
      throw conflict(
        "smtp_not_configured",
        "Held mail cannot be sent: SMTP_URL is not set. Set it and restart Embargo, then send the held mail.",
      );
  };

  return {
    /**
     * Sends all held mail (up to HELD_MAIL_COUNT_CAP per action, oldest first). Old mail needs `confirmedOld`
     * to name how many old mails the admin saw, or `recentOnly` to leave it held.
     */
    async sendAllHeld(actor: CurrentUser, input: unknown): Promise<HeldSendResult> {
      mayManage(actor);
      const parsed = sendAllInput.safeParse(input);
      if (!parsed.success) throw badRequest("The confirmation of old mail is not a count.");
      requireSmtp();
      const result = await transaction(deps.db, async (tx) => {
        const rows = await lockHeldMail(tx, null, HELD_MAIL_COUNT_CAP);
        if (rows.length === 0) throw conflict("no_held_mail", "There is no held mail to send.");
        const decision = await send(tx, actor, rows, { bulk: true, ...parsed.data });
        if (decision.kind !== "send") throw new Error("unreachable");
        return { queued: decision.ids.length, refused: decision.refused, seen: rows.length };
      });
      deps.forgetCount();
      const remaining = result.seen - result.queued - result.refused.length;
      return { queued: result.queued, refused: result.refused, remaining };
    },

    /** Sends one held mail, whatever its age: choosing it is the confirmation. */
    async sendHeld(actor: CurrentUser, id: unknown): Promise<HeldSendResult> {
      mayManage(actor);
      const mailId = parseId(id);
      requireSmtp();
      const decision = await transaction(deps.db, async (tx) =>
        send(tx, actor, [await lockOne(tx, mailId)], { bulk: false }),
      );
      deps.forgetCount();
      if (decision.kind !== "send") throw new Error("unreachable");
      return { queued: decision.ids.length, refused: decision.refused, remaining: 0 };
    },

    /** Takes one held mail back for good: kept as "cancelled", "discarded by <admin>", never delivered. */
    async discardHeld(actor: CurrentUser, id: unknown): Promise<void> {
      mayManage(actor);
      const mailId = parseId(id);
      await transaction(deps.db, async (tx) => {
        const row = await lockOne(tx, mailId);
        await updateOutbox(tx, row.id, {
          status: "cancelled",
          lastError: `discarded by ${actor.name}`,
          secretsEnc: null,
        });
        const { actorType, actorId } = authorOf(actor);
        await appendAuditEvent(
          tx,
          {
            actorType,
            actorId,
            action: "outbox.held_discarded",
            reportId: row.reportId,
            data: { outboxId: row.id, to: row.toAddress, subject: row.subject },
          },
          deps.clock(),
        );
      });
      deps.forgetCount();
    },

    /** What "Send held mail" would do now, for the outbox page. */
    async heldSummary(): Promise<HeldMailSummary> {
      const now = deps.clock();
      const rows = await listHeldMail(deps.db, HELD_MAIL_COUNT_CAP);
      const sendable = rows.filter((r) => heldMailRefusal(factsOf(deps.cipher, r)) === null);
      const old = sendable.filter((r) => isOldHeldMail(r.createdAt, now));
      const oldest = sendable[0];
      return {
        held: rows.length,
        sendable: sendable.length,
        old: old.length,
        oldestDays: oldest ? heldMailAgeDays(oldest.createdAt, now) : 0,
      };
    },

    /** Why each held mail on a page cannot be sent as it is, by id (absent: it can). */
    heldRefusals(rows: readonly OutboxRow[]): Map<string, string> {
      const refusals = new Map<string, string>();
      for (const row of rows) {
        if (row.status !== "held") continue;
        const reason = heldMailRefusal(factsOf(deps.cipher, row));
        if (reason) refusals.set(row.id, reason);
      }
      return refusals;
    },
  };
}
