import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { servedOverHttps } from "../../domain/mail-delivery.ts";
import { noStore } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { formFiles, formText, isFieldError, readForm } from "../../http/form.ts";
import { registerEncryptedForm } from "./encrypted-form.pages.tsx";
import { reporterKeyExtras } from "./encrypted-intake.service.ts";
import type { IntakeDeps } from "./intake.types.ts";
import { REPORT_FORM_FIELDS, ReportFormPage } from "./intake.views.tsx";
import { checkReportBudget } from "./intake-budget.pages.ts";
import { createPowChallenge } from "./intake-pow.service.ts";
import { ReceiptPage } from "./receipt.views.tsx";

async function renderForm(
  deps: IntakeDeps,
  c: Context<AppEnv>,
  values?: Record<string, string>,
  errors?: Record<string, string>,
) {
  const { settings, assets } = deps;
  const [org, scope] = await Promise.all([settings.org(), assets.list({ activeOnly: true })]);
  const pow = await createPowChallenge(deps.settings, deps.clock);
  const view = (a: (typeof scope)[number]) => ({
    id: a.id,
    name: a.name,
    identifier: a.identifier,
    kind: a.kind,
    description: a.description,
    inScope: a.inScope,
  });
  return c.html(
    <ReportFormPage
      orgName={org.name}
      inScope={scope.filter((a) => a.inScope).map(view)}
      outOfScope={scope.filter((a) => !a.inScope).map(view)}
      values={values ?? {}}
      errors={errors ?? {}}
      pow={pow}
      overHttps={servedOverHttps(deps.publicUrl)}
    />,
    errors ? 400 : 200,
  );
}

/** The public report form and its receipt, plus the JSON intake that shares the same service call. */
export function registerIntakePages(app: Hono<AppEnv>, deps: IntakeDeps) {
  // A fresh challenge on every load; and once the encrypting script has shown a receipt in this page, no
  // cache or back button may bring the tracking link back. The receipt holds the only copy of the link.
  app.use("/report", noStore);
  app.get("/report", (c) => renderForm(deps, c));
  registerEncryptedForm(app, deps);

  app.post("/report", async (c) => {
    const body = await readForm(c);
    const values: Record<string, string> = {};
    for (const name of REPORT_FORM_FIELDS) {
      const value = formText(body, name);
      if (value !== undefined) values[name] = value;
    }
    const files = await formFiles(body, "attachments");
    try {
      await checkReportBudget(deps, c, formText(body, "altcha") ?? "");
    } catch (error) {
      // A stale or reused challenge must not cost the researcher what they typed: the form comes back with
      // a fresh challenge. Rate limits (429) still answer with their own page.
      if (error instanceof AppError && error.code === "invalid_pow") {
        return renderForm(deps, c, values, { altcha: error.message });
      }
      throw error;
    }
    let result: Awaited<ReturnType<IntakeDeps["reports"]["submit"]>>;
    try {
      const keyExtras = await reporterKeyExtras(deps.keys, values);
      result = await deps.reports.submit(values, files, "web", keyExtras);
    } catch (error) {
      if (isFieldError(error)) return renderForm(deps, c, values, error.fields);
      throw error;
    }
    const org = await deps.settings.org();
    return c.html(
      <ReceiptPage
        orgName={org.name}
        reference={result.report.reference}
        trackingUrl={result.trackingUrl}
        acknowledgeBy={result.report.acknowledgeBy}
        emailed={Boolean(values.email?.trim())}
        mailSent={deps.smtpConfigured}
      />,
    );
  });
}
