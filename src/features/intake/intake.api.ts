import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { AppError } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { ATTACHMENT_LIMITS } from "../../domain/attachments.ts";
import { WEAKNESSES } from "../../domain/weaknesses.ts";
import { noStore } from "../../http/auth.ts";
import { readJsonObject } from "../../http/json-body.ts";
import {
  type ApiRouter,
  bodyCheckedByService,
  type DocumentRefinement,
  errorResponses,
} from "../../http/openapi.ts";
import { intakeRefined, intakeSchema, jsonAttachmentSchema } from "../reports/reports.schema.ts";
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

const { shape } = intakeSchema;

/**
 * The JSON intake's body as the document shows it: the form's schema (the object the service validates) with
 * the JSON-only fields, each also the object that validates it. Descriptions say what a schema cannot.
 */
const intakeBodySchema = intakeSchema
  .extend({
    asset: shape.asset.describe('The id of an in-scope asset from the policy page, or "other".'),
    weakness: shape.weakness.describe(
      `A CWE id from this list, or "other" (the default): ${WEAKNESSES.map((w) => w.id).join(", ")}.`,
    ),
    steps: shape.steps.describe(
      "How to reproduce it. The minimum length is an admin setting; minLength here is the current one.",
    ),
    email: shape.email.describe(
      "Where the team writes back; optional. Without it the reporter follows the report through the tracking link.",
    ),
    name: shape.name.describe('The name or handle to credit; required unless credit is "anonymous".'),
    pgpKey: z
      .string()
      .optional()
      .describe(
        "The reporter's ASCII-armored OpenPGP public key; mail to them is then encrypted. It must be valid and, when email is given, carry that address.",
      ),
    attachments: jsonAttachmentSchema
      .max(ATTACHMENT_LIMITS.maxFiles)
      .optional()
      .describe(
        `Up to ${ATTACHMENT_LIMITS.maxFiles} files of at most ${ATTACHMENT_LIMITS.maxFileBytes / 1024 / 1024} MB each and ${ATTACHMENT_LIMITS.maxTotalBytes / 1024 / 1024} MB in all, base64-encoded.`,
      ),
  })
  .meta({ id: "Intake" });

const encryptedIntakeSchema = z
  .strictObject({
    encrypted: z
      .string()
      .describe(
        "An ASCII-armored OpenPGP message to the intake key (/keys/intake.asc) whose plaintext is the Intake object as JSON.",
      ),
  })
  .meta({ id: "EncryptedIntake" });

const submitReport = createRoute({
  method: "post",
  path: "/api/v1/reports",
  operationId: "submitReport",
  summary: "Submit a report (public, no token)",
  description:
    "Scanners and tools file reports without a browser. Each address shares the web form's hourly budget.",
  security: [],
  request: {
    body: {
      required: true,
      content: { "application/json": { schema: z.union([intakeBodySchema, encryptedIntakeSchema]) } },
    },
  },
  responses: {
    201: {
      description: "Stored. trackingUrl is the reporter's private link; this answer is its only copy.",
      content: {
        "application/json": {
          schema: z
            .object({
              id: z.uuid(),
              reference: z.string().describe("e.g. EMB-2026-0001"),
              trackingUrl: z.url(),
            })
            .meta({ id: "ReportReceipt" }),
        },
      },
    },
    ...errorResponses({
      400: "The body is not valid JSON, a field is wrong, or an encrypted report cannot be opened; error.fields names each wrong field.",
      413: "Too large: attachments may total 25 MB.",
      415: "The body is not sent as application/json.",
      429: "This address has sent as many reports as the hourly limit allows; Retry-After says when to try again.",
    }),
  },
});

/**
 * The document's steps.minLength is the admin's current setting, read when the document is asked for, because
 * the service applies the setting at that moment too.
 */
export function intakeDocumentRefinement(deps: Pick<IntakeDeps, "settings">): DocumentRefinement {
  return async (doc) => {
    const { minStepsLength } = await deps.settings.intake();
    const intake = doc.components?.schemas?.Intake as
      | { properties?: Record<string, { minLength?: number }> }
      | undefined;
    const steps = intake?.properties?.steps;
    if (!steps) throw new Error("The document has no Intake.steps to state the minimum length on.");
    steps.minLength = Math.max(steps.minLength ?? 0, minStepsLength);
  };
}

/** The public JSON intake: scanners and tooling file reports without a browser; no token needed. */
export function registerIntakeApi(api: ApiRouter, deps: IntakeDeps) {
  /** API clients are not challenged, but they share the browser form's hourly budget per address. */
  const reportsLimit = deps.limits.rateLimit({
    bucket: "reports",
    limit: async () => (await deps.settings.intake()).reportsPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });

  // The answer holds the only copy of the tracking link.
  api.openapi(
    bodyCheckedByService(api, { ...submitReport, middleware: [noStore, reportsLimit] }),
    async (c) => {
      const { keys, reports } = deps;
      // {"encrypted": "<armored OpenPGP message>"} holds the same object; nothing is stored if it cannot be opened.
      const body = await openEncryptedReport(keys, await readJsonObject(c));
      const { attachments, ...fields } = body;
      const keyExtras = await reporterKeyExtras(keys, fields);
      const files = decodeAttachments(attachments, fields, keyExtras.errors);
      const { report, trackingUrl } = await reports.submit(fields, files, "api", keyExtras);
      return c.json({ id: report.id, reference: report.reference, trackingUrl }, 201);
    },
  );
}
