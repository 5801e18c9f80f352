/**
 * Set severity: records a score (OWASP or CVSS vector) with its reason in the report's severity history. Only a
 * score of the method the organisation uses sets the report's severity; others stay in the history alone.
 */

import { insertSeverityScore } from "../reports.repo.ts";
import { scoreSeverityInput } from "../severity-scores.service.ts";
import type { ActionHandler, InputOf } from "./action.types.ts";

export const setSeverity: ActionHandler<InputOf<"set_severity">> = async (input, ctx) => {
  const { tx, report, actor, now, deps } = ctx;
  const score = scoreSeverityInput(input, await deps.features.settings.org(tx));
  return {
    request: { action: "set_severity", severity: score.severity },
    apply: async () => {
      const reason = input.reason;
      await insertSeverityScore(tx, {
        reportId: report.id,
        method: score.method,
        vector: score.vector,
        severity: score.severity,
        details: score.details,
        reason: reason ?? "",
        setById: actor.id,
        createdAt: now,
      });
      return {
        // A score of the method the organisation does not use is kept in the history, severity unchanged.
        patch: score.setsReportSeverity ? { severity: score.severity } : {},
        audit: {
          previousSeverity: report.severity,
          severity: score.severity,
          method: score.method,
          vector: score.vector,
          setsReportSeverity: score.setsReportSeverity,
          reason,
        },
      };
    },
  };
};
