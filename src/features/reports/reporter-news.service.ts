// For the features above reports that talk with the reporter on the tracking page (disclosure requests, bounties):
// which report a live tracking link opens, and a mail that says there is news there, never what it is.

import type { Tx } from "../../core/db.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import type { ReportsContext } from "./report-context.service.ts";
import { findReportByTokenHash, lockReportWithReporter } from "./reports.repo.ts";

export function createReporterNews(ctx: ReportsContext) {
  const { db, clock, features } = ctx;
  return {
    /** The id of the report a live (not revoked) tracking link opens, or null. */
    async reportIdForTrackingToken(token: unknown): Promise<string | null> {
      if (typeof token !== "string" || token === "") return null;
      return (await findReportByTokenHash(db, sha256Hex(token)))?.id ?? null;
    },

    /**
     * Mails the reporter that their tracking page has news (`what`, one sentence without details), in the
     * caller's transaction; nothing when they gave no address.
     */
    async newsForReporterInTx(tx: Tx, reportId: string, what: string): Promise<void> {
      const found = await lockReportWithReporter(tx, reportId);
      const email = found?.reporter.email;
      if (!found || !email) return;
      const { report } = found;
      await features.outbox.queue(
        tx,
        {
          reportId: report.id,
          to: email,
          subject: `[${report.reference}] Update on your security report`,
          body: [
            "Hello,",
            "",
            what,
            "",
            "Read it on your private tracking page, using the link you received when you submitted the report.",
            `Lost the link? Request a new one at ${ctx.publicUrl}/r/recover`,
            "",
            `Reference: ${report.reference}`,
          ].join("\n"),
          recipient: { kind: "reporter", id: report.reporterId },
        },
        clock(),
      );
    },
  };
}
