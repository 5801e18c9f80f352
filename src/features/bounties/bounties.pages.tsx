import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Child } from "hono/jsx";
import { AppError } from "../../core/errors.ts";
import { can } from "../../domain/permissions.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { formText, readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState } from "../../http/form-state.ts";
import type { BountiesService } from "./bounties.service.ts";
import { type KeptForm, ReporterBountySection, TeamBountyPanel } from "./bounties.views.tsx";

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

function keptForm(state: FormState | null): KeptForm | null {
  if (!state) return null;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.values))
    values[k] = Array.isArray(v) ? (v[0] ?? "") : String(v ?? "");
  return { form: state.form, errors: state.errors, values };
}

/** A whole number typed in a form, or the text itself so the service names the problem. */
const numberOrText = (v: string) => (/^\d{1,15}$/.test(v) ? Number(v) : v === "" ? undefined : v);

async function submitted(
  c: Context<AppEnv>,
  back: string,
  form: string,
  values: Record<string, string>,
  call: () => Promise<unknown>,
  notFound?: (c: Context<AppEnv>) => Promise<Response>,
) {
  try {
    await call();
  } catch (error) {
    if (error instanceof AppError && error.status === 404 && notFound) return notFound(c);
    if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
      const errors =
        error.fields && Object.keys(error.fields).length > 0 ? error.fields : { _: error.userMessage };
      // The payout address is never kept: the reporter types it again.
      const { address: _address, ...kept } = values;
      return redirectWithFormState(c, back, { form, message: error.userMessage, errors, values: kept });
    }
    throw error;
  }
  return c.redirect(back, 303);
}

/** The report page's bounty panel; the payout address is read only for an admin and an award to pay. */
export function bountyPanelFor(deps: { bounties: BountiesService }) {
  return async (c: Context<AppEnv>, report: { id: string; reference: string }, kept: FormState | null) => {
    const user = signedInMember(c);
    const isAdmin = can(user.role, "settings.manage");
    const panel = await deps.bounties.panel(report.id);
    const toPay = panel.awards.some((a) => a.state === "accepted");
    const payout = isAdmin && toPay ? await deps.bounties.payoutForPayment(user, report.id) : null;
    return (
      <TeamBountyPanel
        reference={report.reference}
        awards={panel.awards}
        policy={panel.policy}
        defaultAmount={panel.defaultAmount}
        payout={panel.payout}
        payoutAddress={payout?.address ?? null}
        isAdmin={isAdmin}
        meId={user.id}
        csrfToken={c.var.csrfToken}
        kept={keptForm(kept)}
      />
    );
  };
}

/** The tracking page's bounty section, shown once an award was offered. */
export function bountySectionFor(deps: { bounties: BountiesService }) {
  return async (token: string, kept: FormState | null): Promise<Child> => {
    const id = await deps.bounties.reportIdForToken(token).catch(() => null);
    if (!id) return null;
    return (
      <ReporterBountySection
        token={token}
        bounty={await deps.bounties.bountyForReporter(id)}
        kept={keptForm(kept)}
      />
    );
  };
}

/** The team's and the reporter's bounty forms: post, then redirect back to the section. */
export function registerBountyPages(
  app: Hono<AppEnv>,
  deps: {
    bounties: BountiesService;
    repliesLimit: MiddlewareHandler<AppEnv>;
    notFound: (c: Context<AppEnv>) => Promise<Response>;
  },
) {
  app.post("/reports/:ref/bounty", requirePage("settings.manage"), async (c) => {
    const ref = c.req.param("ref");
    const body = await readForm(c);
    const values = {
      amount: formText(body, "amount") ?? "",
      currency: formText(body, "currency") ?? "",
      message: formText(body, "message") ?? "",
      reason: formText(body, "reason") ?? "",
    };
    return submitted(c, `/reports/${encodeURIComponent(ref)}#bounty`, "bounty-propose", values, () =>
      deps.bounties.propose(signedInMember(c), ref, {
        amount: numberOrText(values.amount),
        ...(values.currency ? { currency: values.currency } : {}),
        message: values.message,
        reason: values.reason,
      }),
    );
  });

  app.post("/reports/:ref/bounty/:id/actions", requirePage("settings.manage"), async (c) => {
    const ref = c.req.param("ref");
    const body = await readForm(c);
    const values = {
      action: formText(body, "action") ?? "",
      reference: formText(body, "reference") ?? "",
      date: formText(body, "date") ?? "",
      amount: formText(body, "amount") ?? "",
      reason: formText(body, "reason") ?? "",
    };
    return submitted(c, `/reports/${encodeURIComponent(ref)}#bounty`, "bounty-action", values, () =>
      deps.bounties.act(signedInMember(c), c.req.param("id"), {
        action: values.action,
        ...(values.reference ? { reference: values.reference } : {}),
        ...(values.date ? { date: values.date } : {}),
        ...(values.amount ? { amount: numberOrText(values.amount) } : {}),
        ...(values.reason ? { reason: values.reason } : {}),
      }),
    );
  });

  for (const verb of ["accept", "decline", "donate"] as const)
    app.post(`/r/:token/bounty/${verb}`, deps.repliesLimit, async (c) => {
      const token = c.req.param("token");
      if (!TOKEN.test(token)) return deps.notFound(c);
      const body = await readForm(c);
      const values = { charity: formText(body, "charity") ?? "" };
      return submitted(
        c,
        `/r/${token}#bounty`,
        "bounty-donate",
        values,
        () =>
          verb === "accept"
            ? deps.bounties.acceptAsReporter(token)
            : verb === "decline"
              ? deps.bounties.declineAsReporter(token)
              : deps.bounties.donateAsReporter(token, values),
        deps.notFound,
      );
    });

  app.post("/r/:token/payout", deps.repliesLimit, async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return deps.notFound(c);
    const body = await readForm(c);
    const values = { method: formText(body, "method") ?? "", address: formText(body, "address") ?? "" };
    return submitted(
      c,
      `/r/${token}#bounty`,
      "bounty-payout",
      values,
      () => deps.bounties.setPayoutAsReporter(token, values),
      deps.notFound,
    );
  });
}
