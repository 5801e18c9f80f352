import type { Tx } from "../../core/db.ts";
import type { SearchReader } from "../search/search.service.ts";
import { createReportConsultation } from "./consultation.service.ts";
import { createLinkRecovery } from "./link-recovery.service.ts";
import { createReportAct } from "./report-act.service.ts";
import {
  createReportsContext,
  type ReportsDeps,
  type SubmitExtras,
  type UploadedFile,
} from "./report-context.service.ts";
import { createReportInbox } from "./report-inbox.service.ts";
import { createReportIntake, type NewReport } from "./report-intake.service.ts";
import { createReportMessages } from "./report-messages.service.ts";
import { createReportViews } from "./report-views.service.ts";
import type { ReportRow } from "./reports.repo.ts";
import type { InboxQuery } from "./reports.schema.ts";

export type { ActResult } from "./report-act.service.ts";
export type { ReportBody, ReportsDeps, SubmitExtras, UploadedFile } from "./report-context.service.ts";
export { formatReference, slaFacts } from "./report-facts.service.ts";

/** The reports feature's service: intake, the lifecycle, the conversation, the inbox and the report pages. */
export function createReportsService(deps: ReportsDeps) {
  const ctx = createReportsContext(deps);
  const intake = createReportIntake(ctx);
  const messages = createReportMessages(ctx);
  const lifecycle = createReportAct(ctx);
  const consultation = createReportConsultation(ctx, messages);
  const views = createReportViews(ctx, consultation);
  const { inbox, markRead, markUnread } = createReportInbox(ctx);
  const { recoverLinks } = createLinkRecovery(ctx);

  return {
    /** For other features' services that own the transaction (the mail intake): a new report inside it. */
    createReportInTx: (tx: Tx, input: NewReport) => intake.createReport(tx, input),
    /** For other features' services that own the transaction: a reporter message inside it. */
    reporterMessageInTx: (
      tx: Tx,
      report: ReportRow,
      body: string,
      files: readonly UploadedFile[],
      auditData?: Record<string, unknown>,
    ) => messages.storeReporterMessage(tx, report, body, files, auditData),
    /** Takes a new report from the form or the JSON intake; returns the one-time tracking token. */
    submit: (
      fields: unknown,
      files: readonly UploadedFile[],
      source: "web" | "api" | "email",
      extra: SubmitExtras = {},
    ) => intake.submit(fields, files, source, extra),
    /**
     * Runs one lifecycle action and answers with the report's id, reference and new state; a caller that shows
     * the report reads teamView after it.
     */
    act: lifecycle.act,
    postMessage: messages.postMessage,
    replyAsReporter: messages.replyAsReporter,
    inbox: (query: InboxQuery, reader?: (SearchReader & { id?: string }) | null) => inbox(query, reader),
    markRead,
    markUnread,
    teamView: views.teamView,
    reporterView: views.reporterView,
    attachmentForTeam: views.attachmentForTeam,
    attachmentForReporter: views.attachmentForReporter,
    recoverLinks,
    /** The tracking page's "Check the fix": the team's message, the diff and clone access, or null (no code). */
    reporterConsultation: consultation.reporterConsultation,
    /** Mints the reporter's read-only fix-access token, shown once. */
    showFixAccess: consultation.showFixAccess,
    revokeFixAccessAsReporter: consultation.revokeFixAccessAsReporter,
    revokeFixAccessAsTeam: consultation.revokeFixAccessAsTeam,
    /** The reporter's "This fixes it" / "This does not fix it". */
    answerFix: consultation.answerFix,
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
