import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { readJsonObject } from "../../http/json-body.ts";
import type { AppEnv } from "../../http/types.ts";
import { openEncryptedReport, reporterKeyExtras } from "../keys/encrypted-intake.ts";
import { decodeAttachments } from "./intake.api.ts";
import { ReceiptContent } from "./receipt.views.tsx";
import { checkReportBudget } from "./intake-budget.ts";
import { createPowChallenge } from "./intake-pow.ts";
import { ENCRYPTED_FORM_PATH } from "./openpgp-asset.ts";

/**
 * Every refusal answers JSON with the problem per field, plus a fresh proof-of-work challenge: the one sent
 * may already be spent, and the script keeps what was typed, so the researcher fixes and sends again.
 */
async function refuse(c: Context<AppEnv>, error: AppError) {
  const { db, deps } = c.var.services;
  for (const [k, v] of Object.entries(error.headers ?? {})) c.header(k, v);
  c.header("Cache-Control", "no-store");
  const fields = error.fields ?? (error.code === "invalid_pow" ? { altcha: error.userMessage } : undefined);
  return c.json(
    {
      error: { code: error.code, message: error.userMessage, ...(fields ? { fields } : {}) },
      pow: await createPowChallenge(db, deps.clock),
    },
    error.status,
  );
}

/**
 * The report form's encrypted path: `{"encrypted": "<armored message>", "altcha": "<solution>"}`. The
 * proof of work and rate limits are the plain form's; the plaintext is the JSON intake's report object and
 * is validated exactly like it. The answer carries the receipt to show in place, never stored or cached.
 */
export function registerEncryptedForm(app: Hono<AppEnv>) {
  app.post(ENCRYPTED_FORM_PATH, async (c) => {
    const { keys, reports, settings } = c.var.services;
    try {
      const { altcha, ...outer } = await readJsonObject(c);
      if (!Object.hasOwn(outer, "encrypted")) {
        throw new AppError(
          "invalid_encrypted",
          400,
          'Send the report as {"encrypted": "<armored OpenPGP message>", "altcha": "<solution>"}.',
        );
      }
      await checkReportBudget(c, typeof altcha === "string" ? altcha : "");
      const { attachments, ...fields } = await openEncryptedReport(keys, outer);
      const keyExtras = await reporterKeyExtras(keys, fields);
      const files = decodeAttachments(attachments, fields, keyExtras.errors);
      const result = await reports.submit(fields, files, "web", keyExtras);
      const org = await settings.org();
      const receipt = await (
        <ReceiptContent
          reference={result.report.reference}
          trackingUrl={result.trackingUrl}
          acknowledgeBy={result.report.acknowledgeBy}
          emailed={typeof fields.email === "string" && fields.email.trim() !== ""}
        />
      );
      // The answer holds the only copy of the tracking link: no cache may keep it.
      c.header("Cache-Control", "no-store");
      return c.json(
        {
          reference: result.report.reference,
          title: `Report ${result.report.reference} received · ${org.name} security`,
          receipt: String(receipt),
        },
        201,
      );
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return refuse(c, error);
      throw error;
    }
  });
}
