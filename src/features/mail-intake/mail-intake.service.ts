import { decodeWords } from "postal-mime";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { forbidden, notFound } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { isUuid } from "../../domain/ids.ts";
import {
  automaticMailReason,
  bounceDiagnostic,
  bouncedOutboxIds,
  chooseThread,
  type HeaderField,
  headerValue,
  mayJoinThread,
  messageIdsIn,
  outboxIdOf,
  parseContentType,
  parseHeaderBlock,
  referencedIds,
  splitEntity,
  stripQuotedTail,
  titleFromSubject,
} from "../../domain/inbound-mail.ts";
import { can } from "../../domain/permissions.ts";
import { hitRateLimit, windowStartOf } from "../../http/rate-limit.repo.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { appendAuditEvent } from "../audit/audit.repo.ts";
import { readReporterKey } from "../keys/keys.repo.ts";
import type { KeysService } from "../keys/keys.service.ts";
import { findReport, findReporter, type ReportRow } from "../reports/reports.repo.ts";
import type { ReportsService, UploadedFile } from "../reports/reports.service.ts";
import { loadIntakeSettings } from "../settings/intake-settings.ts";
import { readSetting, writeSetting } from "../settings/settings.repo.ts";
import {
  type CandidateKey,
  EMAIL_ATTACHMENT_LIMITS,
  InboundMailError,
  type OpenedMail,
  openInboundMail,
} from "./inbound.open.ts";
import {
  countFailures,
  findInbound,
  type InboundRow,
  inboundForReport,
  listInbound,
  markBounced,
  markDismissed,
  markForRetry,
  reporterKeysByEmail,
  reportIdForMessageIds,
  retryUids,
  saveFailure,
  saveImported,
} from "./mail-intake.repo.ts";

export interface MailIntakeDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  jobs: JobQueue;
  publicUrl: string;
  keys: KeysService;
  reports: ReportsService;
  /** The From address of our outgoing mail (MAIL_FROM); its plus-addresses thread replies too. */
  mailFrom: string | null;
}

/** What happened to one message. `duplicate` and `skipped` change nothing. */
export type ImportOutcome =
  | { outcome: "created"; reportId: string; reference: string }
  | { outcome: "appended"; reportId: string; reference: string; threadedBy: string }
  | { outcome: "duplicate"; reportId: string | null }
  | { outcome: "skipped"; reason: string }
  | { outcome: "failed"; code: string; error: string };

/** How each imported mail is described on the report page. */
export interface InboundDetails {
  encryption: OpenedMail["encryption"];
  signature: OpenedMail["signature"];
  threadedBy?: string;
  attachments: number;
  keyAdded?: string;
  /** Set when the sender was not the reporter's address (accepted because it answered our own Message-ID). */
  otherSender?: boolean;
  /** How an admin asked for a failed mail to be retried. */
  retryAs?: "new_report";
}

/** The result of the last mailbox poll, for the admin page. */
export interface MailPollStatus {
  at: string;
  ok: boolean;
  error?: string;
  seen: number;
  imported: number;
  /** Failed in this poll. */
  failed: number;
  /** Failed in an earlier poll and not retried yet: left alone. */
  skipped: number;
  /** Something the admin should know about the mailbox, though the poll worked. */
  warning?: string;
}

const POLL_STATUS_KEY = "mail.intake.last_poll";
const SYSTEM = { actorType: "system" as const, actorId: null };

/** The top-level header fields, read once per message from at most its first 256 KB. */
function topHeaders(raw: Buffer): HeaderField[] {
  return parseHeaderBlock(splitEntity(raw.toString("latin1", 0, Math.min(raw.length, 256 * 1024))).header);
}

/** The key that makes an import happen once: the Message-ID, or the raw message's hash when it has none. */
function dedupeKeyOf(raw: Buffer, head: readonly HeaderField[]): { key: string; messageId: string | null } {
  const id = messageIdsIn(headerValue(head, "message-id"))[0] ?? null;
  return id ? { key: `mid:${id}`, messageId: id } : { key: `sha256:${sha256Hex(raw)}`, messageId: null };
}

/** PostgreSQL's unique_violation, as node-postgres and PGlite report it (possibly wrapped by Drizzle). */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (e.code === "23505") return true;
    e = e.cause as typeof e;
  }
  return false;
}

/** The mail's files as the reports service stores them (types it does not allow are kept as downloads). */
function filesOf(mail: OpenedMail): UploadedFile[] {
  return mail.attachments.map((a) => ({ filename: a.filename, data: a.data }));
}

export function createMailIntakeService(deps: MailIntakeDeps) {
  const { db, clock, keys, reports } = deps;
  const publicHost = new URL(deps.publicUrl).hostname;

  async function securityAddresses(): Promise<string[]> {
    const addresses = [await keys.intakeAddress()];
    if (deps.mailFrom) addresses.push(deps.mailFrom.toLowerCase());
    return [...new Set(addresses)];
  }

  /** Keys we already hold for a sender: those of every report filed under that address. */
  async function keysFor(address: string): Promise<CandidateKey[]> {
    const armored = await reporterKeysByEmail(db, address);
    return armored.map((a) => ({ armored: a, source: "reporter" as const }));
  }

  function checkAttachments(mail: OpenedMail) {
    const total = mail.attachments.reduce((n, a) => n + a.data.length, 0);
    if (
      mail.attachments.length > EMAIL_ATTACHMENT_LIMITS.maxFiles ||
      total > EMAIL_ATTACHMENT_LIMITS.maxTotalBytes
    ) {
      throw new InboundMailError(
        "too_many_attachments",
        `The mail has ${mail.attachments.length} attachments of ${Math.ceil(total / 1024 / 1024)} MB in all; at most ${EMAIL_ATTACHMENT_LIMITS.maxFiles} files and ${EMAIL_ATTACHMENT_LIMITS.maxTotalBytes / 1024 / 1024} MB are imported.`,
      );
    }
  }

  /** The report the mail continues, or null for a new thread; the sender must be the reporter unless our own Message-ID was answered. */
  async function threadOf(tx: Db, mail: OpenedMail, forceNew: boolean, ourAddresses: readonly string[]) {
    if (forceNew) return null;
    const ids = referencedIds(mail.inReplyTo, mail.references);
    const outboxIds = ids.map((id) => outboxIdOf(id, publicHost)).filter((x): x is string => x !== null);
    const known = await reportIdForMessageIds(tx, { messageIds: ids, outboxIds });
    let match = { by: "none" } as ReturnType<typeof chooseThread>;
    for (const address of ourAddresses) {
      match = chooseThread({
        referencedIds: ids,
        reportIdForMessageId: (id) => {
          const outboxId = outboxIdOf(id, publicHost);
          return (outboxId ? known.get(`outbox:${outboxId}`) : undefined) ?? known.get(`mid:${id}`) ?? null;
        },
        recipients: mail.recipients,
        securityAddress: address,
        subject: mail.subject,
      });
      if (match.by !== "none" && match.by !== "subject") break;
    }
    if (match.by === "none") return null;
    const report = await findReport(tx, match.by === "message-id" ? match.reportId : match.reference, {
      forUpdate: true,
    });
    // A reference to a report that does not exist is just text in a subject: the mail starts a new report.
    if (!report) return null;
    const reporter = await findReporter(tx, report.reporterId);
    if (!mayJoinThread(match, mail.from?.address, reporter.email)) {
      throw new InboundMailError(
        "sender_mismatch",
        `The mail names ${report.reference} (by ${match.by}), but ${mail.from?.address} is not the address that report was filed with. An admin can import it as a new report.`,
      );
    }
    const otherSender = reporter.email?.toLowerCase() !== mail.from?.address;
    return { report, threadedBy: match.by, otherSender };
  }

  /** Stores a key the sender attached as the reporter's key, when the reporter has none yet and it checks out. */
  async function keyToAdd(tx: Db, mail: OpenedMail, reporterId: string | null) {
    if (mail.publicKeys.length === 0 || !mail.from) return null;
    if (reporterId && (await readReporterKey(tx, reporterId))) return null;
    for (const armored of mail.publicKeys) {
      const verdict = await keys.checkReporterKey(armored, mail.from.address);
      if (verdict.ok) return verdict;
    }
    return null;
  }

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

  const service = {
    /**
     * Imports one raw message: a new report, or a reply appended to its report. Idempotent on the Message-ID: a
     * message seen again changes nothing. A message that cannot be imported is recorded for the admins and
     * skipped on later polls until an admin asks for a retry.
     */
    async importMessage(
      raw: Buffer,
      where: { mailbox: string | null; uid: number | null } = { mailbox: null, uid: null },
    ): Promise<ImportOutcome> {
      const head = topHeaders(raw);
      const dedupe = dedupeKeyOf(raw, head);
      const existing = await findInbound(db, dedupe.key);
      if (existing?.status === "imported") return { outcome: "duplicate", reportId: existing.reportId };
      if (existing?.status === "failed" || existing?.status === "dismissed")
        return { outcome: "skipped", reason: existing.error ?? "an earlier import failed" };
      // An admin's retry means a person looked at the mail: it is imported even if it looks automatic.
      const checkAutomatic = existing?.status !== "retry";
      const forceNew = (existing?.details as InboundDetails | undefined)?.retryAs === "new_report";
      try {
        // Read before the transaction: on PGlite a query outside it would wait for it forever.
        const ourAddresses = await securityAddresses();
        if (checkAutomatic) {
          const reason = automaticMailReason(
            head,
            parseContentType(headerValue(head, "content-type")).type,
            ourAddresses,
          );
          if (reason) {
            const bounced = await recordBounce(raw);
            throw new InboundMailError(
              "automatic",
              `Sent by a machine, not a person (${reason}): no report was made and nothing was sent back.${bounced ? ` It returns our mail to ${bounced}, now marked bounced in the outbox.` : ""} Retry to import it anyway.`,
            );
          }
        }
        const mail = await openInboundMail(raw, { decryptionKeys: await keys.decryptionKeys(), keysFor });
        checkAttachments(mail);
        return await transaction(db, async (tx): Promise<ImportOutcome> => {
          // Under the row lock a concurrent import of the same message waits, then sees it done.
          const again = await findInbound(tx, dedupe.key, true);
          if (again?.status === "imported") return { outcome: "duplicate", reportId: again.reportId };
          const now = clock();
          const thread = await threadOf(tx, mail, forceNew, ourAddresses);
          const details: InboundDetails = {
            encryption: mail.encryption,
            signature: mail.signature,
            attachments: mail.attachments.length,
          };
          const files = filesOf(mail);
          const auditData = {
            via: "email",
            encryption: mail.encryption,
            signature: mail.signature.status,
            messageIdSha256: dedupe.messageId ? sha256Hex(dedupe.messageId) : null,
          };
          const base = {
            dedupeKey: dedupe.key,
            messageId: dedupe.messageId,
            fromAddress: mail.from?.address ?? null,
            subject: mail.subject?.slice(0, 300) ?? null,
            mailbox: where.mailbox,
            uid: where.uid,
            firstSeenAt: existing?.firstSeenAt ?? now,
            updatedAt: now,
          };
          if (thread) {
            const text = stripQuotedTail(mail.text);
            if (!text && files.length === 0)
              throw new InboundMailError("empty", "The reply has no text and no attachments.");
            const key = await keyToAdd(tx, mail, thread.report.reporterId);
            const message = await reports.reporterMessageInTx(
              tx,
              thread.report,
              text || "(attachments only)",
              files,
              { ...auditData, threadedBy: thread.threadedBy },
            );
            if (key) {
              await keys.saveReporterKey(
                tx,
                { reportId: thread.report.id, reporterId: thread.report.reporterId, now },
                key,
              );
              details.keyAdded = key.fingerprint;
            }
            details.threadedBy = thread.threadedBy;
            if (thread.otherSender) details.otherSender = true;
            await saveImported(
              tx,
              { ...base, reportId: thread.report.id, messageRowId: message.id, details },
              existing?.id ?? null,
            );
            return {
              outcome: "appended",
              reportId: thread.report.id,
              reference: thread.report.reference,
              threadedBy: thread.threadedBy,
            };
          }
          if (!mail.text && files.length === 0)
            throw new InboundMailError("empty", "The mail has no text and no attachments to report.");
          const from = mail.from!;
          // Every new report acknowledges its sender, and a sender can be forged: a budget per address and hour
          // keeps a flood from becoming a flood of our mail to someone else. A retry by an admin is not counted.
          if (checkAutomatic) {
            const limit = (await loadIntakeSettings(tx)).emailReportsPerHourPerSender;
            const hour = windowStartOf(now.getTime(), 3600);
            if ((await hitRateLimit(tx, `mail-report:${from.address}`, hour)) > limit) {
              throw new InboundMailError(
                "rate_limited",
                `${from.address} already sent ${limit} new reports this hour (the intake limit). Retry it once you know it is genuine.`,
              );
            }
          }
          const key = await keyToAdd(tx, mail, null);
          const created: { report: ReportRow } = await reports.createReportInTx(tx, {
            title: titleFromSubject(mail.subject, `Report by email from ${from.address}`.slice(0, 200)),
            assetId: null,
            weakness: "other",
            body: { description: mail.text || "(attachments only)", steps: "", impact: "" },
            reporter: { email: from.address, name: from.name?.slice(0, 100) ?? null, credit: "anonymous" },
            source: "email",
            files,
            auditData,
            extra: key
              ? {
                  inTransaction: async (inner, ids) => {
                    await keys.saveReporterKey(inner, ids, key);
                  },
                }
              : {},
          });
          if (key) details.keyAdded = key.fingerprint;
          await saveImported(
            tx,
            { ...base, reportId: created.report.id, messageRowId: null, details },
            existing?.id ?? null,
          );
          return { outcome: "created", reportId: created.report.id, reference: created.report.reference };
        });
      } catch (error) {
        if (error instanceof InboundMailError) return recordFailure(dedupe, head, where, error);
        // Two pollers took the same new mail at once: the unique key let one commit and rolled the other back.
        if (isUniqueViolation(error)) {
          const winner = await findInbound(db, dedupe.key);
          if (winner?.status === "imported") return { outcome: "duplicate", reportId: winner.reportId };
        }
        throw error;
      }
    },

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
      await transaction(db, (tx) => writeSetting(tx, POLL_STATUS_KEY, status, clock()));
    },
    async lastPoll(): Promise<MailPollStatus | null> {
      return ((await readSetting(db, POLL_STATUS_KEY)) as MailPollStatus | undefined) ?? null;
    },
  };
  return service;
}

export type MailIntakeService = ReturnType<typeof createMailIntakeService>;
