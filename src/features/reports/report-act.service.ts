import { appendAuditEvent } from "../../audit/audit-log.ts";
import { authorOf, type CurrentUser } from "../../core/actors.ts";
import { type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { fixAccessAllowed } from "../../domain/consultation.ts";
import { awaitingTeamAfter } from "../../domain/inbox-activity.ts";
import { can } from "../../domain/permissions.ts";
import { decide, type ReportState } from "../../domain/workflow.ts";
import type { ReportPatch } from "./actions/action.types.ts";
import { planAction } from "./actions/handlers.ts";
import { revokeReporterFixAccess } from "./consultation.repo.ts";
import { endNeedsInfo, leavesNeedsInfo } from "./needs-info.service.ts";
import { loadUndoState } from "./rejection-undo.service.ts";
import type { ReportsContext } from "./report-context.service.ts";
import { loadFacts } from "./report-facts.service.ts";
import { messageReporter } from "./report-messages.service.ts";
import { lockReportWithReporter, type ReportRow, updateReport } from "./reports.repo.ts";
import { type ActionInput, actionSchema } from "./reports.schema.ts";

/**
 * What an action answers: the report it changed and the state it is in now. Callers that show the report read
 * the team view after the commit; most only redirect, and need nothing more.
 */
export interface ActResult {
  id: string;
  reference: string;
  state: ReportState;
}

/** The report lifecycle: one action at a time, decided by the domain, carried out by the action's handler. */
export function createReportAct(ctx: ReportsContext) {
  const { db, clock, features } = ctx;

  /** Runs one lifecycle action; the domain decides, and the change, its audit event and its mail commit together. */
  async function act(
    actor: CurrentUser,
    idOrRef: string,
    raw: unknown,
    /** Runs inside the transaction once the report is locked; it may re-check facts and throw to abort. */
    inTransaction?: (tx: Tx, report: ReportRow) => Promise<void>,
  ): Promise<ActResult> {
    if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot change reports.");
    const parsed = actionSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = zodFieldErrors(parsed.error);
      throw badRequest(fields.action ?? Object.values(fields)[0] ?? "The action is not valid.", fields);
    }
    const input = parsed.data;
    return transaction(db, (tx) => actLocked(tx, actor, idOrRef, input, inTransaction));
  }

  /**
   * For another feature's service that owns the transaction (a release shipping or publishing its reports): the
   * same action, decided and audited the same way, inside the caller's transaction.
   */
  async function actInTx(tx: Tx, actor: CurrentUser, idOrRef: string, raw: unknown): Promise<ActResult> {
    if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot change reports.");
    const parsed = actionSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = zodFieldErrors(parsed.error);
      throw badRequest(fields.action ?? Object.values(fields)[0] ?? "The action is not valid.", fields);
    }
    return actLocked(tx, actor, idOrRef, parsed.data, undefined);
  }

  async function actLocked(
    tx: Tx,
    actor: CurrentUser,
    idOrRef: string,
    input: ActionInput,
    inTransaction?: (tx: Tx, report: ReportRow) => Promise<void>,
  ): Promise<ActResult> {
    // Locking the row makes concurrent actions on one report run one after the other against fresh facts.
    const locked = await lockReportWithReporter(tx, idOrRef);
    if (!locked) throw notFound("Report");
    const { report, reporter } = locked;
    await inTransaction?.(tx, report);
    const now = clock();
    const facts = await loadFacts(tx, report, features.team, {
      fixRepository: input.action === "invite_reporter_to_fix",
    });
    // Only a rejected report can be undone; the rule needs its record, its mail and what came since. For the undo
    // itself the mail rows are locked here, so none starts leaving between this decision and its cancellation.
    if (report.state === "rejected") {
      const lock = input.action === "undo_rejection";
      facts.undo = (await loadUndoState(features, tx, report, reporter.email, now, lock)).facts;
    }
    const plan = await planAction(input, { tx, actor, report, facts, now, reporter, deps: ctx });
    const decision = decide(facts, plan.request);
    if (!decision.ok) throw new AppError(decision.code, 409, decision.message);
    const change = await plan.apply();
    const patch: ReportPatch = { state: decision.to, updatedAt: now, ...change.patch };
    const audit: Record<string, unknown> = { from: decision.from, to: decision.to, ...change.audit };
    // Leaving the states where an invited reporter may fetch the fix (disclosure, rejection) ends their access.
    if (fixAccessAllowed(decision.from) && !fixAccessAllowed(decision.to)) {
      const revoked = await revokeReporterFixAccess(tx, report.id, now);
      if (revoked > 0) audit.reporterFixAccessRevoked = revoked;
    }
    let reporterMessageId: string | null = null;
    if (change.toReporter) {
      const sent = await messageReporter(ctx, tx, actor, report, reporter.email, change.toReporter, now);
      reporterMessageId = sent.id;
      patch.lastReporterUpdateAt = now;
      patch.awaitingTeamSince = awaitingTeamAfter("team_update", report.awaitingTeamSince, now);
    }
    if (leavesNeedsInfo(report, decision.to)) {
      const resumed = await endNeedsInfo(features, tx, report, now, authorOf(actor), "report_moved_on");
      for (const [key, value] of Object.entries(resumed))
        if (!(key in patch)) Object.assign(patch, { [key]: value });
    }
    await updateReport(tx, report.id, patch);
    await appendAuditEvent(
      tx,
      {
        actorType: authorOf(actor).actorType,
        actorId: authorOf(actor).actorId,
        action: `report.${input.action}`,
        reportId: report.id,
        data: audit,
      },
      now,
    );
    await change.afterAudit?.({ reporterMessageId });
    return { id: report.id, reference: report.reference, state: decision.to };
  }

  return { act, actInTx };
}
