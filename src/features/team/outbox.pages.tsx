import type { Context, Hono } from "hono";
import type { CurrentUser } from "../../core/actors.ts";
import { AppError } from "../../core/errors.ts";
import type { outbox } from "../../db/schema.ts";
import { countMails } from "../../domain/mail-delivery.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AdminFrame } from "../../http/components/admin-layout.tsx";
import type { AppEnv } from "../../http/env.ts";
import { readForm } from "../../http/form.ts";
import { redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import { type HeldMailSummaryView, OutboxPage } from "./outbox.views.tsx";
import { lastText } from "./sla.form.ts";

type OutboxRow = typeof outbox.$inferSelect;

/** What sending held mail did, as the page reports it. */
interface HeldSendOutcome {
  queued: number;
  refused: readonly { id: string; reason: string }[];
  remaining: number;
}

/** The outbox as its admin page uses it (the outbox feature's service provides it). */
export interface OutboxAdminPort {
  list(): Promise<OutboxRow[]>;
  heldSummary(): Promise<HeldMailSummaryView>;
  heldRefusals(rows: readonly OutboxRow[]): ReadonlyMap<string, string>;
  sendAllHeld(actor: CurrentUser, input: unknown): Promise<HeldSendOutcome>;
  sendHeld(actor: CurrentUser, id: unknown): Promise<HeldSendOutcome>;
  discardHeld(actor: CurrentUser, id: unknown): Promise<void>;
}

const PAGE = "/admin/outbox";

/** What the page says after a send: how many left for the delivery job, and what stayed and why. */
function sentMessage(outcome: HeldSendOutcome): string {
  const parts = [
    outcome.queued > 0
      ? `${countMails(outcome.queued)} queued for sending; ${outcome.queued === 1 ? "it leaves" : "they leave"} in the next moments.`
      : "No mail was queued.",
  ];
  if (outcome.refused.length > 0)
    parts.push(`${countMails(outcome.refused.length)} stayed held; the reason is beside each.`);
  if (outcome.remaining > 0) parts.push(`${countMails(outcome.remaining)} still held.`);
  return parts.join(" ");
}

/**
 * The outbox page and its held-mail actions: "Send held mail", and per mail Send and Discard. Each action posts,
 * and redirects to the page with what happened as a one-time form state, so a reload sends nothing twice.
 */
export function registerOutboxAdminPages(
  app: Hono<AppEnv>,
  deps: {
    outbox: OutboxAdminPort;
    smtpConfigured: () => boolean;
    frame: (c: Context<AppEnv>) => Promise<AdminFrame>;
  },
) {
  app.get(PAGE, requirePage("outbox.read"), async (c) => {
    const state = await takeFormState(c);
    const [rows, held] = await Promise.all([deps.outbox.list(), deps.outbox.heldSummary()]);
    return c.html(
      <OutboxPage
        {...(await deps.frame(c))}
        rows={rows}
        smtpConfigured={deps.smtpConfigured()}
        held={held}
        refusals={deps.outbox.heldRefusals(rows)}
        done={state?.form === "held-done" ? state.message : null}
        problem={state?.form === "held-problem" ? state.message : null}
      />,
    );
  });

  /** Runs an action; a 409 (not held any more, old mail unconfirmed, no SMTP) is shown on the page. */
  const act = async (c: Context<AppEnv>, anchor: string, run: () => Promise<string>) => {
    let message: string;
    try {
      message = await run();
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return redirectWithFormState(c, `${PAGE}#held-mail`, {
        form: "held-problem",
        message: error.userMessage,
        values: {},
      });
    }
    return redirectWithFormState(c, `${PAGE}${anchor}`, { form: "held-done", message, values: {} });
  };

  app.post(`${PAGE}/send-held`, requirePage("outbox.manage"), async (c) => {
    const body = await readForm(c);
    const confirmOld = lastText(body, "confirmOld");
    const input = {
      recentOnly: lastText(body, "recentOnly") === "true",
      confirmedOld: confirmOld === undefined || confirmOld === "" ? null : Number(confirmOld),
    };
    return act(c, "#held-mail", async () =>
      sentMessage(await deps.outbox.sendAllHeld(signedInMember(c), input)),
    );
  });

  app.post(`${PAGE}/:id/send`, requirePage("outbox.manage"), async (c) =>
    act(c, "#held-mail", async () =>
      sentMessage(await deps.outbox.sendHeld(signedInMember(c), c.req.param("id"))),
    ),
  );

  app.post(`${PAGE}/:id/discard`, requirePage("outbox.manage"), async (c) =>
    act(c, "#held-mail", async () => {
      await deps.outbox.discardHeld(signedInMember(c), c.req.param("id"));
      return "The mail was discarded: it stays in the outbox as cancelled and is never sent.";
    }),
  );
}
