import type { CurrentUser } from "../../../core/actors.ts";
import type { Tx } from "../../../core/db.ts";
import type { ActionRequest, ReportFacts } from "../../../domain/workflow.ts";
import type { ReportsContext } from "../report-context.service.ts";
import type { ReporterMessageKind } from "../report-messages.service.ts";
import type { ReporterRow, ReportRow } from "../reports.repo.ts";
import type { ActionInput } from "../reports.schema.ts";

/** The name of a lifecycle action, as clients send it. */
export type ActionName = ActionInput["action"];

/** The parsed input of one action. */
export type InputOf<K extends ActionName> = Extract<ActionInput, { action: K }>;

/** What an action handler works with: the transaction, who acts, the locked report and its facts. */
export interface ActionContext {
  tx: Tx;
  actor: CurrentUser;
  /** Locked for the transaction. */
  report: ReportRow;
  facts: ReportFacts;
  now: Date;
  reporter: ReporterRow;
  deps: ReportsContext;
}

/** Report fields an action sets besides its state and update time. */
export type ReportPatch = Partial<ReportRow>;

/** What an action changes once decide() has allowed it. */
export interface ActionChange {
  patch?: ReportPatch;
  /** Facts for the report.<action> audit event, after its from and to. */
  audit?: Record<string, unknown>;
  /** A message to the reporter, stored and announced by mail; it counts as a reporter-visible update. */
  toReporter?: { kind: ReporterMessageKind; body: string };
  /**
   * Work in the same transaction after the audit event (jobs that follow from the change); it learns the id of the
   * message toReporter stored, so rows can point at it.
   */
  afterAudit?: (done: { reporterMessageId: string | null }) => Promise<void>;
}

/** An action resolved into what the domain decides, and what to do when it says yes. */
export interface ActionPlan<R extends ActionRequest = ActionRequest> {
  /** The request decide() judges; people and reports the client named are already resolved. */
  request: R;
  /** The action's own writes, run only when decide() allowed the request; says what else changes. */
  apply: () => Promise<ActionChange>;
}

/**
 * One lifecycle action: takes its validated input, resolves it (throwing on people or reports it cannot use) and
 * plans the change.
 */
export type ActionHandler<I extends ActionInput> = (
  input: I,
  ctx: ActionContext,
) => Promise<ActionPlan<Extract<ActionRequest, { action: I["action"] }>>>;

/** Every action's handler, each receiving exactly its own input type. */
export type ActionHandlers = { [K in ActionName]: ActionHandler<InputOf<K>> };

/** An apply step for actions that change nothing beyond their state. */
export const nothingElse = async (): Promise<ActionChange> => ({});
