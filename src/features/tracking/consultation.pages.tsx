import type { Context, Hono, MiddlewareHandler } from "hono";
import { AppError } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import { formFiles, formText, isFieldError, readForm } from "../../http/form.ts";
import { type FormState, redirectWithFormState } from "../../http/form-state.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { FIX_ANSWER_FIELD_IDS, FixAccessPage, type FixAnswerDraft } from "./consultation.views.tsx";

/** Tracking tokens are 128-bit base64url strings; anything else cannot be a link we issued. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/** The answer form as a kept form state left it, with its errors keyed by the page's field ids. */
export function fixAnswerDraft(state: FormState | null): FixAnswerDraft | null {
  if (state?.form !== "fix-answer") return null;
  const errors: Record<string, string> = {};
  for (const [field, message] of Object.entries(state.errors))
    errors[FIX_ANSWER_FIELD_IDS[field] ?? field] = message;
  const value = (k: string) => {
    const v = state.values[k];
    return String(Array.isArray(v) ? (v[0] ?? "") : (v ?? ""));
  };
  return { verdict: value("verdict"), comment: value("comment"), errors };
}

/**
 * The reporter's consultation routes: clone access (shown once, revocable) and the answer on the fix. A link that
 * is unknown, or whose report has no invitation, gets the tracking pages' one 404: nothing tells there is code.
 */
export function registerFixConsultationPages(
  app: Hono<AppEnv>,
  deps: { reports: ReportsService; settings: SettingsService },
  notFound: (c: Context<AppEnv>) => Promise<Response>,
  repliesLimit: MiddlewareHandler<AppEnv>,
) {
  /** Runs a consultation step; 404s become the not-found page, a closed consultation a 303 back to the report. */
  const guarded = async (c: Context<AppEnv>, token: string, step: () => Promise<Response>) => {
    try {
      return await step();
    } catch (error) {
      if (error instanceof AppError && error.status === 404) return notFound(c);
      if (error instanceof AppError && error.status === 409)
        return redirectWithFormState(c, `/r/${token}#check-fix`, {
          form: "fix-answer",
          errors: { verdict: error.userMessage },
          values: {},
        });
      throw error;
    }
  };

  // The token is in this answer only: no redirect (it would have to carry the secret), and never cached (the /r/*
  // middleware sets Cache-Control: no-store).
  app.post("/r/:token/fix/access", repliesLimit, async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return notFound(c);
    return guarded(c, token, async () => {
      const access = await deps.reports.showFixAccess(token);
      const org = await deps.settings.org();
      c.header("Cache-Control", "no-store");
      return c.html(<FixAccessPage orgName={org.name} trackingToken={token} access={access} />);
    });
  });

  app.post("/r/:token/fix/access/revoke", async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return notFound(c);
    return guarded(c, token, async () => {
      await deps.reports.revokeFixAccessAsReporter(token);
      return c.redirect(`/r/${token}?revoked=1#check-fix`, 303);
    });
  });

  app.post("/r/:token/fix/answer", repliesLimit, async (c) => {
    const token = c.req.param("token");
    if (!TOKEN.test(token)) return notFound(c);
    const body = await readForm(c);
    const values = { verdict: formText(body, "verdict") ?? "", comment: formText(body, "comment") ?? "" };
    const files = await formFiles(body, "attachments");
    return guarded(c, token, async () => {
      try {
        await deps.reports.answerFix(
          token,
          { verdict: values.verdict || undefined, comment: values.comment },
          files,
        );
      } catch (error) {
        if (!isFieldError(error)) throw error;
        // Files cannot travel through a redirect: the reporter is asked to choose them again.
        const errors =
          files.length > 0 && !error.fields.attachments
            ? {
                ...error.fields,
                attachments: "Choose your files again: files are not kept when an answer is refused.",
              }
            : error.fields;
        return redirectWithFormState(c, `/r/${token}#fix-answer`, { form: "fix-answer", errors, values });
      }
      return c.redirect(`/r/${token}#messages`, 303);
    });
  });
}
