import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { authorOf } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, conflict, notFound } from "../../core/errors.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { type CreditChoice, creditLine } from "../../domain/credit.ts";
import { FEEDBACK_COMMENT_MAX, finalFeedbackSummary, ratingProblem } from "../../domain/final-feedback.ts";
import {
  acceptThanksRow,
  choiceOf,
  feedbackAverage,
  findCredit,
  findFeedback,
  findThanks,
  insertFeedback,
  insertThanks,
  lockCredit,
  publicAdvisoriesOf,
  reportById,
  reportByTrackingHash,
  reportIdByReference,
  setCreditConfirmed,
  upsertCredit,
} from "./credits.repo.ts";
import { readCreditChoice, teamCreditReasonMax } from "./credits.schema.ts";
import type { CreditView, FinalFeedbackProviders } from "./credits.types.ts";
import { hallOfFameOf } from "./hall-of-fame.service.ts";

export interface CreditsDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  /** Facts other features give final feedback (release, advisory, bounty); filled by the composition root. */
  finalFeedback?: FinalFeedbackProviders;
}

/** Tracking tokens are 128-bit base64url strings; anything else cannot be a link we issued. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
/** States after which the reporter's credit is part of the public record. */
const DISCLOSED = new Set(["disclosed", "closed"]);
/** States in which a report was fixed (final feedback covers the fix), as opposed to rejected. */
const RESOLVED_WITH_FIX = new Set(["released", "disclosed", "closed"]);

export const CREDIT_LOCKED =
  "Your credit is part of the published record now, so it can no longer be changed here. If it is wrong, write to us in the conversation: the team can correct it with a recorded reason.";

/** A fixed report's summary line for an unset credit: anonymous until the reporter chooses. */
const ANONYMOUS: CreditChoice = {
  display: "anonymous",
  name: null,
  handle: null,
  url: null,
  affiliation: null,
  coFinders: [],
  hallOfFame: false,
};

/** Credit as the researcher chooses it, the hall of fame's thanks, and their feedback on how it went. */
export function createCreditsService(deps: CreditsDeps) {
  const { db, clock } = deps;

  async function reportForToken(token: string) {
    const report = TOKEN.test(token) ? await reportByTrackingHash(db, sha256Hex(token)) : null;
    if (!report) throw notFound("Report");
    return report;
  }

  async function lockedReason(d: Db, report: { id: string; state: string }, now: Date) {
    if (DISCLOSED.has(report.state)) return CREDIT_LOCKED;
    return (await publicAdvisoriesOf(d, report.id, now)).length > 0 ? CREDIT_LOCKED : null;
  }

  async function viewOf(d: Db, report: { id: string; state: string }): Promise<CreditView> {
    const row = await findCredit(d, report.id);
    const choice = choiceOf(row);
    return {
      choice,
      line: creditLine(choice ?? ANONYMOUS),
      confirmedAt: row?.confirmedAt ?? null,
      updatedAt: row?.updatedAt ?? null,
      lockedReason: await lockedReason(d, report, clock()),
    };
  }

  function parsed(raw: unknown): CreditChoice {
    const { choice, problems } = readCreditChoice(raw);
    if (Object.keys(problems).length > 0)
      throw badRequest("Check your credit: some fields need attention.", problems);
    return choice;
  }

  /** Stores a new choice (clearing any confirmation) and records it on the report's timeline. */
  async function store(
    tx: Tx,
    reportId: string,
    choice: CreditChoice,
    actor: { actorType: "reporter" | "user"; actorId: string | null },
    extra: Record<string, unknown>,
  ) {
    const now = clock();
    await lockCredit(tx, reportId);
    await upsertCredit(tx, { reportId, ...choice, confirmedAt: null, updatedAt: now });
    await appendAuditEvent(
      tx,
      {
        ...actor,
        action: "credit.changed",
        reportId,
        data: { display: choice.display, line: creditLine(choice), hallOfFame: choice.hallOfFame, ...extra },
      },
      now,
    );
  }

  const hall = hallOfFameOf({ db, clock, publicUrl: deps.publicUrl });

  return {
    /** The reporter's credit choice, for the release checklist and the exports; null when none was recorded. */
    creditChoiceFor: async (d: Db, reportId: string) => choiceOf(await findCredit(d, reportId)),
    /** Whether the reporter confirmed exactly the credit now stored (the release checklist's item). */
    creditConfirmed: async (d: Db, reportId: string) => (await findCredit(d, reportId))?.confirmedAt != null,

    async recordIntakeChoice(
      tx: Tx,
      reportId: string,
      reporter: { name: string | null; credit: "name" | "handle" | "anonymous" },
      now: Date,
    ) {
      const name = reporter.name?.trim() || null;
      await upsertCredit(tx, {
        reportId,
        display: name ? reporter.credit : "anonymous",
        name: reporter.credit === "name" ? name : null,
        handle: reporter.credit === "handle" ? name : null,
        url: null,
        affiliation: null,
        coFinders: [],
        hallOfFame: false,
        confirmedAt: null,
        updatedAt: now,
      });
    },

    /** What the tracking page and the reporter's API show; throws not found for a link we do not know. */
    async reporterCredit(token: string) {
      const report = await reportForToken(token);
      const [credit, thanks, feedback] = await Promise.all([
        viewOf(db, report),
        findThanks(db, report.id),
        findFeedback(db, report.id),
      ]);
      return {
        reportId: report.id,
        credit,
        thanks: thanks ? { grantedAt: thanks.grantedAt, acceptedAt: thanks.acceptedAt } : null,
        /** Asked for once the report is closed; null until then, the stored answer after. */
        feedback: feedback
          ? { rating: feedback.rating, comment: feedback.comment, givenAt: feedback.createdAt }
          : null,
        feedbackOpen: report.state === "closed" && !feedback,
      };
    },

    /** The reporter changes their credit until disclosure; any change clears the confirmation. */
    async setCreditAsReporter(token: string, raw: unknown): Promise<CreditView> {
      const choice = parsed(raw);
      const report = await reportForToken(token);
      return transaction(db, async (tx) => {
        const reason = await lockedReason(tx, report, clock());
        if (reason) throw new AppError("credit_locked", 409, reason);
        await store(tx, report.id, choice, { actorType: "reporter", actorId: report.reporterId }, {});
        return viewOf(tx, report);
      });
    },

    /** The reporter confirms the credit exactly as shown; a later change clears it again. */
    async confirmCreditAsReporter(token: string): Promise<CreditView> {
      const report = await reportForToken(token);
      return transaction(db, async (tx) => {
        const reason = await lockedReason(tx, report, clock());
        if (reason) throw new AppError("credit_locked", 409, reason);
        const row = await lockCredit(tx, report.id);
        if (!row) throw conflict("no_credit", "Choose how to be credited before confirming it.");
        const now = clock();
        await setCreditConfirmed(tx, report.id, now);
        await appendAuditEvent(
          tx,
          {
            actorType: "reporter",
            actorId: report.reporterId,
            action: "credit.confirmed",
            reportId: report.id,
            data: { line: creditLine(choiceOf(row)!) },
          },
          now,
        );
        return viewOf(tx, report);
      });
    },

    /** The team's view of the credit on the report page. */
    async teamCredit(reportId: string) {
      const report = await reportById(db, reportId);
      if (!report) throw notFound("Report");
      const [credit, thanks, feedback] = await Promise.all([
        viewOf(db, report),
        findThanks(db, reportId),
        findFeedback(db, reportId),
      ]);
      return { credit, thanks, feedback, state: report.state, reference: report.reference };
    },

    /**
     * The team corrects a credit. Once it is public, only with a reason, recorded in the audit event: a published
     * credit never changes silently (the advisory's revision follows from the advisory's own service).
     */
    async setCreditAsTeam(actor: CurrentUser, reference: string, raw: unknown, reasonRaw: unknown) {
      const reportId = await reportIdByReference(db, reference);
      const report = reportId ? await reportById(db, reportId) : null;
      if (!report) throw notFound("Report");
      const choice = parsed(raw);
      const reason = typeof reasonRaw === "string" ? reasonRaw.trim() : "";
      return transaction(db, async (tx) => {
        const published = (await lockedReason(tx, report, clock())) !== null;
        if (published && !reason)
          throw badRequest("Give the reason for changing a published credit.", {
            reason: "Give the reason for changing a published credit: it is recorded.",
          });
        if (reason.length > teamCreditReasonMax)
          throw badRequest("The reason is too long.", {
            reason: `The reason is longer than ${teamCreditReasonMax} characters.`,
          });
        const { actorType, actorId } = authorOf(actor);
        await store(
          tx,
          report.id,
          choice,
          { actorType: actorType === "system" ? "user" : actorType, actorId },
          {
            by: "team",
            published,
            ...(reason ? { reason } : {}),
          },
        );
        return viewOf(tx, report);
      });
    },

    /**
     * Grants a hall-of-fame "thanks" for a valid report that needed no advisory; the reporter accepts it. Granting
     * it again changes nothing (two members clicking at once both see it granted).
     */
    async grantThanks(actor: CurrentUser, reference: string): Promise<{ granted: boolean }> {
      const reportId = await reportIdByReference(db, reference);
      if (!reportId) throw notFound("Report");
      return transaction(db, async (tx) => {
        const now = clock();
        if (!(await insertThanks(tx, { reportId, grantedBy: actor.id, grantedAt: now })))
          return { granted: false };
        await appendAuditEvent(
          tx,
          { actorType: "user", actorId: actor.id, action: "credit.thanks_granted", reportId, data: {} },
          now,
        );
        return { granted: true };
      });
    },

    async acceptThanks(token: string) {
      const report = await reportForToken(token);
      await transaction(db, async (tx) => {
        const now = clock();
        if (!(await acceptThanksRow(tx, report.id, now)))
          throw conflict("no_thanks", "There is no thanks entry waiting for your answer.");
        await appendAuditEvent(
          tx,
          {
            actorType: "reporter",
            actorId: report.reporterId,
            action: "credit.thanks_accepted",
            reportId: report.id,
            data: {},
          },
          now,
        );
      });
    },

    /** The reporter's rating of how the report was handled: once, after closing. */
    async giveFeedback(token: string, raw: unknown) {
      const report = await reportForToken(token);
      const o = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
      const fields: Record<string, string> = {};
      const ratingTrouble = ratingProblem(o.rating);
      if (ratingTrouble) fields.rating = ratingTrouble;
      const comment = o.comment === undefined || o.comment === null ? "" : o.comment;
      if (typeof comment !== "string") fields.comment = "The comment must be text.";
      else if (comment.length > FEEDBACK_COMMENT_MAX)
        fields.comment = `The comment is longer than ${FEEDBACK_COMMENT_MAX} characters.`;
      if (Object.keys(fields).length > 0) throw badRequest("Check your feedback.", fields);
      if (report.state !== "closed")
        throw conflict("not_closed", "Feedback opens once the report is closed.");
      await transaction(db, async (tx) => {
        const now = clock();
        const stored = await insertFeedback(tx, {
          reportId: report.id,
          rating: Number(String(o.rating).trim()),
          comment: String(comment).trim(),
          createdAt: now,
        });
        if (!stored)
          throw conflict("feedback_given", "You already gave your feedback on this report. Thank you!");
        await appendAuditEvent(
          tx,
          {
            actorType: "reporter",
            actorId: report.reporterId,
            action: "report.feedback_given",
            reportId: report.id,
            data: { rating: Number(String(o.rating).trim()) },
          },
          now,
        );
      });
    },

    /** The reporters' average rating (1–5) since a time, for the operations metrics; null without any. */
    averageRating: (d: Db, since?: Date) => feedbackAverage(d, since ?? null),

    /** The summary appended to final feedback on a fixed report, or null for a rejected one. */
    async finalFeedbackSummary(tx: Tx, reportId: string): Promise<string | null> {
      const report = await reportById(tx, reportId);
      if (!report || report.rejectionReason || !RESOLVED_WITH_FIX.has(report.state)) return null;
      const p = deps.finalFeedback ?? {};
      // One query at a time: a transaction has one connection.
      const release = (await p.releaseOf?.(tx, reportId)) ?? null;
      const advisoryUrl = (await p.advisoryUrlOf?.(tx, reportId)) ?? null;
      const bountyState = (await p.bountyStateOf?.(tx, reportId)) ?? null;
      const credit = await findCredit(tx, reportId);
      return finalFeedbackSummary({
        reference: report.reference,
        title: report.title,
        release,
        advisoryUrl: advisoryUrl ?? report.advisoryUrl,
        credit: choiceOf(credit),
        bountyState,
      });
    },

    hallOfFame: hall.entries,
    hallOfFameFeed: hall.feed,
  };
}

export type CreditsService = ReturnType<typeof createCreditsService>;
