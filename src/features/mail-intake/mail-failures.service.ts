import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { forbidden, notFound } from "../../core/errors.ts";
import { isUuid } from "../../domain/ids.ts";
import {
  bounceDiagnostic,
  bouncedOutboxIds,
  type HeaderField,
  headerValue,
} from "../../domain/inbound-mail.ts";
import { can } from "../../domain/permissions.ts";
import { loadPostalMime } from "../../mail/mail-libraries.loader.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { InboundMailError } from "./inbound-open.adapter.ts";
import {
  countFailures,
  type InboundRow,
  inboundForReport,
  listInbound,
  markBounced,
  markDismissed,
  markForRetry,
  retryUids,
  saveFailure,
} from "./mail-intake.repo.ts";
import type { ImportOutcome, MailPollStatus } from "./mail-intake.types.ts";

const POLL_STATUS_KEY = "mail.intake.last_poll";
const SYSTEM = { actorType: "system" as const, actorId: null };

export interface MailFailuresDeps {
  db: Db;
  clock: Clock;
  settings: SettingsService;
  /** Our outgoing Message-IDs end in @<publicHost>; a bounce names them. */
  publicHost: string;
}

/**
 * What did not become a report: failed mail recorded for the admins, their retry and dismiss, bounces of our own
 * mail, and the last poll's status. Every change has its audit event in the same transaction.
 */
export function createMailFailuresService(deps: MailFailuresDeps) {
  const { db, clock, publicHost } = deps;

  /**
   * A delivery report about our own mail: the outbox rows it names are marked bounced, with the reason, and each
   * report's timeline says its mail did not arrive. Returns the bounced addresses, or null when none matched.
   */
  async function recordBounce(raw: Buffer): Promise<string | null> {
    const text = raw.toString("latin1");
    const ids = bouncedOutboxIds(text, publicHost);
    if (ids.length === 0) return null;
    const why = bounceDiagnostic(text) ?? "returned by the recipient's mail system";
    const addresses = await transaction(db, async (tx) => {
      const now = clock();
      const rows = await markBounced(tx, ids, `Bounced: ${why}`);
      for (const row of rows) {
        await appendAuditEvent(
          tx,
          {
            ...SYSTEM,
            action: "mail.bounced",
            reportId: row.reportId,
            data: { outboxId: row.id, to: row.toAddress, why },
          },
          now,
        );
      }
      return rows.map((r) => r.toAddress);
    });
    return addresses.length > 0 ? [...new Set(addresses)].join(", ") : null;
  }

  async function recordFailure(
    dedupe: { key: string; messageId: string | null },
    head: readonly HeaderField[],
    where: { mailbox: string | null; uid: number | null },
    error: InboundMailError,
  ): Promise<ImportOutcome> {
    const now = clock();
    const { decodeWords } = await loadPostalMime();
    // What an admin needs to find the mail: sender and subject as the outer headers give them.
    // RFC 2047 encoded words (=?UTF-8?B?…?=) are decoded, so admins read what the sender's client showed.
    const readable = (name: string) => {
      const value = headerValue(head, name);
      return value === null ? null : decodeWords(value.slice(0, 2000)).slice(0, 300);
    };
    const subject = readable("subject");
    const from = readable("from");
    await transaction(db, async (tx) => {
      const row = await saveFailure(tx, {
        dedupeKey: dedupe.key,
        messageId: dedupe.messageId,
        fromAddress: from,
        subject,
        errorCode: error.code,
        error: error.message,
        mailbox: where.mailbox,
        uid: where.uid,
        now,
      });
      await appendAuditEvent(
        tx,
        {
          ...SYSTEM,
          action: "mail.import_failed",
          reportId: null,
          data: { inboundId: row.id, code: error.code, attempts: row.attempts },
        },
        now,
      );
    });
    return { outcome: "failed", code: error.code, error: error.message };
  }

  /** An admin's change to a failed mail, with its audit event in the same transaction; 404 when there is none. */
  async function adminChange(
    actor: CurrentUser,
    id: string,
    action: string,
    data: Record<string, unknown>,
    change: (tx: Tx, now: Date) => Promise<InboundRow | null>,
  ): Promise<void> {
    if (!can(actor.role, "settings.manage"))
      throw forbidden("Only admins can handle mail that was not imported.");
    if (!isUuid(id)) throw notFound("Failed mail");
    await transaction(db, async (tx) => {
      const now = clock();
      if (!(await change(tx, now))) throw notFound("Failed mail");
      await appendAuditEvent(
        tx,
        { actorType: "user", actorId: actor.id, action, reportId: null, data: { inboundId: id, ...data } },
        now,
      );
    });
  }

  return {
    recordBounce,
    recordFailure,
    /** An admin asks for a failed mail to be tried again at the next poll, as it is or as a new report. */
    retry: (actor: CurrentUser, id: string, as: "same" | "new_report") =>
      adminChange(actor, id, "mail.retry_requested", { as }, (tx, now) =>
        markForRetry(tx, id, now, as === "new_report" ? "new_report" : null),
      ),

    /** An admin sets a failed mail aside: no longer listed or counted, never imported (it stays in the mailbox). */
    dismiss: (actor: CurrentUser, id: string) =>
      adminChange(actor, id, "mail.dismissed", {}, (tx, now) => markDismissed(tx, id, now)),

    async failures(limit = 100) {
      return listInbound(db, { statuses: ["failed", "retry"], limit });
    },
    async recent(limit = 50) {
      return listInbound(db, { statuses: ["imported"], limit });
    },
    failureCount: () => countFailures(db),
    /** UIDs in this mailbox whose failure mark must go, because an admin asked for a retry. */
    retriesIn: (mailbox: string) => retryUids(db, mailbox),

    /** The mail behind a report and its messages, keyed by message id ("" for the report itself). */
    async forReport(reportId: string): Promise<Map<string, InboundRow>> {
      const rows = await inboundForReport(db, reportId);
      return new Map(rows.map((r) => [r.messageRowId ?? "", r]));
    },

    async recordPoll(status: MailPollStatus) {
      await transaction(db, (tx) => deps.settings.writeKey(tx, POLL_STATUS_KEY, status, clock()));
    },
    async lastPoll(): Promise<MailPollStatus | null> {
      return ((await deps.settings.readKey(db, POLL_STATUS_KEY)) as MailPollStatus | undefined) ?? null;
    },
  };
}
