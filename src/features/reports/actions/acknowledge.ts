/**
 * Acknowledge: the team confirms to the reporter that the report arrived and is being handled, which meets the
 * first SLA deadline. The reporter gets the message given, else the acknowledgement template, else a built-in
 * text; automatic assignment then looks for a Response Manager.
 */
import type { Tx } from "../../../core/db.ts";
import type { ReportsContext } from "../report-context.service.ts";
import type { ReportRow } from "../reports.repo.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

async function defaultAcknowledgement(deps: ReportsContext, tx: Tx, report: ReportRow): Promise<string> {
  const org = await deps.features.settings.org(tx);
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

export const acknowledge: ActionHandler<InputOf<"acknowledge">> = async (input, ctx) => ({
  request: { action: "acknowledge" },
  apply: async () => {
    const { tx, report, actor, now, deps } = ctx;
    const audit: Record<string, unknown> = {};
    const body = input.message
      ? input.message
      : await deps.features.templates.chooseAcknowledgement(tx, report, actor, audit, () =>
          defaultAcknowledgement(deps, tx, report),
        );
    return {
      patch: { acknowledgedAt: now },
      audit,
      toReporter: { kind: "acknowledgement", body },
      afterAudit: async () => {
        await deps.features.assignment.assignAutomatically(tx, report, "acknowledge", now);
      },
    };
  },
});
