import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { scoreCvss } from "../../domain/cvss.ts";
import { servedOverHttps } from "../../domain/mail-delivery.ts";
import { noStore } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { formFiles, formText, isFieldError, readForm } from "../../http/form.ts";
import { type FormStateInput, redirectWithFormState, takeFormState } from "../../http/form-state.ts";
import { MAX_PROPOSED_CVSS_LENGTH } from "../reports/reports.schema.ts";
import { registerEncryptedForm } from "./encrypted-form.pages.tsx";
import { reporterKeyExtras } from "./encrypted-intake.service.ts";
import type { IntakeDeps } from "./intake.types.ts";
import { REPORT_FORM_FIELDS, ReportFormPage } from "./intake.views.tsx";
import { checkReportBudget } from "./intake-budget.pages.ts";
import { createPowChallenge } from "./intake-pow.service.ts";
import { CVSS_CHECK_PATH, CvssCheck, type CvssCheckResult } from "./proposal.views.tsx";
import { createReceiptService, RECEIPT_TOKEN, receiptPath } from "./receipt.service.ts";
import { ReceiptGonePage, ReceiptPage } from "./receipt.views.tsx";

/** The form, with the errors and typed values of a refused post when it was redirected with them (once). */
async function renderForm(deps: IntakeDeps, c: Context<AppEnv>) {
  const state = await takeFormState(c);
  const kept = state?.form === "report" ? state : null;
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(kept?.values ?? {})) {
    if (typeof value === "string") values[name] = value;
  }
  const { settings, assets } = deps;
  const [org, scope, intake] = await Promise.all([
    settings.org(),
    assets.list({ activeOnly: true }),
    settings.intake(),
  ]);
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
      values={values}
      errors={kept?.errors ?? {}}
      filesDropped={kept?.omitted.includes("attachments") ?? false}
      minStepsLength={intake.minStepsLength}
      pow={pow}
      overHttps={servedOverHttps(deps.publicUrl)}
    />,
  );
}

/** The live check of a proposed vector: the parser the submission uses, so the two cannot disagree. */
export function checkProposedCvss(raw: string | undefined): CvssCheckResult {
  const vector = (raw ?? "").trim();
  if (vector === "") return { kind: "empty" };
  if (vector.length > MAX_PROPOSED_CVSS_LENGTH) {
    return {
      kind: "invalid",
      message: `The CVSS vector can have at most ${MAX_PROPOSED_CVSS_LENGTH} characters.`,
    };
  }
  const scored = scoreCvss(vector);
  return scored.ok
    ? { kind: "valid", score: scored.value }
    : { kind: "invalid", message: `Invalid CVSS vector: ${scored.error}.` };
}

/** The public report form and its receipt, plus the JSON intake that shares the same service call. */
export function registerIntakePages(app: Hono<AppEnv>, deps: IntakeDeps) {
  const receipts = createReceiptService(deps);
  // A fresh challenge on every load; and once the encrypting script has shown a receipt in this page, no
  // cache or back button may bring the tracking link back. The receipt holds the only copy of the link.
  app.use("/report", noStore);
  app.get("/report", (c) => renderForm(deps, c));
  registerEncryptedForm(app, deps, receipts);

  // Read-only and cheap: the form's htmx asks it while a vector is typed. Problems are part of the answer (200).
  app.get(CVSS_CHECK_PATH, (c) => c.html(<CvssCheck result={checkProposedCvss(c.req.query("cvss"))} />));

  // The receipt's one view. Never cached or indexed: the first answer holds the tracking link.
  app.get("/report/receipt/:token", noStore, async (c) => {
    c.header("X-Robots-Tag", "noindex, nofollow");
    const token = c.req.param("token");
    const opened = RECEIPT_TOKEN.test(token) ? await receipts.open(token) : { status: "unknown" as const };
    const org = await deps.settings.org();
    if (opened.status === "show") {
      return c.html(<ReceiptPage orgName={org.name} {...opened.receipt} mailSent={deps.smtpConfigured} />);
    }
    return c.html(
      <ReceiptGonePage
        orgName={org.name}
        status={opened.status}
        reference={opened.status === "unknown" ? undefined : opened.reference}
        recovery={{
          mailSent: deps.smtpConfigured,
          reportingAddress: deps.reportingAddress(org.securityEmail),
        }}
      />,
      opened.status === "unknown" ? 404 : 410,
    );
  });

  app.post("/report", async (c) => {
    const body = await readForm(c);
    const values: Record<string, string> = {};
    for (const name of REPORT_FORM_FIELDS) {
      const value = formText(body, name);
      if (value !== undefined) values[name] = value;
    }
    const files = await formFiles(body, "attachments");
    // Post/redirect/get for a refusal too: the form comes back once with the errors and what was typed (a
    // fresh challenge, no files: the page asks for them again), and a reload of it sends nothing.
    const refuse = (errors: Record<string, string>) => {
      const state: FormStateInput = {
        form: "report",
        errors,
        values: { ...values, attachments: files.map((f) => f.filename || "file") },
        // Never a private key pasted where the public one belongs.
        omit: ["attachments", ...(/PRIVATE KEY/i.test(values.pgpKey ?? "") ? ["pgpKey"] : [])],
      };
      return redirectWithFormState(c, "/report#error-summary", state);
    };
    try {
      await checkReportBudget(deps, c, formText(body, "altcha") ?? "");
    } catch (error) {
      // A stale or reused challenge must not cost the researcher what they typed: the form comes back with
      // a fresh challenge. Rate limits (429) still answer with their own page: the status and Retry-After are
      // the limit's contract, and nothing typed would be accepted before it passes anyway.
      if (error instanceof AppError && error.code === "invalid_pow") return refuse({ altcha: error.message });
      throw error;
    }
    // Post/redirect/get: the receipt is its own page, so a reload or Back never sends the report twice.
    const receipt = receipts.withReceipt(
      await reporterKeyExtras(deps.keys, values),
      Boolean(values.email?.trim()),
    );
    try {
      await deps.reports.submit(values, files, "web", receipt.extras);
    } catch (error) {
      if (isFieldError(error)) return refuse(error.fields);
      throw error;
    }
    return c.redirect(receiptPath(receipt.token()), 303);
  });
}
