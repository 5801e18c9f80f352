import { randomUUID } from "node:crypto";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { type Tx, transaction } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { awaitingTeamAfter } from "../../domain/inbox-activity.ts";
import { computeDeadlines } from "../../domain/sla.ts";
import {
  checkFiles,
  type ReportBody,
  type ReportsContext,
  type SubmitExtras,
  storeAttachments,
  type UploadedFile,
} from "./report-context.service.ts";
import { formatReference } from "./report-facts.service.ts";
import { notifyReporter } from "./report-messages.service.ts";
import { insertReport, insertReporterTakingNumber, insertTrackingToken } from "./reports.repo.ts";
import { intakeRefined } from "./reports.schema.ts";

/** A new report as the form, the JSON intake and the mail intake hand it over. */
export interface NewReport {
  title: string;
  assetId: string | null;
  weakness: string;
  body: ReportBody;
  /** The reporter's proposed CVSS vector, already checked by the parser; the mail intake has none. */
  reporterCvss?: string | null;
  /** Affected versions as the reporter listed them, already within the limits. */
  affectedVersions?: readonly string[];
  reporter: { email: string | null; name: string | null; credit: "name" | "handle" | "anonymous" };
  source: "web" | "api" | "email";
  files: readonly UploadedFile[];
  extra?: SubmitExtras;
  /** Extra facts for the report.received audit event (how a mail came in, say). */
  auditData?: Record<string, unknown>;
}

function fieldString(fields: unknown, key: string): string | null {
  if (fields === null || typeof fields !== "object") return null;
  const value = (fields as Record<string, unknown>)[key];
  return typeof value === "string" ? value.trim() : null;
}

/** How reports come in: the submission rules, and everything a new report brings along. */
export function createReportIntake(ctx: ReportsContext) {
  const { db, clock, cipher, features } = ctx;

  /**
   * Stores a new report with everything that comes with it, inside the caller's transaction: reporter, tracking
   * link, search index, attachments, audit event, duplicate suggestions, receipt mail, team alert and automatic
   * assignment. The form, the JSON intake and the mail intake all end here.
   */
  async function createReport(tx: Tx, input: NewReport) {
    const { files, source } = input;
    const now = clock();
    const sla = await features.settings.sla(tx);
    const deadlines = computeDeadlines(now, sla);
    const { reporter, seq } = await insertReporterTakingNumber(tx, {
      email: input.reporter.email,
      name: input.reporter.name,
      credit: input.reporter.credit,
      createdAt: now,
    });
    const reference = formatReference(now.getUTCFullYear(), seq);
    const text = await features.search.newReportText(tx, input.title, input.body, input.assetId);
    // The id is chosen here so the duplicate ranking can run before the insert, which then stores the likely one.
    const id = randomUUID();
    const duplicates = await features.search.rankIntakeDuplicates(tx, {
      id,
      title: input.title,
      assetId: input.assetId,
      text,
    });
    const report = await insertReport(tx, {
      id,
      seq,
      reference,
      title: input.title,
      assetId: input.assetId,
      weakness: input.weakness,
      reporterCvss: input.reporterCvss ?? null,
      affectedVersions: [...(input.affectedVersions ?? [])],
      bodyEnc: cipher.encryptJson(input.body),
      searchIndex: features.search.indexValue(text),
      source,
      reporterId: reporter.id,
      state: "new",
      receivedAt: now,
      // The report is the reporter's first word, and the team's wait starts with it.
      lastReporterMessageAt: now,
      awaitingTeamSince: awaitingTeamAfter("received", null, now),
      likelyDuplicateOfId: duplicates.likely?.id ?? null,
      likelyDuplicateScore: duplicates.likely?.score ?? null,
      acknowledgeBy: deadlines.acknowledgeBy,
      triageBy: deadlines.triageBy,
      resolveBy: deadlines.resolveBy,
      updatedAt: now,
    });
    const token = randomToken(16);
    await insertTrackingToken(tx, report.id, sha256Hex(token), now);
    await features.credits?.recordIntakeChoice(tx, report.id, input.reporter, now);
    await storeAttachments(ctx, tx, report.id, null, files, now);
    await appendAuditEvent(
      tx,
      {
        actorType: "reporter",
        actorId: reporter.id,
        action: "report.received",
        reportId: report.id,
        data: {
          reference,
          source,
          attachments: files.length,
          titleSha256: sha256Hex(input.title),
          ...input.auditData,
        },
      },
      now,
    );
    await features.search.recordIntakeSuggestions(tx, report.id, duplicates, now);
    const trackingUrl = ctx.trackingUrl(token);
    await input.extra?.inTransaction?.(tx, {
      reportId: report.id,
      reporterId: reporter.id,
      reference,
      acknowledgeBy: report.acknowledgeBy,
      trackingUrl,
      now,
    });
    await notifyReporter(
      ctx,
      tx,
      report,
      input.reporter.email,
      `We received your security report "${reference}".`,
      trackingUrl,
    );
    await features.alerts.queue(tx, {
      event: "report_received",
      reportId: report.id,
      occurrence: report.id,
    });
    await features.assignment.assignAutomatically(tx, report, "intake", now);
    return { report, token, trackingUrl };
  }

  /** Takes a new report from the form or the JSON intake; returns the one-time tracking token. */
  async function submit(
    fields: unknown,
    files: readonly UploadedFile[],
    source: "web" | "api" | "email",
    extra: SubmitExtras = {},
  ) {
    const parsed = intakeRefined.safeParse(fields);
    const errors = {
      ...(parsed.success ? {} : zodFieldErrors(parsed.error)),
      ...checkFiles(files),
      ...extra.errors,
    };
    return transaction(db, async (tx) => {
      // The asset is checked even when other fields are wrong, so one answer names every problem.
      let assetId: string | null = null;
      const assetChoice = fieldString(fields, "asset");
      if (assetChoice && assetChoice !== "other" && !errors.asset) {
        const asset = (await features.assets.list({ activeOnly: true }, tx)).find(
          (a) => a.id === assetChoice && a.inScope,
        );
        if (!asset) errors.asset = "Choose one of the listed in-scope assets, or Other.";
        else assetId = asset.id;
      }
      // Too-short steps are the mark of junk reports; the minimum is an admin setting.
      const { minStepsLength } = await features.settings.intake(tx);
      const steps = fieldString(fields, "steps")?.trim() ?? "";
      if (!errors.steps && steps.length < minStepsLength) {
        errors.steps = `Describe the steps to reproduce in at least ${minStepsLength} characters.`;
      }
      if (!parsed.success || Object.keys(errors).length > 0) {
        throw new AppError("invalid_input", 400, "Some fields need attention.", errors);
      }
      const input = parsed.data;
      return createReport(tx, {
        title: input.title,
        assetId,
        weakness: input.weakness,
        reporterCvss: input.cvss,
        affectedVersions: input.affectedVersions,
        body: { description: input.description, steps: input.steps, impact: input.impact },
        reporter: { email: input.email, name: input.name, credit: input.credit },
        source,
        files,
        extra,
      });
    });
  }

  return { createReport, submit };
}
