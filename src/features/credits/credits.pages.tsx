import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Child } from "hono/jsx";
import { AppError } from "../../core/errors.ts";
import { can } from "../../domain/permissions.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { formText, isFieldError, type ParsedBody, readForm } from "../../http/form.ts";
import { redirectWithFormState } from "../../http/form-state.ts";
import type { FormState } from "../../http/form-state.types.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { CreditsService } from "./credits.service.ts";
import { type CreditDraft, CreditSection, TeamCreditPanel } from "./credits.views.tsx";
import { HallOfFamePage } from "./hall-of-fame.views.tsx";

export interface CreditPagesDeps {
  credits: CreditsService;
  settings: Pick<SettingsService, "org">;
}

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const CREDIT_FIELDS = ["display", "name", "handle", "url", "affiliation", "coFinders"] as const;

/** The posted credit form, as the service reads it (a checkbox is present only when ticked). */
export function creditForm(body: ParsedBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of CREDIT_FIELDS) out[k] = formText(body, k) ?? "";
  out.hallOfFame = formText(body, "hallOfFame") === "on" ? "on" : "false";
  return out;
}

/** A kept credit form, back as the form's draft. */
export function keptCreditDraft(state: FormState | null, form: string): CreditDraft | null {
  if (state?.form !== form) return null;
  const v = (k: string) => {
    const x = state.values[k];
    return String(Array.isArray(x) ? (x[0] ?? "") : (x ?? ""));
  };
  return {
    display: v("display"),
    name: v("name"),
    handle: v("handle"),
    url: v("url"),
    affiliation: v("affiliation"),
    coFinders: v("coFinders"),
    hallOfFame: v("hallOfFame") === "on",
  };
}

/** The tracking page's credit section (with a refused form's draft when the state is one of its forms). */
export function creditSectionFor(deps: CreditPagesDeps) {
  return async (_c: Context<AppEnv>, token: string, kept: FormState | null): Promise<Child> => {
    const data = await deps.credits.reporterCredit(token);
    const fb = kept?.form === "feedback" ? kept : null;
    return (
      <CreditSection
        token={token}
        credit={data.credit}
        thanks={data.thanks}
        feedback={data.feedback}
        feedbackOpen={data.feedbackOpen}
        draft={keptCreditDraft(kept, "credit")}
        errors={kept?.form === "credit" ? kept.errors : {}}
        feedbackDraft={
          fb
            ? {
                rating: String(fb.values.rating ?? ""),
                comment: String(fb.values.comment ?? ""),
                errors: fb.errors,
              }
            : null
        }
      />
    );
  };
}

/** The report page's credit panel for the team. */
export function teamCreditPanelFor(deps: CreditPagesDeps) {
  return async (c: Context<AppEnv>, report: { id: string }, kept: FormState | null): Promise<Child> => {
    const user = signedInMember(c);
    const data = await deps.credits.teamCredit(report.id);
    return (
      <TeamCreditPanel
        reference={data.reference}
        credit={data.credit}
        thanks={data.thanks}
        feedback={data.feedback}
        canAct={can(user.role, "report.act")}
        csrfToken={c.var.csrfToken}
        draft={keptCreditDraft(kept, "team-credit")}
        reason={kept?.form === "team-credit" ? String(kept.values.reason ?? "") : ""}
        errors={kept?.form === "team-credit" ? kept.errors : {}}
      />
    );
  };
}

/**
 * The reporter's credit, thanks and feedback forms on the tracking page, the team's corrections on the report
 * page, and the public hall of fame with its feed.
 */
export function registerCreditPages(
  app: Hono<AppEnv>,
  deps: CreditPagesDeps,
  options: { notFound: (c: Context<AppEnv>) => Promise<Response>; repliesLimit: MiddlewareHandler<AppEnv> },
) {
  const { notFound, repliesLimit } = options;

  /** Runs a reporter's post: an unknown link is the tracking pages' 404, a refusal comes back to the section. */
  const reporterPost = async (
    c: Context<AppEnv>,
    form: string,
    values: Record<string, string>,
    step: (token: string) => Promise<unknown>,
    anchor: string,
  ) => {
    const token = c.req.param("token") ?? "";
    if (!TOKEN.test(token)) return notFound(c);
    try {
      await step(token);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return notFound(c);
      if (isFieldError(error))
        return redirectWithFormState(c, `/r/${token}#${anchor}`, { form, errors: error.fields, values });
      if (error instanceof AppError && error.status === 409)
        return redirectWithFormState(c, `/r/${token}#${anchor}`, {
          form,
          errors: { [form === "feedback" ? "rating" : "display"]: error.userMessage },
          values,
        });
      throw error;
    }
    return c.redirect(`/r/${token}#${anchor}`, 303);
  };

  app.post("/r/:token/credit", repliesLimit, async (c) => {
    const values = creditForm(await readForm(c));
    return reporterPost(c, "credit", values, (t) => deps.credits.setCreditAsReporter(t, values), "credit");
  });
  app.post("/r/:token/credit/confirm", repliesLimit, (c) =>
    reporterPost(c, "credit", {}, (t) => deps.credits.confirmCreditAsReporter(t), "credit"),
  );
  app.post("/r/:token/thanks/accept", repliesLimit, (c) =>
    reporterPost(c, "credit", {}, (t) => deps.credits.acceptThanks(t), "thanks"),
  );
  app.post("/r/:token/feedback", repliesLimit, async (c) => {
    const body = await readForm(c);
    const values = { rating: formText(body, "rating") ?? "", comment: formText(body, "comment") ?? "" };
    return reporterPost(c, "feedback", values, (t) => deps.credits.giveFeedback(t, values), "feedback");
  });

  app.post("/reports/:ref/credit", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    const body = await readForm(c);
    const values = { ...creditForm(body), reason: formText(body, "reason") ?? "" };
    try {
      await deps.credits.setCreditAsTeam(signedInMember(c), ref, values, values.reason);
    } catch (error) {
      if (!isFieldError(error)) throw error;
      return redirectWithFormState(c, `/reports/${encodeURIComponent(ref)}#credit`, {
        form: "team-credit",
        message: error.userMessage,
        errors: error.fields,
        values,
      });
    }
    return c.redirect(`/reports/${encodeURIComponent(ref)}?done=credit#credit`, 303);
  });

  app.post("/reports/:ref/credit/thanks", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    await deps.credits.grantThanks(signedInMember(c), ref);
    return c.redirect(`/reports/${encodeURIComponent(ref)}?done=thanks#credit`, 303);
  });

  app.get("/hall-of-fame", async (c) => {
    const org = await deps.settings.org();
    return c.html(<HallOfFamePage orgName={org.name} years={await deps.credits.hallOfFame()} />);
  });

  app.get("/hall-of-fame.atom", async (c) => {
    const org = await deps.settings.org();
    return c.body(await deps.credits.hallOfFameFeed(org.name), 200, {
      "Content-Type": "application/atom+xml; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    });
  });
}
