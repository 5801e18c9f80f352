import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import type { ApiTokenLookup } from "../../http/auth.ts";
import { requireApi } from "../../http/auth.ts";
import { readJsonObject } from "../../http/json-body.ts";
import {
  type ApiRouter,
  BEARER,
  bodyCheckedByService,
  errorResponses,
  jsonResponse,
  UNAUTHENTICATED,
} from "../../http/openapi.ts";
import { verificationSchema } from "./verifications.schema.ts";
import type { VerificationsService, VerificationView } from "./verifications.service.ts";

/** A verification as the API shows it; also the leak filter: the sealed upload and the URL never leave. */
export const verificationJsonSchema = z
  .object({
    id: z.uuid(),
    repository: z.string().describe("The registered repository's name."),
    tag: z.string(),
    tagSha: z.string().nullable().describe("The commit the tag named when the job fetched it."),
    status: z.enum(["queued", "running", "passed", "failed", "error"]),
    checks: z.array(
      z.object({
        kind: z.enum(["ancestry", "artifact_file", "tag_signature"]),
        subject: z.string().describe("The fix (reference and short SHA), the file, or the tag checked."),
        result: z.enum(["pass", "fail", "warn", "skip"]),
        detail: z.string(),
      }),
    ),
    artifactSha256: z
      .string()
      .optional()
      .describe("The SHA-256 of the artifact the checks read, when one was given."),
    error: z
      .string()
      .optional()
      .describe("Why the verification could not run (status error), e.g. a missing tag."),
    reports: z.array(z.string()).describe("The references of the reports it covers."),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "PackageVerification" });

export const verificationJson = (v: VerificationView) => ({
  id: v.id,
  repository: v.repository,
  tag: v.tag,
  tagSha: v.tagSha,
  status: v.status,
  checks: v.checks,
  ...(v.artifactSha256 ? { artifactSha256: v.artifactSha256 } : {}),
  ...(v.errorDetail ? { error: v.errorDetail } : {}),
  reports: v.reports,
  createdAt: v.createdAt.toISOString(),
  finishedAt: v.finishedAt?.toISOString() ?? null,
});

const startVerification = createRoute({
  method: "post",
  path: "/api/v1/verifications",
  operationId: "startVerification",
  summary: "Check that a release tag (and its artifact) holds the reports' fixes; runs as a background job",
  description: [
    "repository is a registered repository's name or id; tag a tag name such as v1.2.3; reports the references",
    "of the reports the release fixes. artifact is optional: {url} (https://, or http:// to a host an operator",
    "allowed) or {filename, content} with the .tar.gz, .tgz or .zip file as base64 (at most 16 MiB). The answer",
    "is 202 with the id; GET /api/v1/verifications/{id} shows the status and each check once the job has run.",
    "A passed verification covering a report lets it be released.",
  ].join(" "),
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: verificationSchema } } } },
  responses: {
    202: jsonResponse(z.object({ id: z.uuid() }), "Queued."),
    ...errorResponses({
      400: "The body is not valid JSON, or a field is wrong (an unknown repository or report, a bad tag name, URL or archive); error.fields names each.",
      401: UNAUTHENTICATED,
      403: "Viewers cannot start verifications.",
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

const getVerification = createRoute({
  method: "get",
  path: "/api/v1/verifications/{id}",
  operationId: "getVerification",
  summary: "Read one package verification: its status and each check",
  security: BEARER,
  request: { params: z.object({ id: z.string().describe("The verification's id.") }) },
  responses: {
    200: jsonResponse(verificationJsonSchema, "The verification."),
    ...errorResponses({ 401: UNAUTHENTICATED, 404: "No verification with this id." }),
  },
});

/** The package verifications' JSON API: the same service calls as the form on the report page. */
export function registerVerificationsApi(
  api: ApiRouter,
  deps: { verifications: VerificationsService; auth: ApiTokenLookup },
) {
  api.openapi(
    bodyCheckedByService(api, { ...startVerification, middleware: requireApi(deps.auth, "report.act") }),
    async (c) => {
      const body = await readJsonObject(c);
      const { id } = await deps.verifications.start(c.var.user!, body);
      return c.json({ id }, 202);
    },
  );

  api.openapi({ ...getVerification, middleware: requireApi(deps.auth, "report.read") }, async (c) => {
    const view = await deps.verifications.get(c.req.valid("param").id);
    return c.json(verificationJson(view), 200);
  });
}
