import type { Context, Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { noStore } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readJsonObject } from "../../http/json-body.ts";
import { openEncryptedReport, reporterKeyExtras } from "./encrypted-intake.service.ts";
import { decodeAttachments } from "./intake.api.ts";
import type { IntakeDeps } from "./intake.types.ts";
import { checkReportBudget } from "./intake-budget.pages.ts";
import { createPowChallenge } from "./intake-pow.service.ts";
import { ENCRYPTED_FORM_PATH } from "./openpgp-asset.data.ts";
import { type ReceiptService, receiptPath } from "./receipt.service.ts";

/**
 * Every refusal answers JSON with the problem per field, plus a fresh proof-of-work challenge: the one sent
 * may already be spent, and the script keeps what was typed, so the researcher fixes and sends again.
 */
async function refuse(deps: IntakeDeps, c: Context<AppEnv>, error: AppError) {
  for (const [k, v] of Object.entries(error.headers ?? {})) c.header(k, v);
  const fields = error.fields ?? (error.code === "invalid_pow" ? { altcha: error.userMessage } : undefined);
  return c.json(
    {
      error: { code: error.code, message: error.userMessage, ...(fields ? { fields } : {}) },
      pow: await createPowChallenge(deps.settings, deps.clock),
    },
    error.status,
  );
}

/**
 * The report form's encrypted path: `{"encrypted": "<armored message>", "altcha": "<solution>"}`. The
 * proof of work and rate limits are the plain form's; the plaintext is the JSON intake's report object and
 * is validated exactly like it. The answer names the receipt's one-time page, which the script opens, so a
 * reload there never sends the report again, just like the plain form's redirect.
 */
export function registerEncryptedForm(app: Hono<AppEnv>, deps: IntakeDeps, receipts: ReceiptService) {
  // Refusals and the receipt alike: the answer may hold the only copy of the tracking link.
  app.post(ENCRYPTED_FORM_PATH, noStore, async (c) => {
    const { keys, reports } = deps;
    try {
      const { altcha, ...outer } = await readJsonObject(c);
      if (!Object.hasOwn(outer, "encrypted")) {
        throw new AppError(
          "invalid_encrypted",
          400,
          'Send the report as {"encrypted": "<armored OpenPGP message>", "altcha": "<solution>"}.',
        );
      }
      await checkReportBudget(deps, c, typeof altcha === "string" ? altcha : "");
      const { attachments, ...fields } = await openEncryptedReport(keys, outer);
      const keyExtras = await reporterKeyExtras(keys, fields);
      const files = decodeAttachments(attachments, fields, keyExtras.errors);
      const receipt = receipts.withReceipt(
        keyExtras,
        typeof fields.email === "string" && fields.email.trim() !== "",
      );
      const result = await reports.submit(fields, files, "web", receipt.extras);
      return c.json({ reference: result.report.reference, receiptUrl: receiptPath(receipt.token()) }, 201);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return refuse(deps, c, error);
      throw error;
    }
  });
}
