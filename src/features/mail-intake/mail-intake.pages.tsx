import type { Hono } from "hono";
import { requirePage } from "../../http/auth.ts";
import type { AppEnv } from "../../http/types.ts";
import { MailIntakePage } from "./mail-intake.views.tsx";

const DONE: Record<string, string> = {
  retry: "The mail will be imported again at the next poll.",
  new_report: "The mail will be imported as a new report at the next poll.",
  dismissed: "The mail was dismissed. It stays in the mailbox and will not be imported.",
};

/** /admin/mail: the intake mailbox's state, the mail that could not be imported, and retries. */
export function registerMailIntakePages(app: Hono<AppEnv>) {
  app.get("/admin/mail", requirePage("settings.manage"), async (c) => {
    const { services } = c.var;
    const [org, lastPoll, failures, recent] = await Promise.all([
      services.settings.org(),
      services.mailIntake.lastPoll(),
      services.mailIntake.failures(),
      services.mailIntake.recent(),
    ]);
    c.header("Cache-Control", "no-store");
    return c.html(
      <MailIntakePage
        orgName={org.name}
        user={c.var.user!}
        csrfToken={c.var.csrfToken}
        mailbox={services.deps.imapMailbox ?? null}
        lastPoll={lastPoll}
        failures={failures}
        recent={recent}
        done={DONE[c.req.query("done") ?? ""] ?? null}
      />,
    );
  });

  app.post("/admin/mail/:id/retry", requirePage("settings.manage"), async (c) => {
    const form = await c.req.parseBody();
    const as = form.as === "new_report" ? "new_report" : "same";
    await c.var.services.mailIntake.retry(c.var.user!, c.req.param("id"), as);
    return c.redirect(`/admin/mail?done=${as === "new_report" ? "new_report" : "retry"}#failures`, 303);
  });

  app.post("/admin/mail/:id/dismiss", requirePage("settings.manage"), async (c) => {
    await c.var.services.mailIntake.dismiss(c.var.user!, c.req.param("id"));
    return c.redirect("/admin/mail?done=dismissed#failures", 303);
  });
}
