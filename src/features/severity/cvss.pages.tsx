import type { Context, Hono } from "hono";
import type { CurrentUser } from "../../core/actors.ts";
import { AppError } from "../../core/errors.ts";
import { scoreCvss } from "../../domain/cvss.ts";
import { requirePage, signedInMember } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { type FormState, redirectWithFormState } from "../../http/form-state.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  type CvssFormState,
  canonicalCvssVector,
  cvssFormSummary,
  initialCvssForm,
  readCvssForm,
} from "./cvss.form.ts";
import type { CvssPageProps } from "./cvss.views.tsx";
import { CvssLive } from "./cvss.views.tsx";

/** The part of a report the calculator reads: its severity history, newest first. */
interface ScoredReport {
  severityHistory: ReadonlyArray<{ method: string; vector: string }>;
}

/**
 * Acts on a report as a member: the reports service's act, passed in by the app so severity needs nothing from
 * reports. Only the reference of the result is read.
 */
export type ActOnReport = (
  actor: CurrentUser,
  idOrRef: string,
  input: unknown,
) => Promise<{ reference: string }>;

/** What the CVSS calculator pages use. */
export interface SeverityDeps {
  settings: SettingsService;
  actOnReport: ActOnReport;
}

/** What a posted calculator asks the page to show again: its state, and whether it came back refused. */
export interface CvssRender {
  form: CvssFormState;
  showErrors: boolean;
  message?: string | null;
}

/** Whether a posted report action form is the CVSS calculator. */
export function isCvssForm(values: Record<string, string>): boolean {
  return values.action === "set_severity" && values.method === "cvss";
}

/** The report page's CVSS props: the posted calculator if there is one, else preset from the latest CVSS score. */
export async function cvssPageProps(
  deps: SeverityDeps,
  view: ScoredReport,
  posted: CvssRender | undefined,
): Promise<CvssPageProps> {
  const org = await deps.settings.org();
  const latest = view.severityHistory.find((s) => s.method === "cvss")?.vector;
  const scored = latest ? scoreCvss(latest) : null;
  const current = scored?.ok ? { score: scored.value, vector: canonicalCvssVector(scored.value) } : null;
  return {
    source: org.severitySource,
    form: posted?.form ?? initialCvssForm(latest),
    showErrors: posted?.showErrors ?? false,
    message: posted?.message ?? null,
    open: posted !== undefined,
    current,
  };
}

/** The done notice after a saved score: plain about a score that did not change the report's severity. */
export async function severityDoneKey(deps: SeverityDeps, method: "owasp" | "cvss"): Promise<string> {
  const org = await deps.settings.org();
  return org.severitySource === method ? "set_severity" : `${method}_recorded`;
}

/**
 * The calculator as a kept form state left it: recomputed from the typed values by the same code as the post,
 * with a refusal's message and its error at the vector. Null when the state is another form's.
 */
export function keptCvssRender(state: FormState | null): CvssRender | undefined {
  if (state?.form !== "cvss") return undefined;
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(state.values)) values[k] = Array.isArray(v) ? (v[0] ?? "") : v;
  const form = readCvssForm(values);
  const errors = state.errors.cvss ? { ...form.errors, cvss: state.errors.cvss } : form.errors;
  const failed = Object.keys(errors).length > 0;
  return {
    form: { ...form, errors },
    showErrors: true,
    message: state.message || (failed ? cvssFormSummary(form) : null),
  };
}

/**
 * A posted calculator; every outcome is a redirect to the report page. Preview keeps the typed metrics for the
 * page, which shows the score, and saves nothing; Set severity stores the score through the same service call as
 * the JSON API. Refusals come back with the error at each field.
 */
export async function handleCvssForm(
  deps: SeverityDeps,
  c: Context<AppEnv>,
  ref: string,
  values: Record<string, string>,
): Promise<Response> {
  const form = readCvssForm(values);
  const failed = Object.keys(form.errors).length > 0;
  const back = (message: string, errors: Record<string, string> = {}) =>
    redirectWithFormState(c, `/reports/${encodeURIComponent(ref)}#severity`, {
      form: "cvss",
      message,
      errors,
      values,
    });
  if (values.intent !== "save") return back(failed ? cvssFormSummary(form) : "");
  if (failed || !form.vector) return back(cvssFormSummary(form));
  try {
    const user = signedInMember(c);
    const view = await deps.actOnReport(user, ref, {
      action: "set_severity",
      cvss: form.vector,
      reason: form.reason.trim() ? form.reason : null,
    });
    const done = await severityDoneKey(deps, "cvss");
    return c.redirect(`/reports/${encodeURIComponent(view.reference)}?done=${done}#severity`, 303);
  } catch (error) {
    if (error instanceof AppError && (error.status === 400 || error.status === 409)) {
      return back(error.userMessage, error.fields?.cvss ? { cvss: error.fields.cvss } : {});
    }
    throw error;
  }
}

/** The htmx fragment of the calculator: read-only, computed by the same code as Preview and Set severity. */
export function registerCvssPages(app: Hono<AppEnv>, deps: SeverityDeps) {
  app.get("/reports/:ref/cvss-calc", requirePage("report.read"), async (c) => {
    const form = readCvssForm(c.req.query());
    const org = await deps.settings.org();
    return c.html(<CvssLive state={form} source={org.severitySource} showErrors={false} />);
  });
}
