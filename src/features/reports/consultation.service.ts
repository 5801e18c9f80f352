import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import {
  consultationStatus,
  decideFixAccess,
  decideFixAnswer,
  FIX_VERDICT_LABELS,
  type FixVerdict,
  fixAccessAllowed,
  fixAccessTokenLive,
  fixVisibleToReporter,
} from "../../domain/consultation.ts";
import { can } from "../../domain/permissions.ts";
import { cachedDiffRange } from "../../git/diff-cache.ts";
import { GitError, type RangeDiff } from "../../git/git.ts";
import { fixRepoDir } from "../../git/store.ts";
import {
  type ConsultationRow,
  findFixBranchHead,
  findFixRepository,
  findMessage,
  insertConsultationAnswer,
  insertFixAccessToken,
  latestConsultation,
  listConsultationAnswers,
  revokeReporterFixAccess,
  unrevokedReporterToken,
} from "./consultation.repo.ts";
import {
  checkFiles,
  type ReportsContext,
  requireReport,
  type UploadedFile,
} from "./report-context.service.ts";
import type { createReportMessages } from "./report-messages.service.ts";
import { findReportByTokenHash, lockReportWithReporter, type ReportRow } from "./reports.repo.ts";
import { fixAnswerSchema } from "./reports.schema.ts";

/** The diff of the fix as a page shows it, or why it cannot be shown just now. */
export type FixDiffResult = { ok: true; diff: RangeDiff } | { ok: false; note: string };

/** What the reporter's text says about their verdict, first in the message their answer becomes. */
export const VERDICT_LINES: Record<FixVerdict, string> = {
  fixes: `${FIX_VERDICT_LABELS.fixes}.`,
  does_not_fix: `${FIX_VERDICT_LABELS.does_not_fix}.`,
};

/** The clone URL of a report's fix repository, as the /git/ server serves it. */
export function cloneUrlFor(publicUrl: string, reference: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/git/${reference}.git`;
}

/** The clone command with the token in the URL's password (git ignores the user name "x"). */
export function cloneCommandFor(publicUrl: string, reference: string, token: string): string {
  const url = new URL(cloneUrlFor(publicUrl, reference));
  url.username = "x";
  url.password = token;
  return `git clone ${url.toString()}`;
}

/** Consultation: the team invites the reporter to check the fix; the reporter reads it, clones it and answers. */
export function createReportConsultation(
  ctx: ReportsContext,
  messages: Pick<ReturnType<typeof createReportMessages>, "storeReporterMessage">,
) {
  const { db, clock, cipher } = ctx;

  /** The fix branch's diff against its base, read from the fix repository; a git failure is a note, not an error. */
  async function fixDiff(report: ReportRow, consultation: ConsultationRow): Promise<FixDiffResult> {
    const repository = await findFixRepository(db, report.id);
    if (!repository)
      return { ok: false, note: "The fix repository is gone, so the changes cannot be shown." };
    const head = (await findFixBranchHead(db, report.id, consultation.branch)) ?? repository.baseSha;
    try {
      return {
        ok: true,
        diff: await cachedDiffRange(fixRepoDir(ctx.gitDir, report.id), repository.baseSha, head),
      };
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      return {
        ok: false,
        note: "The changes could not be read from the fix repository just now. Reload the page later, or clone the repository to read them.",
      };
    }
  }

  /** Where the consultation stands, for the team's report page. */
  async function teamConsultation(db: Db, reportId: string) {
    const [consultation, answers, token] = await Promise.all([
      latestConsultation(db, reportId),
      listConsultationAnswers(db, reportId),
      unrevokedReporterToken(db, reportId),
    ]);
    const status = consultationStatus({
      invitedAt: consultation?.invitedAt ?? null,
      answers: answers.map((a) => ({ verdict: a.verdict, at: a.answeredAt })),
    });
    return {
      status,
      invitation: consultation
        ? {
            at: consultation.invitedAt,
            byId: consultation.invitedBy,
            branch: consultation.branch,
            headSha: consultation.headSha,
          }
        : null,
      answers: answers.map((a) => ({
        verdict: a.verdict,
        at: a.answeredAt,
        messageId: a.messageId,
        headSha: a.headSha,
      })),
      /** The reporter's clone access: since when it was given, while it still works. */
      access: token ? { since: token.createdAt } : null,
    };
  }

  /** The "Check the fix" section of the tracking page, or null when the reporter was not invited (no code then). */
  async function reporterConsultation(token: string) {
    const report = await findReportByTokenHash(db, sha256Hex(token));
    if (!report) return null;
    const consultation = await latestConsultation(db, report.id);
    const rejected = report.rejectionReason !== null;
    if (!consultation || !fixVisibleToReporter(report.state, true, rejected)) return null;
    const [answers, access, diff, invitationMessage] = await Promise.all([
      listConsultationAnswers(db, report.id),
      unrevokedReporterToken(db, report.id),
      fixDiff(report, consultation),
      findMessage(db, report.id, consultation.messageId),
    ]);
    const now = clock();
    return {
      reference: report.reference,
      invitedAt: consultation.invitedAt,
      message: invitationMessage ? cipher.decryptText(invitationMessage.bodyEnc) : "",
      branch: consultation.branch,
      diff,
      cloneUrl: cloneUrlFor(ctx.publicUrl, report.reference),
      /** The reporter may ask for clone access and answer: the report is not disclosed, closed or rejected. */
      open: fixAccessAllowed(report.state),
      accessLive: access !== null && fixAccessTokenLive(access, report.state, now),
      accessSince: access?.createdAt ?? null,
      answers: answers
        .filter((a) => a.answeredAt >= consultation.invitedAt)
        .map((a) => ({ verdict: a.verdict, at: a.answeredAt })),
    };
  }

  /** The report of a tracking link, locked for a change; the same 404 as every unknown link. */
  async function lockByToken(tx: Tx, token: string) {
    const found = await findReportByTokenHash(tx, sha256Hex(token));
    if (!found) throw notFound("Report");
    return (await lockReportWithReporter(tx, found.id))!.report;
  }

  /**
   * Gives the invited reporter a read-only fix-access token for the report's fix repository. Only its SHA-256 is
   * stored; any earlier token stops working, so there is never more than one. The token is returned once.
   */
  async function showFixAccess(token: string) {
    return transaction(db, async (tx) => {
      const report = await lockByToken(tx, token);
      const invited = (await latestConsultation(tx, report.id)) !== null;
      const decision = decideFixAccess({ state: report.state, invited });
      // Without an invitation nothing about a fix exists for this link: the same 404 as an unknown link.
      if (!invited) throw notFound("Report");
      if (!decision.ok) throw new AppError("fix_access_closed", 409, decision.message);
      const now = clock();
      const replaced = await revokeReporterFixAccess(tx, report.id, now);
      const secret = randomToken(32);
      const row = await insertFixAccessToken(tx, {
        reportId: report.id,
        kind: "reporter",
        tokenHash: sha256Hex(secret),
        expiresAt: null,
        createdAt: now,
      });
      await appendAuditEvent(
        tx,
        {
          actorType: "reporter",
          actorId: report.reporterId,
          action: "fix_access.reporter_token_created",
          reportId: report.id,
          data: { tokenId: row.id, replaced },
        },
        now,
      );
      return {
        reference: report.reference,
        token: secret,
        cloneUrl: cloneUrlFor(ctx.publicUrl, report.reference),
        cloneCommand: cloneCommandFor(ctx.publicUrl, report.reference, secret),
      };
    });
  }

  /** The reporter ends their own clone access. Revoking nothing is harmless and records nothing. */
  async function revokeFixAccessAsReporter(token: string) {
    return transaction(db, async (tx) => {
      const report = await lockByToken(tx, token);
      const now = clock();
      const revoked = await revokeReporterFixAccess(tx, report.id, now);
      if (revoked > 0) {
        await appendAuditEvent(
          tx,
          {
            actorType: "reporter",
            actorId: report.reporterId,
            action: "fix_access.reporter_token_revoked",
            reportId: report.id,
            data: { revoked, by: "reporter" },
          },
          now,
        );
      }
      return { revoked };
    });
  }

  /** A member ends the reporter's clone access (a leaked token, or the check is over). */
  async function revokeFixAccessAsTeam(actor: CurrentUser, idOrRef: string) {
    if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot change reports.");
    return transaction(db, async (tx) => {
      const report = await requireReport(tx, idOrRef, true);
      const now = clock();
      const revoked = await revokeReporterFixAccess(tx, report.id, now);
      if (revoked > 0) {
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "fix_access.reporter_token_revoked",
            reportId: report.id,
            data: { revoked, by: "team" },
          },
          now,
        );
      }
      return { reference: report.reference, revoked };
    });
  }

  /**
   * The reporter's answer on the fix: a reporter message (the verdict, then their comment, with any files), an
   * answer row bound to the fix head they answered about, a timeline event, and an alert to the Response Manager.
   */
  async function answerFix(token: string, raw: unknown, files: readonly UploadedFile[] = []) {
    const parsed = fixAnswerSchema.safeParse(raw);
    const errors = { ...(parsed.success ? {} : zodFieldErrors(parsed.error)), ...checkFiles(files) };
    return transaction(db, async (tx) => {
      const report = await lockByToken(tx, token);
      const consultation = await latestConsultation(tx, report.id);
      if (!consultation) throw notFound("Report");
      const verdict = parsed.success ? parsed.data.verdict : null;
      const decision = decideFixAnswer({ state: report.state, invited: true, verdict: verdict ?? "fixes" });
      if (!decision.ok) throw new AppError("fix_answer_closed", 409, decision.message);
      if (!parsed.success || Object.keys(errors).length > 0)
        throw badRequest("The answer is not valid.", errors);
      const { comment } = parsed.data;
      const body = comment
        ? `${VERDICT_LINES[parsed.data.verdict]}\n\n${comment}`
        : VERDICT_LINES[parsed.data.verdict];
      const headSha = await findFixBranchHead(tx, report.id, consultation.branch);
      const message = await messages.storeReporterMessage(
        tx,
        report,
        body,
        files,
        { fixVerdict: parsed.data.verdict },
        `The reporter answered on the fix: ${FIX_VERDICT_LABELS[parsed.data.verdict].toLowerCase()}.`,
      );
      const now = message.createdAt;
      const answer = await insertConsultationAnswer(tx, {
        consultationId: consultation.id,
        reportId: report.id,
        verdict: parsed.data.verdict,
        messageId: message.id,
        headSha,
        answeredAt: now,
      });
      await appendAuditEvent(
        tx,
        {
          actorType: "reporter",
          actorId: report.reporterId,
          action: "report.fix_answered",
          reportId: report.id,
          data: { verdict: parsed.data.verdict, answerId: answer.id, messageId: message.id, headSha },
        },
        now,
      );
      return { id: answer.id, verdict: parsed.data.verdict };
    });
  }

  return {
    teamConsultation,
    reporterConsultation,
    showFixAccess,
    revokeFixAccessAsReporter,
    revokeFixAccessAsTeam,
    answerFix,
  };
}
