import { createHash } from "node:crypto";
import { authorOf, type CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { attachmentContentType, attachmentsProblem, safeFilename } from "../../domain/attachments.ts";
import { can } from "../../domain/permissions.ts";
import { computeDeadlines, evaluateSla, needsInfoExpiresAt } from "../../domain/sla.ts";
import {
  type ActionRequest,
  availableActions,
  decide,
  isOpen,
  REJECTION_LABELS,
  REPORT_STATES,
  type ReportFacts,
  type ReportState,
  SEVERITIES,
  type Severity,
  STATE_LABELS,
} from "../../domain/workflow.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import { queueTeamAlert } from "../alerts/alerts.queue.ts";
import { reportsWaitingForSomeone } from "../assignment/assignment.repo.ts";
import { assignAutomatically } from "../assignment/assignment.service.ts";
import { waitingForSomeone } from "../assignment/waiting.ts";
import { appendAuditEvent, listReportEvents } from "../audit/audit.repo.ts";
import { readReporterKey } from "../keys/keys.repo.ts";
import { memberKeyProblem } from "../keys/keys.service.ts";
import { queueMail } from "../outbox/outbox.jobs.ts";
import { listAssets } from "../policy/assets.repo.ts";
import {
  assertNoDuplicateCycle,
  duplicateCreditRecord,
  duplicateNoticeForReporter,
  recordDuplicateOnOriginal,
  recordIntakeSuggestions,
} from "../search/duplicates.service.ts";
import {
  parseSearch,
  type SearchReader,
  searchesInternalNotes,
  searchSnippets,
  textFilterCondition,
} from "../search/search.service.ts";
import { indexMessage, indexReport } from "../search/search-index.ts";
import { loadIntakeSettings } from "../settings/intake-settings.ts";
import { loadOrgSettings, loadSlaPolicy } from "../settings/settings.service.ts";
import { findUserByEmail, findUserById, updateUser } from "../team/team.repo.ts";
import { chooseAcknowledgement } from "../templates/templates.service.ts";
import { queryInbox, slaInboxCondition } from "./inbox.repo.ts";
import { endNeedsInfo, leavesNeedsInfo, resumeOnReporterReply, startNeedsInfo } from "./needs-info.ts";
import {
  findAsset,
  findAttachment,
  findReport,
  findReportByTokenHash,
  findReporter,
  insertAttachment,
  insertFix,
  insertFixVerification,
  insertMessage,
  insertReport,
  insertReporter,
  insertSeverityScore,
  insertTrackingToken,
  listAttachmentMeta,
  listFixes,
  listFixVerifications,
  listMessages,
  listReportsByReporterEmail,
  listSeverityScores,
  nextReportNumber,
  type ReportRow,
  updateReport,
} from "./reports.repo.ts";
import {
  type ActionInput,
  actionSchema,
  type InboxQuery,
  intakeRefined,
  messageSchema,
  reporterEmailSchema,
  reporterReplySchema,
} from "./reports.schema.ts";
import { historyFacts, type SeverityScoreInput, scoreSeverityInput } from "./severity-scores.ts";
import { describeEvent, reporterTimeline } from "./timeline.ts";

export interface UploadedFile {
  filename: string;
  data: Buffer;
}

export interface ReportBody {
  description: string;
  steps: string;
  impact: string;
}

/** What another feature adds to a submission: its own field errors, and writes in the same transaction. */
export interface SubmitExtras {
  errors?: Record<string, string>;
  inTransaction?: (tx: Db, created: { reportId: string; reporterId: string; now: Date }) => Promise<void>;
}

export interface ReportsDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  jobs: JobQueue;
  publicUrl: string;
}

/** The reference people quote: EMB-<year>-<number>, unique because the number comes from a sequence. */
export function formatReference(year: number, n: number): string {
  return `EMB-${year}-${String(n).padStart(4, "0")}`;
}

/**
 * The transaction of a feature that still opens it with db.transaction (the mail intake), typed Db there but a
 * transaction all the same. Goes away once those callers use transaction() and hand over a Tx.
 */
function callersTransaction(tx: Db): Tx {
  return tx as Tx;
}

export function createReportsService(deps: ReportsDeps) {
  const { db, clock, cipher, jobs, publicUrl } = deps;

  const trackingUrl = (token: string) => `${publicUrl}/r/${token}`;

  function checkFiles(files: readonly UploadedFile[]): Record<string, string> {
    const problem = attachmentsProblem(files.map((f) => ({ filename: f.filename, size: f.data.length })));
    return problem ? { attachments: problem } : {};
  }

  async function storeAttachments(
    tx: Tx,
    reportId: string,
    messageId: string | null,
    files: readonly UploadedFile[],
    now: Date,
  ) {
    for (const file of files) {
      const filename = safeFilename(file.filename);
      await insertAttachment(tx, {
        reportId,
        messageId,
        filename,
        contentType: attachmentContentType(filename) ?? "application/octet-stream",
        size: file.data.length,
        sha256: createHash("sha256").update(file.data).digest("hex"),
        dataEnc: cipher.encrypt(file.data),
        createdAt: now,
      });
    }
  }

  /** Mail to the reporter carries only the reference and where to read the news, never vulnerability details. */
  async function notifyReporter(
    tx: Tx,
    report: ReportRow,
    email: string | null,
    what: string,
    link?: string,
    /** A reporter-visible message: its text goes along, but only inside mail encrypted to the reporter's key. */
    messageRowId?: string,
  ) {
    if (!email) return;
    const org = await loadOrgSettings(tx);
    const lines = [
      `Hello,`,
      ``,
      `${what}`,
      ``,
      link
        ? `Your private tracking link (keep it secret; anyone with it can read and answer your report):\n${link}`
        : `Read it on your private tracking page, using the link you received when you submitted the report.\nLost the link? Request a new one at ${publicUrl}/r/recover`,
      ``,
      `Reference: ${report.reference}`,
      ``,
      `${org.name} security team`,
    ];
    await queueMail(
      tx,
      jobs,
      {
        reportId: report.id,
        to: email,
        subject: `[${report.reference}] Update on your security report`,
        body: lines.join("\n"),
        recipient: { kind: "reporter", id: report.reporterId },
        ...(messageRowId ? { messageRowId } : {}),
      },
      clock(),
    );
  }

  async function loadFacts(tx: Db, report: ReportRow): Promise<ReportFacts> {
    const fixRows = await listFixes(tx, report.id);
    const verifications = await listFixVerifications(
      tx,
      fixRows.map((f) => f.id),
    );
    return {
      state: report.state as ReportState,
      assigneeId: report.assigneeId,
      severity: (report.severity as Severity | null) ?? null,
      fixes: fixRows.map((f) => ({ id: f.id, authorId: f.authorId })),
      fixVerifications: verifications.map((v) => ({ fixId: v.fixId, verifierId: v.verifierId })),
      needsInfo: report.needsInfo,
    };
  }

  async function requireReport(tx: Db, idOrRef: string, forUpdate = false): Promise<ReportRow> {
    const report = await findReport(tx, idOrRef, { forUpdate });
    if (!report) throw notFound("Report");
    return report;
  }

  /**
   * Stores a new report with everything that comes with it, inside the caller's transaction: reporter, tracking
   * link, search index, attachments, audit event, duplicate suggestions, receipt mail, team alert and automatic
   * assignment. The form, the JSON intake and the mail intake all end here.
   */
  async function createReport(
    tx: Tx,
    input: {
      title: string;
      assetId: string | null;
      weakness: string;
      body: ReportBody;
      reporter: { email: string | null; name: string | null; credit: "name" | "handle" | "anonymous" };
      source: "web" | "api" | "email";
      files: readonly UploadedFile[];
      extra?: SubmitExtras;
      /** Extra facts for the report.received audit event (how a mail came in, say). */
      auditData?: Record<string, unknown>;
    },
  ) {
    const { files, source } = input;
    const now = clock();
    const sla = await loadSlaPolicy(tx);
    const deadlines = computeDeadlines(now, sla);
    const reporter = await insertReporter(tx, {
      email: input.reporter.email,
      name: input.reporter.name,
      credit: input.reporter.credit,
      createdAt: now,
    });
    const seq = await nextReportNumber(tx);
    const reference = formatReference(now.getUTCFullYear(), seq);
    const report = await insertReport(tx, {
      seq,
      reference,
      title: input.title,
      assetId: input.assetId,
      weakness: input.weakness,
      bodyEnc: cipher.encryptJson(input.body),
      source,
      reporterId: reporter.id,
      state: "new",
      receivedAt: now,
      acknowledgeBy: deadlines.acknowledgeBy,
      triageBy: deadlines.triageBy,
      resolveBy: deadlines.resolveBy,
      updatedAt: now,
    });
    const token = randomToken(16);
    await insertTrackingToken(tx, report.id, sha256Hex(token), now);
    await indexReport(tx, cipher, report.id);
    await storeAttachments(tx, report.id, null, files, now);
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
    await recordIntakeSuggestions(tx, cipher, report.id, now);
    await input.extra?.inTransaction?.(tx, { reportId: report.id, reporterId: reporter.id, now });
    await notifyReporter(
      tx,
      report,
      input.reporter.email,
      `We received your security report "${reference}".`,
      trackingUrl(token),
    );
    await queueTeamAlert(tx, jobs, {
      event: "report_received",
      reportId: report.id,
      occurrence: report.id,
    });
    await assignAutomatically(tx, jobs, report, "intake", now);
    return { report, token, trackingUrl: trackingUrl(token) };
  }

  /** Stores a reporter's message (tracking page or mail) in the caller's transaction: the clock resumes, the team hears. */
  async function storeReporterMessage(
    tx: Tx,
    report: ReportRow,
    body: string,
    files: readonly UploadedFile[],
    auditData: Record<string, unknown> = {},
  ) {
    const now = clock();
    const message = await insertMessage(tx, {
      reportId: report.id,
      authorType: "reporter",
      visibility: "reporter",
      kind: "message",
      bodyEnc: cipher.encrypt(body),
      createdAt: now,
    });
    await indexMessage(tx, cipher, message.id, body);
    await storeAttachments(tx, report.id, message.id, files, now);
    // An answer while the team waits for one restarts the SLA clock.
    await updateReport(tx, report.id, {
      ...(await resumeOnReporterReply(tx, report, now)),
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
    await queueTeamAlert(tx, jobs, {
      event: "reporter_replied",
      reportId: report.id,
      occurrence: message.id,
      ...(report.assigneeId ? { userIds: [report.assigneeId] } : {}),
    });
    return message;
  }

  function decryptBody(report: ReportRow): ReportBody {
    return cipher.decryptJson<ReportBody>(report.bodyEnc);
  }

  /** Turns the parsed action into the domain's request, resolving people and reports the client named. */
  async function toDomainRequest(tx: Tx, actor: CurrentUser, report: ReportRow, input: ActionInput) {
    switch (input.action) {
      case "assign": {
        const assignee = await findUserByEmail(tx, input.assignee);
        if (!assignee?.active) {
          throw badRequest("No active team member has that email.", {
            assignee: "No active team member has that email.",
          });
        }
        if (assignee.role === "viewer") {
          throw badRequest("Viewers cannot be Response Managers.", {
            assignee: "Viewers cannot be Response Managers; choose a responder or admin.",
          });
        }
        // Mail about a report is encrypted to its Response Manager: without a usable key nobody may manage one.
        const keyProblem = await memberKeyProblem(tx, assignee.id, clock());
        if (keyProblem) {
          throw new AppError(
            "guard_failed",
            409,
            `${assignee.name} cannot be assigned reports yet. ${keyProblem}`,
          );
        }
        return { req: { action: "assign", assigneeId: assignee.id } as ActionRequest, extra: { assignee } };
      }
      case "set_severity": {
        const score = scoreSeverityInput(input, await loadOrgSettings(tx));
        return {
          req: { action: "set_severity", severity: score.severity } as ActionRequest,
          extra: { score },
        };
      }
      case "mark_duplicate": {
        const original = await findReport(tx, input.of);
        if (!original)
          throw badRequest("The original report does not exist.", {
            of: "No report has that id or reference.",
          });
        await assertNoDuplicateCycle(tx, report, original);
        return {
          req: {
            action: "mark_duplicate",
            originalId: original.id,
            reportId: report.id,
            message: input.message,
          } as ActionRequest,
          extra: { original },
        };
      }
      case "add_fix":
        return { req: { action: "add_fix", url: input.url, authorId: actor.id } as ActionRequest, extra: {} };
      case "verify_fix":
        return {
          req: { action: "verify_fix", fixId: input.fix ?? null, verifierId: actor.id } as ActionRequest,
          extra: {},
        };
      case "release":
        return {
          req: {
            action: "release",
            verification: input.verification ?? null,
            overrideReason: input.override_reason,
          } as ActionRequest,
          extra: {},
        };
      case "disclose":
        return {
          req: {
            action: "disclose",
            advisoryUrl: input.advisory_url,
            noAdvisoryReason: input.no_advisory_reason,
          } as ActionRequest,
          extra: {},
        };
      case "acknowledge":
        return { req: { action: "acknowledge" } as ActionRequest, extra: {} };
      default:
        return { req: input as unknown as ActionRequest, extra: {} };
    }
  }

  const service = {
    /** For other features' services that own the transaction (the mail intake): a new report inside it. */
    createReportInTx: (tx: Db, input: Parameters<typeof createReport>[1]) =>
      createReport(callersTransaction(tx), input),
    /** For other features' services that own the transaction: a reporter message inside it. */
    reporterMessageInTx: (
      tx: Db,
      report: ReportRow,
      body: string,
      files: readonly UploadedFile[],
      auditData?: Record<string, unknown>,
    ) => storeReporterMessage(callersTransaction(tx), report, body, files, auditData),
    /** Takes a new report from the form or the JSON intake; returns the one-time tracking token. */
    async submit(
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
          const asset = (await listAssets(tx, { activeOnly: true })).find(
            (a) => a.id === assetChoice && a.inScope,
          );
          if (!asset) errors.asset = "Choose one of the listed in-scope assets, or Other.";
          else assetId = asset.id;
        }
        // Too-short steps are the mark of junk reports; the minimum is an admin setting.
        const { minStepsLength } = await loadIntakeSettings(tx);
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
          body: { description: input.description, steps: input.steps, impact: input.impact },
          reporter: { email: input.email, name: input.name, credit: input.credit },
          source,
          files,
          extra,
        });
      });
    },

    /** Runs one lifecycle action; the domain decides, and the change, its audit event and its mail commit together. */
    async act(
      actor: CurrentUser,
      idOrRef: string,
      raw: unknown,
      /** Runs inside the transaction once the report is locked; it may re-check facts and throw to abort. */
      inTransaction?: (tx: Db, report: ReportRow) => Promise<void>,
    ) {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot change reports.");
      const parsed = actionSchema.safeParse(raw);
      if (!parsed.success) {
        const fields = zodFieldErrors(parsed.error);
        throw badRequest(fields.action ?? Object.values(fields)[0] ?? "The action is not valid.", fields);
      }
      const input = parsed.data;
      await transaction(db, async (tx) => {
        // Locking the row makes concurrent actions on one report run one after the other against fresh facts.
        const report = await requireReport(tx, idOrRef, true);
        await inTransaction?.(tx, report);
        const facts = await loadFacts(tx, report);
        const { req, extra } = await toDomainRequest(tx, actor, report, input);
        const decision = decide(facts, req);
        if (!decision.ok) throw new AppError(decision.code, 409, decision.message);
        const now = clock();
        const reporter = await findReporter(tx, report.reporterId);
        const patch: Partial<ReportRow> = { state: decision.to, updatedAt: now };
        const audit: Record<string, unknown> = { from: decision.from, to: decision.to };
        const reporterMessage = async (
          kind: "acknowledgement" | "rejection" | "final_feedback" | "message",
          body: string,
        ) => {
          const sent = await insertMessage(tx, {
            reportId: report.id,
            authorType: authorOf(actor).authorType,
            authorUserId: authorOf(actor).authorUserId,
            visibility: "reporter",
            kind,
            bodyEnc: cipher.encrypt(body),
            createdAt: now,
          });
          await indexMessage(tx, cipher, sent.id, body);
          patch.lastReporterUpdateAt = now;
          await notifyReporter(
            tx,
            report,
            reporter.email,
            `There is news on your security report ${report.reference}.`,
            undefined,
            sent.id,
          );
        };

        switch (req.action) {
          case "acknowledge": {
            patch.acknowledgedAt = now;
            const body =
              input.action === "acknowledge" && input.message
                ? input.message
                : await chooseAcknowledgement(tx, report, actor, publicUrl, audit, () =>
                    defaultAcknowledgement(tx, report),
                  );
            await reporterMessage("acknowledgement", body);
            break;
          }
          case "assign": {
            const assignee = (extra as { assignee: { id: string; email: string; name: string } }).assignee;
            patch.assigneeId = assignee.id;
            audit.assignee = { id: assignee.id, email: assignee.email, name: assignee.name };
            audit.previousAssigneeId = report.assigneeId;
            await updateUser(tx, assignee.id, { lastAssignedAt: now });
            if (assignee.id !== actor.id) {
              const occurrence = `${report.id}:${assignee.id}:${now.getTime()}`;
              await queueTeamAlert(tx, jobs, {
                event: "report_assigned",
                reportId: report.id,
                userIds: [assignee.id],
                occurrence,
              });
            }
            break;
          }
          case "start_triage":
            patch.triagedAt = now;
            break;
          case "set_severity": {
            // A score of the method the organisation does not use is kept in the history, severity unchanged.
            const { score } = extra as { score: SeverityScoreInput };
            if (score.setsReportSeverity) patch.severity = req.severity;
            const reason = input.action === "set_severity" ? input.reason : null;
            await insertSeverityScore(tx, {
              reportId: report.id,
              method: score.method,
              vector: score.vector,
              severity: req.severity,
              details: score.details,
              reason: reason ?? "",
              setById: actor.id,
              createdAt: now,
            });
            Object.assign(audit, {
              previousSeverity: report.severity,
              severity: req.severity,
              method: score.method,
              vector: score.vector,
              setsReportSeverity: score.setsReportSeverity,
              reason,
            });
            break;
          }
          case "reject":
          case "mark_duplicate": {
            patch.rejectionReason = req.action === "reject" ? req.reason : "duplicate";
            patch.resolvedAt = now;
            let reporterText = req.message ?? "";
            if (req.action === "mark_duplicate") {
              const original = (extra as { original: ReportRow }).original;
              patch.duplicateOfId = original.id;
              Object.assign(audit, { originalId: original.id, originalReference: original.reference });
              Object.assign(audit, await duplicateCreditRecord(tx, report, original));
              reporterText = await duplicateNoticeForReporter(tx, req.message, original);
              await recordDuplicateOnOriginal(tx, actor.id, report, original, now);
            }
            audit.reason = patch.rejectionReason;
            // Spam gets no answer: replying would confirm to the sender that the address works.
            if (req.action === "mark_duplicate" || req.reason !== "spam") {
              await reporterMessage("rejection", reporterText);
            }
            break;
          }
          case "add_fix": {
            const fix = await insertFix(tx, {
              reportId: report.id,
              url: req.url,
              authorId: actor.id,
              createdAt: now,
            });
            Object.assign(audit, { fixId: fix.id, url: req.url });
            break;
          }
          case "verify_fix": {
            const fixId = req.fixId ?? facts.fixes.at(-1)!.id;
            await insertFixVerification(tx, { fixId, verifierId: actor.id, createdAt: now });
            audit.fixId = fixId;
            break;
          }
          case "release":
            patch.releaseVerification = req.verification;
            patch.releaseOverrideReason = req.overrideReason;
            patch.resolvedAt = now;
            Object.assign(audit, { verification: req.verification, overrideReason: req.overrideReason });
            break;
          case "disclose":
            patch.advisoryUrl = req.advisoryUrl;
            patch.noAdvisoryReason = req.advisoryUrl ? null : req.noAdvisoryReason;
            Object.assign(audit, {
              advisoryUrl: patch.advisoryUrl,
              noAdvisoryReason: patch.noAdvisoryReason,
            });
            break;
          case "close":
            patch.closedAt = now;
            await reporterMessage("final_feedback", req.message);
            break;
          case "reopen":
            patch.closedAt = null;
            patch.resolvedAt = null;
            patch.rejectionReason = null;
            patch.duplicateOfId = null;
            audit.reason = req.reason;
            break;
          case "request_info":
            await reporterMessage("message", req.message);
            Object.assign(patch, startNeedsInfo(now));
            break;
          default:
            break;
        }
        if (leavesNeedsInfo(report, decision.to)) {
          const resumed = await endNeedsInfo(tx, report, now, authorOf(actor), "report_moved_on");
          for (const [key, value] of Object.entries(resumed))
            if (!(key in patch)) Object.assign(patch, { [key]: value });
        }
        await updateReport(tx, report.id, patch);
        await appendAuditEvent(
          tx,
          {
            actorType: authorOf(actor).actorType,
            actorId: authorOf(actor).actorId,
            action: `report.${req.action}`,
            reportId: report.id,
            data: audit,
          },
          now,
        );
        if (req.action === "acknowledge") await assignAutomatically(tx, jobs, report, "acknowledge", now);
      });
      return service.teamView(idOrRef);
    },

    /** Adds a team message: a reply the reporter sees, or an internal note only the team sees. */
    async postMessage(
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
          createdAt: now,
        });
        await indexMessage(tx, cipher, message.id, parsed.data.body);
        await storeAttachments(tx, report.id, message.id, files, now);
        const patch: Partial<ReportRow> = { updatedAt: now };
        if (parsed.data.visibility === "reporter") {
          patch.lastReporterUpdateAt = now;
          const reporter = await findReporter(tx, report.reporterId);
          await notifyReporter(
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
    },

    /** A reply from the reporter through their tracking link. */
    async replyAsReporter(token: string, raw: unknown, files: readonly UploadedFile[] = []) {
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
    },

    /** The inbox page: filters, sort, paging, and each row's SLA picture. */
    async inbox(query: InboxQuery, reader?: SearchReader | null) {
      const states = query.state
        ? query.state === "open"
          ? REPORT_STATES.filter(isOpen)
          : query.state === "all"
            ? null
            : [query.state]
        : REPORT_STATES.filter(isOpen);
      if (states?.some((s) => !(REPORT_STATES as readonly string[]).includes(s))) {
        throw badRequest(`state must be one of open, all, ${REPORT_STATES.join(", ")}.`, {
          state: "Unknown state.",
        });
      }
      if (
        query.severity &&
        query.severity !== "none" &&
        !(SEVERITIES as readonly string[]).includes(query.severity)
      ) {
        throw badRequest(`severity must be one of none, ${SEVERITIES.join(", ")}.`, {
          severity: "Unknown severity.",
        });
      }
      let assigneeId: string | null | "none" = null;
      if (query.assignee === "none") assigneeId = "none";
      else if (query.assignee) {
        const user = query.assignee.includes("@")
          ? await findUserByEmail(db, query.assignee)
          : await findUserById(db, query.assignee);
        if (!user)
          throw badRequest("No team member matches the assignee filter.", {
            assignee: "Unknown team member.",
          });
        assigneeId = user.id;
      }
      const sortKey = query.sort ?? "-received";
      const perPage = query.perPage ?? 25;
      const page = query.page ?? 1;
      const search = parseSearch(query.q);
      const includeInternal = searchesInternalNotes(reader);
      const sla = await loadSlaPolicy(db);
      const now = clock();
      const { rows, total } = await queryInbox(db, {
        textCondition: textFilterCondition(cipher, search, includeInternal),
        states,
        severity: query.severity ?? null,
        assigneeId,
        text: query.q || null,
        hideSpam: query.spam !== "1" && query.state !== "rejected",
        slaCondition: slaInboxCondition(query.sla, now, sla),
        sort: { column: sortKey.replace("-", "") as "received", desc: sortKey.startsWith("-") },
        limit: perPage,
        offset: (page - 1) * perPage,
      });
      const snippets = await searchSnippets(
        db,
        cipher,
        rows.map((r) => r.report),
        search,
        includeInternal,
      );
      const waiting = await reportsWaitingForSomeone(
        db,
        rows.filter((r) => !r.report.assigneeId).map((r) => r.report.id),
      );
      return {
        total,
        page,
        perPage,
        pages: Math.max(1, Math.ceil(total / perPage)),
        items: rows.map(({ report, assigneeName, assigneeEmail }) => ({
          id: report.id,
          reference: report.reference,
          title: report.title,
          state: report.state as ReportState,
          severity: report.severity as Severity | null,
          assignee: assigneeEmail,
          assigneeName,
          receivedAt: report.receivedAt,
          updatedAt: report.updatedAt,
          sla: evaluateSla(slaFacts(report), sla, now),
          /** Set while the team waits for the reporter's answer. */
          waitingSince: report.needsInfo ? report.needsInfoSince : null,
          snippet: snippets.get(report.id) ?? null,
          nobodyAvailable: waiting.has(report.id),
        })),
      };
    },

    /** Everything the team sees about one report. */
    async teamView(idOrRef: string) {
      const report = await requireReport(db, idOrRef);
      const [reporter, asset, messageRows, attachmentRows, facts, scores, events, sla] = await Promise.all([
        findReporter(db, report.reporterId),
        findAsset(db, report.assetId),
        listMessages(db, report.id),
        listAttachmentMeta(db, report.id),
        loadFacts(db, report),
        listSeverityScores(db, report.id),
        listReportEvents(db, report.id),
        loadSlaPolicy(db),
      ]);
      const people = new Map<string, { id: string; name: string; email: string }>();
      const person = async (id: string | null) => {
        if (!id) return null;
        if (!people.has(id)) {
          const u = await findUserById(db, id);
          people.set(
            id,
            u ? { id: u.id, name: u.name, email: u.email } : { id, name: "(removed)", email: "" },
          );
        }
        return people.get(id)!;
      };
      const fixRows = await listFixes(db, report.id);
      const verifications = await listFixVerifications(
        db,
        fixRows.map((f) => f.id),
      );
      const duplicateOf = report.duplicateOfId ? await findReport(db, report.duplicateOfId) : null;
      const now = clock();
      return {
        id: report.id,
        reference: report.reference,
        title: report.title,
        state: report.state as ReportState,
        stateLabel: STATE_LABELS[report.state as ReportState],
        severity: report.severity as Severity | null,
        assignee: (await person(report.assigneeId))?.email ?? null,
        assigneeUser: await person(report.assigneeId),
        source: report.source,
        asset: asset
          ? { id: asset.id, name: asset.name, identifier: asset.identifier, inScope: asset.inScope }
          : null,
        weakness: report.weakness,
        ...decryptBody(report),
        reporter: {
          name: reporter.name,
          email: reporter.email,
          credit: reporter.credit,
          keyFingerprint: (await readReporterKey(db, reporter.id))?.fingerprint ?? null,
        },
        receivedAt: report.receivedAt,
        acknowledgedAt: report.acknowledgedAt,
        triagedAt: report.triagedAt,
        resolvedAt: report.resolvedAt,
        closedAt: report.closedAt,
        updatedAt: report.updatedAt,
        deadlines: {
          acknowledgeBy: report.acknowledgeBy,
          triageBy: report.triageBy,
          resolveBy: report.resolveBy,
        },
        sla: evaluateSla(slaFacts(report), sla, now),
        waitingSince: report.needsInfo ? report.needsInfoSince : null,
        waitingExpiresAt:
          report.needsInfo && report.needsInfoSince ? needsInfoExpiresAt(report.needsInfoSince, sla) : null,
        rejectionReason: report.rejectionReason,
        duplicateOf: duplicateOf ? { id: duplicateOf.id, reference: duplicateOf.reference } : null,
        release: { verification: report.releaseVerification, overrideReason: report.releaseOverrideReason },
        advisoryUrl: report.advisoryUrl,
        noAdvisoryReason: report.noAdvisoryReason,
        fixes: await Promise.all(
          fixRows.map(async (f) => ({
            id: f.id,
            url: f.url,
            author: await person(f.authorId),
            createdAt: f.createdAt,
            verifications: await Promise.all(
              verifications
                .filter((v) => v.fixId === f.id)
                .map(async (v) => ({ verifier: await person(v.verifierId), at: v.createdAt })),
            ),
          })),
        ),
        severityHistory: scores.map(({ score, setBy }) => ({
          method: score.method,
          vector: score.vector,
          severity: score.severity,
          ...historyFacts(score),
          details: score.details,
          reason: score.reason,
          setBy,
          at: score.createdAt,
        })),
        messages: await Promise.all(
          messageRows.map(async (m) => ({
            id: m.id,
            authorType: m.authorType,
            author:
              m.authorType === "team"
                ? ((await person(m.authorUserId))?.name ?? "Team")
                : m.authorType === "reporter"
                  ? (reporter.name ?? "Reporter")
                  : "Embargo",
            visibility: m.visibility,
            kind: m.kind,
            body: cipher.decryptText(m.bodyEnc),
            createdAt: m.createdAt,
            attachments: attachmentRows.filter((a) => a.messageId === m.id),
          })),
        ),
        attachments: attachmentRows.filter((a) => a.messageId === null),
        timeline: await Promise.all(
          events.map(async (e) => ({
            at: new Date(e.occurredAt),
            actor:
              e.actorType === "user"
                ? ((await person(e.actorId))?.name ?? "Team")
                : e.actorType === "reporter"
                  ? "Reporter"
                  : "Embargo",
            action: e.action,
            text: describeEvent(e.action, e.data as Record<string, unknown>),
          })),
        ),
        availableActions: availableActions(facts),
        nobodyAvailable: waitingForSomeone(events, report.assigneeId),
      };
    },

    /** What the holder of a tracking link may see: no internal notes, no team identities beyond "security team". */
    async reporterView(token: string) {
      const report = await findReportByTokenHash(db, sha256Hex(token));
      if (!report) return null;
      const [reporter, messageRows, attachmentRows, events, asset] = await Promise.all([
        findReporter(db, report.reporterId),
        listMessages(db, report.id, "reporter"),
        listAttachmentMeta(db, report.id),
        listReportEvents(db, report.id),
        findAsset(db, report.assetId),
      ]);
      return {
        reference: report.reference,
        title: report.title,
        state: report.state as ReportState,
        stateLabel: STATE_LABELS[report.state as ReportState],
        severity: report.severity as Severity | null,
        rejectionReason: report.rejectionReason
          ? REJECTION_LABELS[report.rejectionReason as keyof typeof REJECTION_LABELS]
          : null,
        asset: asset?.name ?? "Other",
        weakness: report.weakness,
        ...decryptBody(report),
        reporter: { name: reporter.name, email: reporter.email, credit: reporter.credit },
        receivedAt: report.receivedAt,
        deadlines: {
          acknowledgeBy: report.acknowledgedAt ? null : report.acknowledgeBy,
          acknowledgedAt: report.acknowledgedAt,
          triageBy: report.triagedAt ? null : report.triageBy,
          resolveBy: isOpen(report.state as ReportState) && !report.resolvedAt ? report.resolveBy : null,
        },
        /** Set while the team waits for the reporter's answer; the page asks them to reply. */
        waitingSince: report.needsInfo ? report.needsInfoSince : null,
        timeline: reporterTimeline(events),
        messages: messageRows.map((m) => ({
          id: m.id,
          from: m.authorType === "reporter" ? "You" : "Security team",
          mine: m.authorType === "reporter",
          kind: m.kind,
          body: cipher.decryptText(m.bodyEnc),
          createdAt: m.createdAt,
          attachments: attachmentRows.filter((a) => a.messageId === m.id),
        })),
        attachments: attachmentRows.filter((a) => a.messageId === null),
      };
    },

    /** An attachment for the team. */
    async attachmentForTeam(idOrRef: string, attachmentId: string) {
      const report = await requireReport(db, idOrRef);
      const row = await findAttachment(db, report.id, attachmentId);
      if (!row) throw notFound("Attachment");
      return { filename: row.filename, contentType: row.contentType, data: cipher.decrypt(row.dataEnc) };
    },

    /** An attachment for the reporter: only the report's own files and those on reporter-visible messages. */
    async attachmentForReporter(token: string, attachmentId: string) {
      const report = await findReportByTokenHash(db, sha256Hex(token));
      if (!report) throw notFound("Attachment");
      const row = await findAttachment(db, report.id, attachmentId);
      if (!row) throw notFound("Attachment");
      if (row.messageId) {
        const visible = await listMessages(db, report.id, "reporter");
        if (!visible.some((m) => m.id === row.messageId)) throw notFound("Attachment");
      }
      return { filename: row.filename, contentType: row.contentType, data: cipher.decrypt(row.dataEnc) };
    },

    /**
     * Lost links: every report filed under the address gets a fresh tracking link, all in one mail to that address.
     * The caller answers the same whether anything matched or not, so the form cannot tell who reported to us;
     * only the mailbox owner learns the links. Old links keep working: losing one is not the same as leaking it.
     */
    async recoverLinks(email: string): Promise<void> {
      const parsed = reporterEmailSchema.safeParse(email);
      if (!parsed.success) {
        const message = parsed.error.issues[0]?.message ?? "Enter a valid email address.";
        throw badRequest(message, { email: message });
      }
      const address = parsed.data;
      await transaction(db, async (tx) => {
        const rows = await listReportsByReporterEmail(tx, address);
        if (rows.length === 0) return;
        const now = clock();
        const links: string[] = [];
        for (const row of rows) {
          const token = randomToken(16);
          await insertTrackingToken(tx, row.id, sha256Hex(token), now);
          links.push(`${row.reference}: ${trackingUrl(token)}`);
          await appendAuditEvent(
            tx,
            {
              actorType: "reporter",
              actorId: row.reporterId,
              action: "report.links_recovered",
              reportId: row.id,
              data: {},
            },
            now,
          );
        }
        const org = await loadOrgSettings(tx);
        const body = [
          "Hello,",
          "",
          `Someone (we hope you) asked for new links to the security reports sent to ${org.name} from this address.`,
          "Here they are. Keep them secret: anyone with a link can read and answer that report.",
          "",
          ...links,
          "",
          "Your earlier links still work. If you did not ask for this, you can ignore this mail.",
          "",
          `${org.name} security team`,
        ];
        await queueMail(
          tx,
          jobs,
          {
            reportId: rows.length === 1 ? rows[0]!.id : null,
            to: address,
            subject: "Your security report links",
            body: body.join("\n"),
          },
          now,
        );
      });
    },
  };

  async function defaultAcknowledgement(tx: Db, report: ReportRow): Promise<string> {
    const org = await loadOrgSettings(tx);
    const when = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
    return [
      `Thank you for your report ${report.reference}. We have received it, and the ${org.name} security team is now handling it.`,
      ``,
      `What happens next:`,
      `- A Response Manager will assess the report and tell you whether we can confirm it by ${when(report.triageBy)}.`,
      `- We will keep you informed at every stage, and you can reply here at any time.`,
      `- We aim to fix confirmed issues by ${when(report.resolveBy)} and will agree the disclosure date and your credit with you.`,
      ``,
      `Please keep the details confidential until we have released a fix and agreed on disclosure.`,
    ].join("\n");
  }

  return service;
}

function fieldString(fields: unknown, key: string): string | null {
  if (fields === null || typeof fields !== "object") return null;
  const value = (fields as Record<string, unknown>)[key];
  return typeof value === "string" ? value.trim() : null;
}

/** The SLA facts of a stored report; the SLA sweep evaluates reports exactly as the pages show them. */
export function slaFacts(report: ReportRow) {
  return {
    receivedAt: report.receivedAt,
    acknowledgedAt: report.acknowledgedAt,
    triagedAt: report.triagedAt,
    resolvedAt: report.resolvedAt,
    lastReporterUpdateAt: report.lastReporterUpdateAt,
    open: isOpen(report.state as ReportState),
    // While the team waits for the reporter, deadlines still ahead are frozen.
    pausedSince: report.needsInfo ? report.needsInfoSince : null,
    // The deadlines promised at receipt stay with the report; later SLA setting changes do not move them.
    deadlines: {
      acknowledgeBy: report.acknowledgeBy,
      triageBy: report.triageBy,
      resolveBy: report.resolveBy,
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
