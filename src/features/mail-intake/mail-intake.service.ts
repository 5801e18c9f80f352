import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import {
  automaticMailReason,
  chooseThread,
  decideKey,
  decideThread,
  type HeaderField,
  headerValue,
  messageIdsIn,
  outboxIdOf,
  parseContentType,
  parseHeaderBlock,
  referencedIds,
  splitEntity,
  stripQuotedTail,
  titleFromSubject,
} from "../../domain/inbound-mail.ts";
import { hitRateLimit, windowStartOf } from "../../http/rate-limit.repo.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import type { KeysService } from "../keys/keys.service.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { createHeldMailService, filesOf } from "./held-mail.service.ts";
import {
  type CandidateKey,
  EMAIL_ATTACHMENT_LIMITS,
  InboundMailError,
  type OpenedMail,
  openInboundMail,
} from "./inbound-open.adapter.ts";
import { createMailFailuresService } from "./mail-failures.service.ts";
import {
  findInbound,
  lockThreadReport,
  reporterAddressOf,
  reporterKeysByEmail,
  reportIdForMessageIds,
  saveHeld,
  saveImported,
} from "./mail-intake.repo.ts";
import type { ImportOutcome, InboundDetails, MailPollStatus } from "./mail-intake.types.ts";

export type { ImportOutcome, InboundDetails, MailPollStatus };

export interface MailIntakeDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  jobs: JobQueue;
  publicUrl: string;
  keys: KeysService;
  reports: ReportsService;
  settings: SettingsService;
  /** The From address of our outgoing mail (MAIL_FROM); its plus-addresses thread replies too. */
  mailFrom: string | null;
}

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

export function createMailIntakeService(deps: MailIntakeDeps) {
  const { db, clock, keys, reports } = deps;
  const publicHost = new URL(deps.publicUrl).hostname;
  const failures = createMailFailuresService({ db, clock, settings: deps.settings, publicHost });
  const { recordBounce, recordFailure } = failures;

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

  /**
   * The report the mail continues, or null for a new thread. Answering our own Message-ID joins; a subject or
   * plus-address joins only from the reporter's address and signed by their key on file, else the mail is held.
   */
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
    const report = await lockThreadReport(tx, match.by === "message-id" ? match.reportId : match.reference);
    // A reference to a report that does not exist is just text in a subject: the mail starts a new report.
    if (!report) return null;
    const reporter = await reporterAddressOf(tx, report.reporterId);
    const decision = decideThread({
      match,
      sender: mail.from?.address,
      reporterEmail: reporter.email,
      signature: mail.signature,
      reporterKeyFingerprint: (await keys.reporterKey(report.reporterId, tx))?.fingerprint ?? null,
    });
    if (decision.decision === "refuse") {
      throw new InboundMailError(
        "sender_mismatch",
        `The mail names ${report.reference} (by ${match.by}), but ${mail.from?.address} is not the address that report was filed with. An admin can import it as a new report.`,
      );
    }
    const otherSender = reporter.email?.toLowerCase() !== mail.from?.address;
    const heldReason = decision.decision === "hold" ? decision.reason : null;
    return { report, threadedBy: match.by, otherSender, heldReason };
  }

  /** The key a new report's first mail carried, kept as the reporter's: there is no one yet to hijack. */
  async function keyToAdd(mail: OpenedMail) {
    if (mail.publicKeys.length === 0 || !mail.from) return null;
    for (const armored of mail.publicKeys) {
      const verdict = await keys.checkReporterKey(armored, mail.from.address);
      if (
        verdict.ok &&
        decideKey({ newReport: true, attachedFingerprint: verdict.fingerprint, onFileFingerprint: null }) ===
          "adopt"
      )
        return verdict;
    }
    return null;
  }

  const openMail = async (raw: Buffer) =>
    openInboundMail(raw, { decryptionKeys: await keys.decryptionKeys(), keysFor });
  const held = createHeldMailService({ db, clock, cipher: deps.cipher, keys, reports, openMail });

  const service = {
    ...failures,
    acceptHeld: held.accept,
    dismissHeld: held.dismiss,
    confirmKey: held.confirmKey,
    dismissKey: held.dismissKey,
    /** What on a report waits for a team member: held replies and keys that came with replies. */
    toConfirm: held.toConfirm,
    /** Replies held as unverified, newest first, for the admins' mail page. */
    heldReplies: held.heldReplies,
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
      if (existing?.status === "held") return { outcome: "duplicate", reportId: existing.reportId };
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
        const mail = await openMail(raw);
        checkAttachments(mail);
        return await transaction(db, async (tx): Promise<ImportOutcome> => {
          // Under the row lock a concurrent import of the same message waits, then sees it done.
          const again = await findInbound(tx, dedupe.key, true);
          if (again?.status === "imported" || again?.status === "held")
            return { outcome: "duplicate", reportId: again.reportId };
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
          if (thread?.heldReason) {
            // Kept, sealed, for a team member to accept or dismiss; nothing joins the report and nothing is sent.
            if (!stripQuotedTail(mail.text) && files.length === 0)
              throw new InboundMailError("empty", "The reply has no text and no attachments.");
            details.threadedBy = thread.threadedBy;
            details.heldReason = thread.heldReason;
            details.heldText = deps.cipher.encrypt(stripQuotedTail(mail.text).slice(0, 20_000));
            const row = await saveHeld(
              tx,
              { ...base, reportId: thread.report.id, heldRaw: deps.cipher.encrypt(raw), details },
              existing?.id ?? null,
            );
            await appendAuditEvent(
              tx,
              {
                actorType: "system",
                actorId: null,
                action: "mail.reply_held",
                reportId: thread.report.id,
                data: {
                  inboundId: row.id,
                  reason: thread.heldReason,
                  threadedBy: thread.threadedBy,
                  ...auditData,
                },
              },
              now,
            );
            return {
              outcome: "held",
              reportId: thread.report.id,
              reference: thread.report.reference,
              reason: thread.heldReason,
            };
          }
          if (thread) {
            const message = await held.appendReply(
              tx,
              thread.report,
              mail,
              { ...auditData, threadedBy: thread.threadedBy },
              details,
            );
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
            const limit = (await deps.settings.intake(tx)).emailReportsPerHourPerSender;
            const hour = windowStartOf(now.getTime(), 3600);
            if ((await hitRateLimit(tx, `mail-report:${from.address}`, hour)) > limit) {
              throw new InboundMailError(
                "rate_limited",
                `${from.address} already sent ${limit} new reports this hour (the intake limit). Retry it once you know it is genuine.`,
              );
            }
          }
          const key = await keyToAdd(mail);
          const created = await reports.createReportInTx(tx, {
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
  };
  return service;
}

export type MailIntakeService = ReturnType<typeof createMailIntakeService>;
