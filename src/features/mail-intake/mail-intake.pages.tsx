import type { Hono } from "hono";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { MailIntakeService } from "./mail-intake.service.ts";

/** What the mail intake pages use. */
export interface MailIntakePagesDeps {
  settings: SettingsService;
  mailIntake: MailIntakeService;
  /** IMAP_URL without its password; null when no mailbox is polled. */
  imapMailbox: string | null;
}

import { readForm } from "../../http/form.ts";
import { MailIntakePage } from "./mail-intake.views.tsx";

const DONE: Record<string, string> = {
  retry: "The mail will be imported again at the next poll.",
  new_report: "The mail will be imported as a new report at the next poll.",
  dismissed: "The mail was dismissed. It stays in the mailbox and will not be imported.",
};

/** /admin/mail: the intake mailbox's state, the mail that could not be imported, and retries. */
export function registerMailIntakePages(app: Hono<AppEnv>, deps: MailIntakePagesDeps) {
  app.get("/admin/mail", requirePage("settings.manage"), async (c) => {
    const [org, lastPoll, failures, recent, held] = await Promise.all([
      deps.settings.org(),
      deps.mailIntake.lastPoll(),
      deps.mailIntake.failures(),
      deps.mailIntake.recent(),
      deps.mailIntake.heldReplies(),
    ]);
    return c.html(
      <MailIntakePage
        orgName={org.name}
        user={signedInMember(c)}
        csrfToken={c.var.csrfToken}
        mailbox={deps.imapMailbox}
        lastPoll={lastPoll}
        failures={failures}
        recent={recent}
        held={held}
        done={DONE[c.req.query("done") ?? ""] ?? null}
      />,
    );
  });

  app.post("/admin/mail/:id/retry", requirePage("settings.manage"), async (c) => {
    const form = await readForm(c);
    const as = form.as === "new_report" ? "new_report" : "same";
    await deps.mailIntake.retry(signedInMember(c), c.req.param("id"), as);
    return c.redirect(`/admin/mail?done=${as === "new_report" ? "new_report" : "retry"}#failures`, 303);
  });

  // A held reply or a pending key, decided on the report page by those who may act on the report.
  const decisions = {
    accept: ["acceptHeld", "mail_accepted"],
    dismiss: ["dismissHeld", "mail_dismissed"],
    "key/accept": ["confirmKey", "key_confirmed"],
    "key/dismiss": ["dismissKey", "key_dismissed"],
  } as const;
  for (const [path, [method, done]] of Object.entries(decisions)) {
    app.post(`/reports/:ref/mail/:id/${path}`, requirePage("report.act"), async (c) => {
      const { reference } = await deps.mailIntake[method](
        signedInMember(c),
        c.req.param("id"),
        c.req.param("ref"),
      );
      return c.redirect(`/reports/${encodeURIComponent(reference)}?done=${done}#conversation`, 303);
    });
  }

  app.post("/admin/mail/:id/dismiss", requirePage("settings.manage"), async (c) => {
    await deps.mailIntake.dismiss(signedInMember(c), c.req.param("id"));
    return c.redirect("/admin/mail?done=dismissed#failures", 303);
  });
}
