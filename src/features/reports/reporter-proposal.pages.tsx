import type { Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { type SeverityDeps, severityDoneKey } from "../severity/cvss.pages.tsx";
import type { ReportsService } from "./reports.service.ts";

/** The reason recorded with an adopted proposal, in the severity history and the audit log. */
export const ADOPTED_REASON = "Adopted the CVSS vector the reporter proposed.";

/**
 * One click on the report page: the reporter's proposed vector becomes the team's CVSS score. The vector is read
 * from the stored report, never from the form, and goes through the same set_severity action as the calculator,
 * so the domain's guards, the score, the history entry and the audit event are the calculator's.
 */
export function registerAdoptCvss(
  app: Hono<AppEnv>,
  deps: { reports: ReportsService; severity: SeverityDeps },
) {
  app.post("/reports/:ref/adopt-cvss", requirePage("report.act"), async (c) => {
    const user = signedInMember(c);
    const report = await deps.reports.teamView(c.req.param("ref"));
    const proposed = report.reporterProposal.cvss;
    if (!proposed) {
      throw new AppError(
        "no_proposal",
        409,
        `The reporter of ${report.reference} proposed no CVSS vector, so there is nothing to adopt.`,
      );
    }
    const view = await deps.reports.act(user, report.id, {
      action: "set_severity",
      cvss: proposed,
      reason: ADOPTED_REASON,
    });
    const done = await severityDoneKey(deps.severity, "cvss");
    return c.redirect(`/reports/${encodeURIComponent(view.reference)}?done=${done}#severity`, 303);
  });
}
