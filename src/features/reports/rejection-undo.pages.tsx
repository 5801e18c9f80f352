import type { Hono } from "hono";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { SpamConfirm, SpamConfirmPage } from "./rejection-undo.views.tsx";
import type { ReportsService } from "./reports.service.ts";

/** The confirmation a spam rejection asks for first. */
export function registerSpamConfirmPage(
  app: Hono<AppEnv>,
  deps: { reports: Pick<ReportsService, "teamView">; settings: Pick<SettingsService, "org"> },
) {
  // Spam is confirmed before it happens: this page without JavaScript, the same box in place (htmx) with it.
  app.get("/reports/:ref/spam", requirePage("report.act"), async (c) => {
    const view = await deps.reports.teamView(c.req.param("ref"));
    const refusal = view.availableActions.includes("reject")
      ? null
      : `${view.reference} is ${view.stateLabel.toLowerCase()}, so it cannot be rejected as spam.`;
    if (c.req.header("HX-Request") === "true") {
      return c.html(
        refusal ? (
          <p id="action-spam" class="notice error" role="alert">
            {refusal}
          </p>
        ) : (
          <SpamConfirm reference={view.reference} title={view.title} csrfToken={c.var.csrfToken} autofocus />
        ),
      );
    }
    const org = await deps.settings.org();
    return c.html(
      <SpamConfirmPage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        reference={view.reference}
        title={view.title}
        refusal={refusal}
      />,
      refusal ? 409 : 200,
    );
  });
}
