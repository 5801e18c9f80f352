import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { badRequest, conflict, notFound } from "../../core/errors.ts";
import {
  AWARD_ACTIONS,
  type AwardAction,
  type AwardState,
  bountyFeedbackLine,
  decideAward,
  defaultAward,
  formatAmount,
  MAX_BOUNTY_TEXT,
  proposalProblem,
} from "../../domain/bounty.ts";
import { CHAIN_METHODS, type ChainMethod, explorerLink } from "../../domain/bounty-export.ts";
import type { PayoutMethod } from "../../domain/payout.ts";
import type { Severity } from "../../domain/workflow-states.ts";
import {
  type AwardRow,
  awardsOf,
  findAward,
  findPayout,
  findPolicy,
  findReport,
  insertAward,
  updateAward,
} from "./bounties.repo.ts";
import type { BountiesDeps } from "./bounty-common.ts";
import { actorOf, type BountyPolicyView, objectOf, policyView, requireAdmin, text } from "./bounty-common.ts";
import { createBountyPolicies } from "./bounty-policy.service.ts";
import { createPayouts } from "./payout.service.ts";

export type { BountiesDeps, BountyPolicyView } from "./bounty-common.ts";

export interface AwardView {
  id: string;
  reportId: string;
  amount: number;
  currency: string;
  /** "EUR 1,500.00". */
  display: string;
  state: AwardState;
  message: string;
  reason: string | null;
  charity: string | null;
  cancelReason: string | null;
  proposedBy: string;
  approvedBy: string | null;
  payment: {
    paidOn: string;
    amount: number;
    display: string;
    reference: string;
    method: PayoutMethod | null;
    explorerUrl: string | null;
  } | null;
  createdAt: Date;
}

/** What the reporter sees: the offer once made (never a proposal still inside the team), and a masked payout. */
export interface ReporterBountyView {
  award:
    | (Pick<AwardView, "id" | "amount" | "currency" | "display" | "state" | "message" | "charity"> & {
        paidOn: string | null;
      })
    | null;
  payout: { method: PayoutMethod; hint: string } | null;
}

/** States the reporter can see: from the offer on. */
const REPORTER_VISIBLE: readonly AwardState[] = ["offered", "accepted", "declined", "donated", "paid"];
/** States in which a report's award is still live, so no second one may be proposed. */
const LIVE: readonly AwardState[] = ["proposed", "approved", "offered", "accepted", "donated"];

/** Bounties (issue 14 §4): the policy, each award's path from proposal to payment, and sealed payout details. */
export function createBountiesService(deps: BountiesDeps) {
  const { db, clock } = deps;

  const awardView = (a: AwardRow, policy: BountyPolicyView | null): AwardView => ({
    id: a.id,
    reportId: a.reportId,
    amount: a.amount,
    currency: a.currency,
    display: formatAmount(a.amount, a.currency),
    state: a.state,
    message: a.message,
    reason: a.reason,
    charity: a.charity,
    cancelReason: a.cancelReason,
    proposedBy: a.proposedBy,
    approvedBy: a.approvedBy,
    payment:
      a.paidOn && a.paymentReference
        ? {
            paidOn: a.paidOn,
            amount: a.paidAmount ?? a.amount,
            display: formatAmount(a.paidAmount ?? a.amount, a.currency),
            reference: a.paymentReference,
            method: a.paidMethod,
            explorerUrl:
              a.paidMethod && (CHAIN_METHODS as readonly string[]).includes(a.paidMethod)
                ? explorerLink(policy?.explorers[a.paidMethod as ChainMethod], a.paymentReference)
                : null,
          }
        : null,
    createdAt: a.createdAt,
  });

  const tellReporter = (tx: Tx, report: { id: string }, what: string) =>
    deps.reports.newsForReporterInTx(tx, report.id, what);

  const reportIdForToken = async (token: string) => {
    const id = await deps.reports.reportIdForTrackingToken(token);
    if (!id) throw notFound("Report");
    return id;
  };
  const policies = createBountyPolicies(deps);
  const payouts = createPayouts(deps, reportIdForToken);

  /** One reporter answer to the live offer, under the award's lock. */
  async function reporterAnswer(token: string, action: "accept" | "decline" | "donate", charity?: unknown) {
    const reportId = await reportIdForToken(token);
    return transaction(db, async (tx) => {
      const report = await findReport(tx, reportId, { forUpdate: true });
      if (!report) throw notFound("Report");
      const award = (await awardsOf(tx, reportId)).find((a) => REPORTER_VISIBLE.includes(a.state));
      if (!award) throw notFound("Bounty offer");
      const payout = await findPayout(tx, reportId);
      const decision = decideAward(
        { state: award.state, proposedBy: award.proposedBy, hasPayoutDetails: !!payout },
        {
          action,
          by: "reporter",
          actorId: report.reporterId,
          charity: typeof charity === "string" ? charity : null,
        },
      );
      if (!decision.ok) {
        if (decision.code === "guard_failed")
          throw badRequest(decision.message, { [decision.field ?? "_"]: decision.message });
        throw conflict(decision.code, decision.message);
      }
      const now = clock();
      const updated = await updateAward(tx, award.id, {
        state: decision.to,
        ...(action === "donate" ? { charity: (charity as string).trim() } : {}),
        answeredAt: now,
        updatedAt: now,
      });
      await appendAuditEvent(
        tx,
        {
          actorType: "reporter",
          actorId: report.reporterId,
          action: `bounty.${action}`,
          reportId,
          data: { awardId: award.id, state: decision.to },
        },
        now,
      );
      await deps.alerts.queue(tx, {
        event: "bounty_answered",
        reportId,
        detail: `bounty ${decision.to}`,
        occurrence: `${award.id}:${action}`,
      });
      return { id: updated.id, state: updated.state };
    });
  }

  return {
    /** An admin proposes an award; the amount defaults to the policy's for the severity, outside it needs a reason. */
    async propose(actor: CurrentUser, reportId: string, raw: unknown) {
      requireAdmin(actor, "propose bounties");
      const body = objectOf(raw);
      return transaction(db, async (tx) => {
        const report = await findReport(tx, reportId, { forUpdate: true });
        if (!report) throw notFound("Report");
        const policy = policyView(await findPolicy(tx));
        const amount = body.amount ?? defaultAward(policy, report.severity as Severity | null);
        const currency = body.currency ?? policy?.currency;
        const reason = text(body.reason);
        const message = text(body.message);
        const fields: Record<string, string> = {};
        const problem = proposalProblem(policy, report.severity as Severity | null, {
          amount,
          currency,
          reason,
        });
        if (problem) fields[problem.field] = problem.message;
        if (!message) fields.message = "Write the message the reporter reads with the offer.";
        else if (message.length > MAX_BOUNTY_TEXT) fields.message = `At most ${MAX_BOUNTY_TEXT} characters.`;
        if (reason && reason.length > MAX_BOUNTY_TEXT)
          fields.reason = `At most ${MAX_BOUNTY_TEXT} characters.`;
        if (Object.keys(fields).length > 0) throw badRequest(Object.values(fields)[0] as string, fields);
        if ((await awardsOf(tx, report.id)).some((a) => LIVE.includes(a.state)))
          throw conflict("award_exists", "This report already has a bounty in progress; cancel it first.");
        const now = clock();
        const award = await insertAward(tx, {
          reportId: report.id,
          amount: amount as number,
          currency: currency as string,
          state: "proposed",
          message: message as string,
          reason,
          proposedBy: actor.id,
          createdAt: now,
          updatedAt: now,
        });
        await appendAuditEvent(
          tx,
          {
            ...actorOf(actor),
            action: "bounty.propose",
            reportId: report.id,
            data: { awardId: award.id, amount: award.amount, currency: award.currency, reason },
          },
          now,
        );
        return { id: award.id, state: award.state };
      });
    },

    /** approve (a second admin), offer, mark_paid (date, amount, reference) or cancel (with a reason). */
    async act(actor: CurrentUser, awardId: string, raw: unknown) {
      requireAdmin(actor, "act on bounties");
      const body = objectOf(raw);
      const action = body.action;
      if (typeof action !== "string" || !(AWARD_ACTIONS as readonly string[]).includes(action))
        throw badRequest("Choose approve, offer, mark_paid or cancel.", {
          action: "Choose approve, offer, mark_paid or cancel.",
        });
      return transaction(db, async (tx) => {
        const award = await findAward(tx, awardId, { forUpdate: true });
        if (!award) throw notFound("Bounty");
        const report = (await findReport(tx, award.reportId))!;
        const payout = await findPayout(tx, award.reportId);
        const decision = decideAward(
          { state: award.state, proposedBy: award.proposedBy, hasPayoutDetails: !!payout },
          {
            action: action as AwardAction,
            by: "admin",
            actorId: actor.id,
            reference: text(body.reference),
            reason: text(body.reason),
          },
        );
        if (!decision.ok) {
          if (decision.code === "guard_failed" && decision.field)
            throw badRequest(decision.message, { [decision.field]: decision.message });
          throw conflict(decision.code, decision.message);
        }
        const now = clock();
        const patch: Partial<AwardRow> = { state: decision.to, updatedAt: now };
        if (action === "approve") patch.approvedBy = actor.id;
        if (action === "offer") patch.offeredAt = now;
        if (action === "cancel") patch.cancelReason = text(body.reason);
        if (action === "mark_paid") {
          const paidOn = body.date === undefined ? now.toISOString().slice(0, 10) : body.date;
          if (
            typeof paidOn !== "string" ||
            !/^\d{4}-\d{2}-\d{2}$/.test(paidOn) ||
            Number.isNaN(Date.parse(paidOn))
          )
            throw badRequest("Give the payment date as YYYY-MM-DD.", {
              date: "Give the payment date as YYYY-MM-DD.",
            });
          const paid = body.amount === undefined ? award.amount : body.amount;
          if (typeof paid !== "number" || !Number.isSafeInteger(paid) || paid <= 0)
            throw badRequest("Give the amount paid in cents.", { amount: "Give the amount paid in cents." });
          const reference = text(body.reference) as string;
          if (reference.length > 200)
            throw badRequest("The reference is too long.", { reference: "At most 200 characters." });
          Object.assign(patch, {
            paidOn,
            paidAmount: paid,
            paymentReference: reference,
            paidMethod: award.state === "accepted" ? (payout?.method ?? null) : null,
            paidAt: now,
          });
        }
        const updated = await updateAward(tx, award.id, patch);
        await appendAuditEvent(
          tx,
          {
            ...actorOf(actor),
            action: `bounty.${action}`,
            reportId: award.reportId,
            data: {
              awardId: award.id,
              state: decision.to,
              ...(action === "cancel" ? { reason: patch.cancelReason } : {}),
              ...(action === "mark_paid"
                ? { paidOn: patch.paidOn, amount: patch.paidAmount, reference: patch.paymentReference }
                : {}),
            },
          },
          now,
        );
        if (action === "offer")
          await tellReporter(tx, report, `The security team offers you a bounty for ${report.reference}.`);
        if (action === "mark_paid" && updated.state === "paid" && award.state === "accepted")
          await tellReporter(tx, report, `Your bounty for ${report.reference} has been paid.`);
        if (action === "cancel" && award.state === "offered")
          await tellReporter(tx, report, `The bounty offer for ${report.reference} was withdrawn.`);
        return { id: updated.id, state: updated.state };
      });
    },

    /** The report page's bounty panel: every award, newest first, and whether payout details exist. */
    async panel(reportId: string) {
      const report = await findReport(db, reportId);
      if (!report) throw notFound("Report");
      const policy = policyView(await findPolicy(db));
      const [awards, payout] = await Promise.all([awardsOf(db, report.id), findPayout(db, report.id)]);
      return {
        policy,
        severity: report.severity,
        defaultAmount: defaultAward(policy, report.severity as Severity | null),
        awards: awards.map((a) => awardView(a, policy)),
        payout: payout ? { method: payout.method, hint: payout.hint } : null,
      };
    },

    /** The tracking page's bounty section and the reporter's GET view, by report id. */
    /** One sentence on the report's bounty for final feedback, or null when none was offered; reads in `dbOrTx`. */
    async bountyStateOf(dbOrTx: Db, reportId: string): Promise<string | null> {
      const a = (await awardsOf(dbOrTx, reportId)).find((x) => REPORTER_VISIBLE.includes(x.state));
      return a ? bountyFeedbackLine(a) : null;
    },

    async bountyForReporter(reportId: string): Promise<ReporterBountyView> {
      const [awards, payout] = await Promise.all([awardsOf(db, reportId), findPayout(db, reportId)]);
      const a = awards.find((x) => REPORTER_VISIBLE.includes(x.state));
      return {
        award: a
          ? {
              id: a.id,
              amount: a.amount,
              currency: a.currency,
              display: formatAmount(a.amount, a.currency),
              state: a.state,
              message: a.message,
              charity: a.charity,
              paidOn: a.paidOn,
            }
          : null,
        payout: payout ? { method: payout.method, hint: payout.hint } : null,
      };
    },

    reportIdForToken,
    ...policies,
    ...payouts,
    acceptAsReporter: (token: string) => reporterAnswer(token, "accept"),
    declineAsReporter: (token: string) => reporterAnswer(token, "decline"),
    donateAsReporter: (token: string, raw: unknown) => reporterAnswer(token, "donate", objectOf(raw).charity),
  };
}

export type BountiesService = ReturnType<typeof createBountiesService>;
