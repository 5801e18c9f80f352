import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import type { AppEnv } from "../../http/types.ts";
import { reporterKeyExtras } from "../keys/encrypted-intake.ts";
import type { UploadedFile } from "../reports/reports.service.ts";
import { registerEncryptedForm } from "./encrypted-form.tsx";
import { registerIntakeApi } from "./intake.api.ts";
import { REPORT_FORM_FIELDS, ReportFormPage } from "./intake.views.tsx";
import { ReceiptPage } from "./receipt.views.tsx";
import { checkReportBudget } from "./intake-budget.ts";
import { createPowChallenge } from "./intake-pow.ts";

type ParsedBody = Record<string, string | File | (string | File)[]>;

/** A text field from a parsed form; a repeated field counts once, so a crafted form cannot smuggle an array in. */
export function formText(body: ParsedBody, name: string): string | undefined {
  const value = body[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" ? first : undefined;
}

/**
 * The files of a multipart field as the services take them. Browsers send an empty, nameless part for a file
 * input left empty; that is not an attachment, so it is dropped here rather than refused as an empty file.
 */
export async function formFiles(body: ParsedBody, name: string): Promise<UploadedFile[]> {
  const value = body[name];
  const parts = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const files: UploadedFile[] = [];
  for (const part of parts) {
    if (typeof part === "string") continue;
    if (part.size === 0 && !part.name) continue;
    files.push({ filename: part.name, data: Buffer.from(await part.arrayBuffer()) });
  }
  return files;
}

/** A validation failure the page should show next to the fields, as opposed to an error page. */
export function isFieldError(error: unknown): error is AppError & { fields: Record<string, string> } {
  return error instanceof AppError && error.status === 400 && error.fields !== undefined;
}

async function renderForm(
  c: Context<AppEnv>,
  values?: Record<string, string>,
  errors?: Record<string, string>,
) {
  const { settings, assets, db, deps } = c.var.services;
  const [org, scope] = await Promise.all([settings.org(), assets.list({ activeOnly: true })]);
  const pow = await createPowChallenge(db, deps.clock);
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
    />,
    errors ? 400 : 200,
  );
}

/** The public report form and its receipt, plus the JSON intake that shares the same service call. */
export function registerIntakePages(app: Hono<AppEnv>) {
  app.get("/report", (c) => {
    // A fresh challenge on every load; and once the encrypting script has shown a receipt in this page, no
    // cache or back button may bring the tracking link back.
    c.header("Cache-Control", "no-store");
    return renderForm(c);
  });
  registerEncryptedForm(app);

  app.post("/report", async (c) => {
    const body = (await c.req.parseBody({ all: true })) as ParsedBody;
    const values: Record<string, string> = {};
    for (const name of REPORT_FORM_FIELDS) {
      const value = formText(body, name);
      if (value !== undefined) values[name] = value;
    }
    const files = await formFiles(body, "attachments");
    try {
      await checkReportBudget(c, formText(body, "altcha") ?? "");
    } catch (error) {
      // A stale or reused challenge must not cost the researcher what they typed: the form comes back with
      // a fresh challenge. Rate limits (429) still answer with their own page.
      if (error instanceof AppError && error.code === "invalid_pow") {
        return renderForm(c, values, { altcha: error.message });
      }
      throw error;
    }
    let result: Awaited<ReturnType<AppEnv["Variables"]["services"]["reports"]["submit"]>>;
    try {
      const keyExtras = await reporterKeyExtras(c.var.services.keys, values);
      result = await c.var.services.reports.submit(values, files, "web", keyExtras);
    } catch (error) {
      if (isFieldError(error)) return renderForm(c, values, error.fields);
      throw error;
    }
    const org = await c.var.services.settings.org();
    // The page holds the only copy of the tracking link: no cache may keep it.
    c.header("Cache-Control", "no-store");
    return c.html(
      <ReceiptPage
        orgName={org.name}
        reference={result.report.reference}
        trackingUrl={result.trackingUrl}
        acknowledgeBy={result.report.acknowledgeBy}
        emailed={Boolean(values.email?.trim())}
      />,
    );
  });

  registerIntakeApi(app);
}
