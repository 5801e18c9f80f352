import { AppError } from "../../core/errors.ts";
import { parseJsonText, refuseNul } from "../../http/json-body.ts";
import type { KeysService } from "../keys/keys.service.ts";
import type { SubmitExtras } from "../reports/reports.service.ts";

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Opens a JSON intake body of the form {"encrypted": "<armored OpenPGP message>"}. The plaintext must be the
 * very JSON object a plain submission sends, so it then goes through exactly the same validation. A body
 * without "encrypted" is returned as it is.
 */
export async function openEncryptedReport(
  keys: KeysService,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  if (!Object.hasOwn(body, "encrypted")) return body;
  const outside = Object.keys(body).filter((k) => k !== "encrypted");
  if (outside.length > 0) {
    throw new AppError(
      "invalid_encrypted",
      400,
      `An encrypted report carries every field inside the ciphertext; remove ${outside.join(", ")} from the outer object.`,
    );
  }
  const plaintext = await keys.decryptToIntake(body.encrypted);
  let value: unknown;
  try {
    value = parseJsonText(plaintext);
  } catch {
    throw new AppError(
      "invalid_encrypted_json",
      400,
      "The message was decrypted, but its content is not JSON. Encrypt the same JSON report object a plain submission sends.",
    );
  }
  if (!isObject(value)) {
    throw new AppError(
      "invalid_encrypted_json",
      400,
      "The decrypted content must be a JSON object with the report's fields, like a plain submission.",
    );
  }
  refuseNul(value);
  if (Object.hasOwn(value, "encrypted")) {
    throw new AppError(
      "invalid_encrypted_json",
      400,
      "An encrypted report cannot contain another encrypted one.",
    );
  }
  return value;
}

/**
 * The optional `pgpKey` of a submission: checked like a team member's key against the email given. A bad key
 * is one more field error next to the others; a good one is stored in the report's own transaction.
 */
export async function reporterKeyExtras(
  keys: KeysService,
  fields: Record<string, unknown>,
): Promise<SubmitExtras> {
  const raw = fields.pgpKey;
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return {};
  const email = typeof fields.email === "string" && fields.email.trim() ? fields.email : null;
  const verdict = await keys.checkReporterKey(raw, email);
  if (!verdict.ok) return { errors: { pgpKey: verdict.error } };
  return { inTransaction: (tx, created) => keys.saveReporterKey(tx, created, verdict) };
}
