import type { Hono } from "hono";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { ReportsService } from "./reports.service.ts";

/** The team's consultation route: revoking the reporter's clone access to the fix repository. */
export function registerConsultationPages(app: Hono<AppEnv>, deps: { reports: ReportsService }) {
  app.post("/reports/:ref/fix-access/revoke", requirePage("report.act"), async (c) => {
    const { reference, revoked } = await deps.reports.revokeFixAccessAsTeam(
      signedInMember(c),
      c.req.param("ref"),
    );
    const done = revoked > 0 ? "fix_access_revoked" : "fix_access_none";
    return c.redirect(`/reports/${encodeURIComponent(reference)}?done=${done}#consultation`, 303);
  });
}
