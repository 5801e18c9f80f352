// Mail that waits for a team member: replies held as unverified (they named their report only by subject or
// plus-address and were not signed by the reporter's key on file), and keys that came with replies. Accepting or
// dismissing either sends nothing to anyone; every decision has its audit event in the same transaction.

import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { badRequest, forbidden, notFound } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { isUuid } from "../../domain/ids.ts";
import { decideKey, type HoldReason, stripQuotedTail } from "../../domain/inbound-mail.ts";
import { can } from "../../domain/permissions.ts";
import type { KeysService } from "../keys/keys.service.ts";
import type { ReportsService, UploadedFile } from "../reports/reports.service.ts";
import { InboundMailError, type OpenedMail } from "./inbound-open.adapter.ts";
import {
  findInboundById,
  heldOrImportedForReport,
  type InboundRow,
  listInbound,
  lockThreadReport,
  reporterAddressOf,
  updateInbound,
} from "./mail-intake.repo.ts";
import type { InboundDetails, PendingKeyDetails } from "./mail-intake.types.ts";

/** Why a reply was held, in words a team member can act on. */
export const HOLD_REASONS: Record<HoldReason, string> = {
  unsigned:
    "Not signed. It names the report only by its reference, which anyone can type, and a From address can be forged.",
  no_key_on_file: "Signed, but the reporter has no key on file to check it against.",
  unknown_key: "Signed by a key that is not the reporter's key on file.",
  bad_signature: "The signature does NOT verify: the mail was changed or forged.",
  other_key: "Signed by a key sent with the mail, not by the reporter's key on file.",
};

export interface HeldMailDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  keys: KeysService;
  reports: ReportsService;
  /** Opens a raw message as the import does: decrypted, its signature checked. */
  openMail: (raw: Buffer) => Promise<OpenedMail>;
}

/** The mail's files as the reports service stores them (types it does not allow are kept as downloads). */
export function filesOf(mail: OpenedMail): UploadedFile[] {
  return mail.attachments.map((a) => ({ filename: a.filename, data: a.data }));
}

type ReportRow = NonNullable<Awaited<ReturnType<typeof lockThreadReport>>>;

/** Held replies and keys of one report, for the team's report page. */
export interface MailToConfirm {
  held: {
    id: string;
    fromAddress: string | null;
    subject: string | null;
    receivedAt: Date;
    reason: string;
    text: string;
  }[];
  keys: { id: string; fingerprint: string; fromAddress: string | null; receivedAt: Date }[];
}

export function createHeldMailService(deps: HeldMailDeps) {
  const { db, clock, cipher, keys, reports } = deps;

  /** A key that came with a reply and differs from the one on file: it waits for a team member. */
  async function pendingKeyOf(
    tx: Db,
    mail: OpenedMail,
    reporterId: string,
  ): Promise<PendingKeyDetails | null> {
    if (mail.publicKeys.length === 0 || !mail.from) return null;
    const onFile = await keys.reporterKey(reporterId, tx);
    for (const armored of mail.publicKeys) {
      const verdict = await keys.checkReporterKey(armored, mail.from.address);
      if (!verdict.ok) continue;
      const decision = decideKey({
        newReport: false,
        attachedFingerprint: verdict.fingerprint,
        onFileFingerprint: onFile?.fingerprint ?? null,
      });
      if (decision === "none") return null;
      return { fingerprint: verdict.fingerprint, armored: verdict.armored ?? armored, state: "pending" };
    }
    return null;
  }

  /** Appends a reply as the reporter's message (alerts and the SLA resume as for any answer); a key it carried waits. */
  async function appendReply(
    tx: Tx,
    report: ReportRow,
    mail: OpenedMail,
    auditData: Record<string, unknown>,
    details: InboundDetails,
  ) {
    const text = stripQuotedTail(mail.text);
    const files = filesOf(mail);
    if (!text && files.length === 0)
      throw new InboundMailError("empty", "The reply has no text and no attachments.");
    const message = await reports.reporterMessageInTx(
      tx,
      report,
      text || "(attachments only)",
      files,
      auditData,
    );
    const pendingKey = await pendingKeyOf(tx, mail, report.reporterId);
    if (pendingKey) details.pendingKey = pendingKey;
    return message;
  }

  function mayDecide(actor: CurrentUser, id: string) {
    if (!can(actor.role, "report.act")) throw forbidden("Only responders and admins decide about held mail.");
    if (!isUuid(id)) throw notFound("Held mail");
  }

  /**
   * Locks an inbound row and its report for a team member's decision; 404 unless `ready` says it waits, and 404
   * when the page's URL names another report than the mail's (a URL must not say one report and act on another).
   */
  async function lockDecision(
    tx: Tx,
    id: string,
    ready: (row: InboundRow) => boolean,
    reference: string | undefined,
  ) {
    const row = await findInboundById(tx, id, true);
    if (!row?.reportId || !ready(row)) throw notFound("Held mail");
    const report = await lockThreadReport(tx, row.reportId);
    if (!report) throw notFound("Report");
    if (reference !== undefined && report.reference !== reference) throw notFound("Held mail");
    return { row, report, details: { ...(row.details as InboundDetails) } };
  }

  async function audit(
    tx: Tx,
    actor: CurrentUser,
    action: string,
    reportId: string,
    data: Record<string, unknown>,
  ) {
    await appendAuditEvent(tx, { actorType: "user", actorId: actor.id, action, reportId, data }, clock());
  }

  const pendingKeyOfRow = (row: InboundRow) => (row.details as InboundDetails).pendingKey;

  return {
    appendReply,

    /** A team member accepts a held reply: it becomes the reporter's message. Nothing is sent to anyone. */
    async accept(actor: CurrentUser, id: string, reference?: string): Promise<{ reference: string }> {
      mayDecide(actor, id);
      const held = await findInboundById(db, id);
      if (held?.status !== "held" || !held.heldRaw) throw notFound("Held mail");
      // Opened before the transaction: on PGlite a query outside it would wait for it forever.
      const mail = await deps.openMail(cipher.decrypt(held.heldRaw)).catch((error: unknown) => {
        // Say, the intake key it was encrypted to was deleted since: the team gets the reason, not a 500.
        if (error instanceof InboundMailError) throw badRequest(error.message);
        throw error;
      });
      return transaction(db, async (tx) => {
        const { report, details } = await lockDecision(tx, id, (r) => r.status === "held", reference);
        details.acceptedBy = actor.id;
        delete details.heldText;
        const message = await appendReply(
          tx,
          report,
          mail,
          {
            via: "email",
            threadedBy: details.threadedBy,
            acceptedBy: actor.id,
            heldReason: details.heldReason,
          },
          details,
        ).catch((error: unknown) => {
          if (error instanceof InboundMailError) throw badRequest(error.message);
          throw error;
        });
        await updateInbound(tx, id, {
          status: "imported",
          messageRowId: message.id,
          heldRaw: null,
          details,
          updatedAt: clock(),
        });
        await audit(tx, actor, "mail.reply_accepted", report.id, {
          inboundId: id,
          messageId: message.id,
          reason: details.heldReason,
        });
        return { reference: report.reference };
      });
    },

    /** A team member dismisses a held reply: it never joins the report and its sealed copy is deleted. */
    async dismiss(actor: CurrentUser, id: string, reference?: string): Promise<{ reference: string }> {
      mayDecide(actor, id);
      return transaction(db, async (tx) => {
        const { report, details } = await lockDecision(tx, id, (r) => r.status === "held", reference);
        delete details.heldText;
        await updateInbound(tx, id, { status: "dismissed", heldRaw: null, details, updatedAt: clock() });
        await audit(tx, actor, "mail.reply_dismissed", report.id, {
          inboundId: id,
          reason: details.heldReason,
        });
        return { reference: report.reference };
      });
    },

    /** A team member confirms a key that came with a reply: from now on mail to the reporter is encrypted to it. */
    async confirmKey(actor: CurrentUser, id: string, reference?: string): Promise<{ reference: string }> {
      mayDecide(actor, id);
      return transaction(db, async (tx) => {
        const { report, details } = await lockDecision(
          tx,
          id,
          (r) => pendingKeyOfRow(r)?.state === "pending",
          reference,
        );
        const pending = details.pendingKey!;
        const reporter = await reporterAddressOf(tx, report.reporterId);
        const verdict = await keys.checkReporterKey(pending.armored, reporter.email);
        if (!verdict.ok) throw badRequest(`The key cannot be used: ${verdict.error}`);
        await keys.saveReporterKey(
          tx,
          { reportId: report.id, reporterId: report.reporterId, now: clock() },
          verdict,
        );
        details.pendingKey = { ...pending, state: "confirmed", decidedBy: actor.id };
        details.keyAdded = verdict.fingerprint;
        await updateInbound(tx, id, { details, updatedAt: clock() });
        await audit(tx, actor, "mail.key_confirmed", report.id, {
          inboundId: id,
          fingerprint: verdict.fingerprint,
        });
        return { reference: report.reference };
      });
    },

    /** A team member dismisses a key that came with a reply: it is never used. */
    async dismissKey(actor: CurrentUser, id: string, reference?: string): Promise<{ reference: string }> {
      mayDecide(actor, id);
      return transaction(db, async (tx) => {
        const { report, details } = await lockDecision(
          tx,
          id,
          (r) => pendingKeyOfRow(r)?.state === "pending",
          reference,
        );
        details.pendingKey = { ...details.pendingKey!, state: "dismissed", decidedBy: actor.id };
        await updateInbound(tx, id, { details, updatedAt: clock() });
        await audit(tx, actor, "mail.key_dismissed", report.id, {
          inboundId: id,
          fingerprint: details.pendingKey.fingerprint,
        });
        return { reference: report.reference };
      });
    },

    heldReplies: (limit = 100) => listInbound(db, { statuses: ["held"], limit }),

    /** What on one report waits for a team member: held replies (with their text) and pending keys. */
    async toConfirm(reportId: string): Promise<MailToConfirm> {
      const rows = await heldOrImportedForReport(db, reportId);
      const out: MailToConfirm = { held: [], keys: [] };
      for (const row of rows) {
        const details = row.details as InboundDetails;
        if (row.status === "held") {
          out.held.push({
            id: row.id,
            fromAddress: row.fromAddress,
            subject: row.subject,
            receivedAt: row.firstSeenAt,
            reason: HOLD_REASONS[details.heldReason ?? "unsigned"],
            text: details.heldText ? cipher.decryptText(details.heldText) : "",
          });
        } else if (details.pendingKey?.state === "pending") {
          out.keys.push({
            id: row.id,
            fingerprint: details.pendingKey.fingerprint,
            fromAddress: row.fromAddress,
            receivedAt: row.firstSeenAt,
          });
        }
      }
      return out;
    },
  };
}

export type HeldMailService = ReturnType<typeof createHeldMailService>;
