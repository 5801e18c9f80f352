import { SYSTEM_ACTOR } from "../../core/actors.ts";
import type { Tx } from "../../core/db.ts";
import { notFound } from "../../core/errors.ts";
import type { SearchReader } from "../search/search.service.ts";
import { createReportConsultation } from "./consultation.service.ts";
import { createFixPanel } from "./fix-panel.service.ts";
import { createFixReadyReassessment } from "./fix-ready.service.ts";
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
import { createReportMessages, messageReporter } from "./report-messages.service.ts";
import { createReportViews } from "./report-views.service.ts";
import { createReporterNews } from "./reporter-news.service.ts";
import { lockReportWithReporter, type ReportRow, updateReport } from "./reports.repo.ts";
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
  const { reassessFixReady } = createFixReadyReassessment(ctx);
  const { fixPanel } = createFixPanel(ctx);
  const { reportIdForTrackingToken, newsForReporterInTx } = createReporterNews(ctx);

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
    /**
     * For the push recording, in its transaction after a fix branch moved: a fix_ready report whose verified head
     * is no longer the head returns to remediation, with an audit event saying the verification went stale.
     */
    reassessFixReadyInTx: reassessFixReady,
    /** For features above reports with reporter routes: the report a live tracking link opens, or null. */
    reportIdForTrackingToken,
    /** For features above reports: a mail to the reporter that their tracking page has news, in the caller's tx. */
    newsForReporterInTx,
    /** For a service that owns the transaction (releases): a lifecycle action inside it, decided and audited alike. */
    actInTx: lifecycle.actInTx,
    /**
     * For a service that owns the transaction (releases): a message from Embargo to the reporter, stored on the
     * report and announced by mail (without its text unless encrypted), as a lifecycle action's message is.
     */
    messageReporterInTx: async (tx: Tx, reportId: string, body: string) => {
      const locked = await lockReportWithReporter(tx, reportId);
      if (!locked) throw notFound("Report");
      const now = deps.clock();
      const sent = await messageReporter(
        ctx,
        tx,
        SYSTEM_ACTOR,
        locked.report,
        locked.reporter.email,
        { kind: "message", body },
        now,
      );
      await updateReport(tx, locked.report.id, { lastReporterUpdateAt: now, updatedAt: now });
      return sent.id;
    },
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
    /** The report page's fix repository panel (branches, commits, verifications, diffs), or null without one. */
    fixPanel,
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
