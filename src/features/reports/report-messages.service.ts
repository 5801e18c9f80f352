import { appendAuditEvent } from "../../audit/audit-log.ts";
import { authorOf, type CurrentUser } from "../../core/actors.ts";
import { type Tx, transaction } from "../../core/db.ts";
import { badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { awaitingTeamAfter } from "../../domain/inbox-activity.ts";
import { can } from "../../domain/permissions.ts";
import { sealedPlaceholder } from "../../domain/sealed-secrets.ts";
import { resumeOnReporterReply } from "./needs-info.service.ts";
import {
  checkFiles,
  type ReportsContext,
  requireReport,
  storeAttachments,
  type UploadedFile,
} from "./report-context.service.ts";
import {
  findReportByTokenHash,
  findReporter,
  insertMessage,
  type ReportRow,
  updateReport,
} from "./reports.repo.ts";
import { messageSchema, reporterReplySchema } from "./reports.schema.ts";

/**
 * Mail to the reporter carries only the reference and where to read the news, never vulnerability details. A
 * tracking link is handed to the outbox as a secret: stored sealed, put into the mail only when it is sent.
 */
export async function notifyReporter(
  ctx: ReportsContext,
  tx: Tx,
  report: ReportRow,
  email: string | null,
  what: string,
  link?: string,
  /** A reporter-visible message: its text goes along, but only inside mail encrypted to the reporter's key. */
  messageRowId?: string,
) {
  if (!email) return;
  const { features } = ctx;
  const org = await features.settings.org(tx);
  const lines = [
    `Hello,`,
    ``,
    `${what}`,
    ``,
    link
      ? `Your private tracking link (keep it secret; anyone with it can read and answer your report):\n${sealedPlaceholder(0)}`
      : `Read it on your private tracking page, using the link you received when you submitted the report.\nLost the link? Request a new one at ${ctx.publicUrl}/r/recover`,
    ``,
    `Reference: ${report.reference}`,
    ``,
    `${org.name} security team`,
  ];
  await features.outbox.queue(
    tx,
    {
      reportId: report.id,
      to: email,
      subject: `[${report.reference}] Update on your security report`,
      body: lines.join("\n"),
      recipient: { kind: "reporter", id: report.reporterId },
      ...(messageRowId ? { messageRowId } : {}),
      ...(link ? { secrets: [link] } : {}),
    },
    ctx.clock(),
  );
}

/** The kinds of message the team (or Embargo) sends the reporter as part of a lifecycle action. */
export type ReporterMessageKind = "acknowledgement" | "rejection" | "final_feedback" | "message";

/** A lifecycle action's message to the reporter: stored, indexed, and announced to them by mail. */
export async function messageReporter(
  ctx: ReportsContext,
  tx: Tx,
  actor: CurrentUser,
  report: ReportRow,
  reporterEmail: string | null,
  message: { kind: ReporterMessageKind; body: string },
  now: Date,
) {
  const sent = await insertMessage(tx, {
    reportId: report.id,
    authorType: authorOf(actor).authorType,
    authorUserId: authorOf(actor).authorUserId,
    visibility: "reporter",
    kind: message.kind,
    bodyEnc: ctx.cipher.encrypt(message.body),
    searchIndex: ctx.features.search.indexValue({ b: message.body }),
    createdAt: now,
  });
  await notifyReporter(
    ctx,
    tx,
    report,
    reporterEmail,
    `There is news on your security report ${report.reference}.`,
    undefined,
    sent.id,
  );
  return sent;
}

/** The conversation on a report: team messages and notes, and the reporter's replies. */
export function createReportMessages(ctx: ReportsContext) {
  const { db, clock, cipher, features } = ctx;

  /** Stores a reporter's message (tracking page or mail) in the caller's transaction: the clock resumes, the team hears. */
  async function storeReporterMessage(
    tx: Tx,
    report: ReportRow,
    body: string,
    files: readonly UploadedFile[],
    auditData: Record<string, unknown> = {},
    /** A short, non-sensitive line for the team's alert (the reporter's answer on the fix, say). */
    alertDetail?: string,
  ) {
    const now = clock();
    const message = await insertMessage(tx, {
      reportId: report.id,
      authorType: "reporter",
      visibility: "reporter",
      kind: "message",
      bodyEnc: cipher.encrypt(body),
      searchIndex: features.search.indexValue({ b: body }),
      createdAt: now,
    });
    await storeAttachments(ctx, tx, report.id, message.id, files, now);
    // An answer while the team waits for one restarts the SLA clock; the report now waits for the team.
    await updateReport(tx, report.id, {
      ...(await resumeOnReporterReply(features, tx, report, now)),
      lastReporterMessageAt: now,
      awaitingTeamSince: awaitingTeamAfter("reporter_message", report.awaitingTeamSince, now),
      updatedAt: now,
    });
    await appendAuditEvent(
      tx,
      {
        actorType: "reporter",
        actorId: report.reporterId,
        action: "message.from_reporter",
        reportId: report.id,
        data: { messageId: message.id, attachments: files.length, ...auditData },
      },
      now,
    );
    await features.alerts.queue(tx, {
      event: "reporter_replied",
      reportId: report.id,
      occurrence: message.id,
      ...(report.assigneeId ? { userIds: [report.assigneeId] } : {}),
      ...(alertDetail ? { detail: alertDetail } : {}),
    });
    return message;
  }

  /** Adds a team message: a reply the reporter sees, or an internal note only the team sees. */
  async function postMessage(
    actor: CurrentUser,
    idOrRef: string,
    raw: unknown,
    files: readonly UploadedFile[] = [],
  ) {
    if (!can(actor.role, "report.message")) throw forbidden("Viewers cannot post messages.");
    const parsed = messageSchema.safeParse(raw);
    const errors = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)), ...checkFiles(files) };
    if (!parsed.success || Object.keys(errors).length > 0)
      throw badRequest("The message is not valid.", errors);
    return transaction(db, async (tx) => {
      const report = await requireReport(tx, idOrRef, true);
      const now = clock();
      const message = await insertMessage(tx, {
        reportId: report.id,
        authorType: "team",
        authorUserId: actor.id,
        visibility: parsed.data.visibility,
        kind: parsed.data.visibility === "internal" ? "note" : "message",
        bodyEnc: cipher.encrypt(parsed.data.body),
        searchIndex: features.search.indexValue({ b: parsed.data.body }),
        createdAt: now,
      });
      await storeAttachments(ctx, tx, report.id, message.id, files, now);
      const patch: Partial<ReportRow> = { updatedAt: now };
      if (parsed.data.visibility === "reporter") {
        patch.lastReporterUpdateAt = now;
        patch.awaitingTeamSince = awaitingTeamAfter("team_update", report.awaitingTeamSince, now);
        const reporter = await findReporter(tx, report.reporterId);
        await notifyReporter(
          ctx,
          tx,
          report,
          reporter.email,
          `There is a new message on your security report ${report.reference}.`,
          undefined,
          message.id,
        );
      }
      await updateReport(tx, report.id, patch);
      await appendAuditEvent(
        tx,
        {
          actorType: "user",
          actorId: actor.id,
          action: parsed.data.visibility === "internal" ? "message.internal_note" : "message.to_reporter",
          reportId: report.id,
          data: { messageId: message.id, attachments: files.length },
        },
        now,
      );
      return { id: message.id, visibility: message.visibility, createdAt: message.createdAt };
    });
  }

  /** A reply from the reporter through their tracking link. */
  async function replyAsReporter(token: string, raw: unknown, files: readonly UploadedFile[] = []) {
    const parsed = reporterReplySchema.safeParse(raw);
    const errors = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)), ...checkFiles(files) };
    return transaction(db, async (tx) => {
      const report = await findReportByTokenHash(tx, sha256Hex(token));
      if (!report) throw notFound("Report");
      if (!parsed.success || Object.keys(errors).length > 0)
        throw badRequest("The message is not valid.", errors);
      const message = await storeReporterMessage(tx, report, parsed.data.body, files);
      return { id: message.id };
    });
  }

  return { storeReporterMessage, postMessage, replyAsReporter };
}
