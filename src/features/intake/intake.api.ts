import type { Hono } from "hono";
import { AppError } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { noStore } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readJsonObject } from "../../http/json-body.ts";
import { intakeRefined, jsonAttachmentSchema } from "../reports/reports.schema.ts";
import type { UploadedFile } from "../reports/reports.service.ts";
import { openEncryptedReport, reporterKeyExtras } from "./encrypted-intake.service.ts";
import type { IntakeDeps } from "./intake.types.ts";

/**
 * Decodes the JSON intake's attachments. When their shape is wrong the whole request is refused with every
 * field's problem at once, so a client fixes everything in one round trip instead of one field per try.
 */
export function decodeAttachments(
  raw: unknown,
  fields: Record<string, unknown>,
  extraErrors: Record<string, string> = {},
): UploadedFile[] {
  if (raw === undefined || raw === null) return [];
  const parsed = jsonAttachmentSchema.safeParse(raw);
  if (parsed.success) {
    return parsed.data.map((a) => ({
      filename: a.filename,
      data: Buffer.from(a.content.replace(/\s+/g, ""), "base64"),
    }));
  }
  const issue = parsed.error.issues[0]!;
  const where = typeof issue.path[0] === "number" ? `attachments[${issue.path[0]}]: ` : "";
  const others = intakeRefined.safeParse(fields);
  throw new AppError("invalid_input", 400, "Some fields need attention.", {
    ...(others.success ? {} : zodFieldErrors(others.error)),
    ...extraErrors,
    attachments: `${where}${issue.message}`,
  });
}

/** The public JSON intake: scanners and tooling file reports without a browser; no token needed. */
export function registerIntakeApi(app: Hono<AppEnv>, deps: IntakeDeps) {
  /** API clients are not challenged, but they share the browser form's hourly budget per address. */
  const reportsLimit = deps.limits.rateLimit({
    bucket: "reports",
    limit: async () => (await deps.settings.intake()).reportsPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });

  // The answer holds the only copy of the tracking link.
  app.post("/api/v1/reports", noStore, reportsLimit, async (c) => {
    const { keys, reports } = deps;
    // {"encrypted": "<armored OpenPGP message>"} holds the same object; nothing is stored if it cannot be opened.
    const body = await openEncryptedReport(keys, await readJsonObject(c));
    const { attachments, ...fields } = body;
    const keyExtras = await reporterKeyExtras(keys, fields);
    const files = decodeAttachments(attachments, fields, keyExtras.errors);
    const { report, trackingUrl } = await reports.submit(fields, files, "api", keyExtras);
    return c.json({ id: report.id, reference: report.reference, trackingUrl }, 201);
  });
}
