import type { Context, Hono, MiddlewareHandler } from "hono";
import type { Child } from "hono/jsx";
import { AppError } from "../../core/errors.ts";
import { can } from "../../domain/permissions.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { formText, readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState } from "../../http/form-state.ts";
import type { DisclosureService } from "./disclosure.service.ts";
import { type KeptForm, ReporterDisclosureSection, TeamDisclosurePanel } from "./disclosure.views.tsx";

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** A kept form state as the views read it. */
export function keptForm(state: FormState | null): KeptForm | null {
  if (!state) return null;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.values))
    values[k] = Array.isArray(v) ? (v[0] ?? "") : String(v ?? "");
  return { form: state.form, errors: state.errors, values };
}

/** Runs a form's service call; a 400 or 409 comes back to the form with what was typed and why. */
async function submitted(
  c: Context<AppEnv>,
  back: string,
  form: string,
  values: Record<string, string>,
  call: () => Promise<unknown>,
  done: string,
  notFound?: (c: Context<AppEnv>) => Promise<Response>,
) {
  try {
    await call();
  } catch (error) {
    if (error instanceof AppError && error.status === 404 && notFound) return notFound(c);
    if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
      const errors =
        error.fields && Object.keys(error.fields).length > 0 ? error.fields : { _: error.userMessage };
      return redirectWithFormState(c, back, { form, message: error.userMessage, errors, values });
    }
    throw error;
  }
  return c.redirect(done, 303);
}

/** The report page's disclosure panel, with its refused form if this is one. */
export function disclosurePanelFor(deps: { disclosure: DisclosureService }) {
  return async (c: Context<AppEnv>, report: { id: string; reference: string }, kept: FormState | null) => {
    const user = signedInMember(c);
    return (
      <TeamDisclosurePanel
        reference={report.reference}
        view={await deps.disclosure.teamView(report.id)}
        canAct={can(user.role, "report.act")}
        csrfToken={c.var.csrfToken}
        kept={keptForm(kept)}
      />
    );
  };
}

/** The tracking page's disclosure section for a link, with its refused form if this is one. */
export function disclosureSectionFor(deps: { disclosure: DisclosureService }) {
  return async (token: string, kept: FormState | null): Promise<Child> => {
    const id = await deps.disclosure.reportIdForToken(token).catch(() => null);
    const view = id ? await deps.disclosure.disclosureForReporter(id) : null;
    return view ? <ReporterDisclosureSection token={token} view={view} kept={keptForm(kept)} /> : null;
  };
}

/** The team's and the reporter's disclosure forms: post, then redirect back to the section. */
export function registerDisclosurePages(
  app: Hono<AppEnv>,
  deps: {
    disclosure: DisclosureService;
    repliesLimit: MiddlewareHandler<AppEnv>;
    notFound: (c: Context<AppEnv>) => Promise<Response>;
  },
) {
  app.post("/reports/:ref/disclosure/:rid/answer", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    const body = await readForm(c);
    const values = {
      decision: formText(body, "decision") ?? "",
      date: formText(body, "date") ?? "",
      reason: formText(body, "reason") ?? "",
    };
    const back = `/reports/${encodeURIComponent(ref)}#disclosure`;
    return submitted(
      c,
      back,
      "disclosure-answer",
      values,
      async () => {
        const id = (await deps.disclosure.teamView(ref)).reportId;
        await deps.disclosure.answer(signedInMember(c), id, c.req.param("rid"), {
          decision: values.decision,
          ...(values.date ? { date: values.date } : {}),
          ...(values.reason ? { reason: values.reason } : {}),
        });
      },
      back,
    );
  });

  app.post("/reports/:ref/disclosure-target", requirePage("report.act"), async (c) => {
    const ref = c.req.param("ref");
    const body = await readForm(c);
    const values = { until: formText(body, "until") ?? "", reason: formText(body, "reason") ?? "" };
    const back = `/reports/${encodeURIComponent(ref)}#disclosure`;
    return submitted(
      c,
      back,
      "disclosure-extend",
      values,
      async () => {
        const id = (await deps.disclosure.teamView(ref)).reportId;
        await deps.disclosure.extendTarget(signedInMember(c), id, values);
      },
      back,
    );
  });

  app.post("/r/:token/disclosure", deps.repliesLimit, async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return deps.notFound(c);
    const body = await readForm(c);
    const values = { date: formText(body, "date") ?? "", message: formText(body, "message") ?? "" };
    const back = `/r/${token}#disclosure`;
    return submitted(
      c,
      back,
      "disclosure-request",
      values,
      () => deps.disclosure.requestAsReporter(token, values),
      back,
      deps.notFound,
    );
  });

  app.post("/r/:token/disclosure/:rid/accept", deps.repliesLimit, async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return deps.notFound(c);
    const back = `/r/${token}#disclosure`;
    return submitted(
      c,
      back,
      "disclosure-request",
      {},
      () => deps.disclosure.acceptAsReporter(token, c.req.param("rid")),
      back,
      deps.notFound,
    );
  });
}
