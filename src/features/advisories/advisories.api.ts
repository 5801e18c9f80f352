import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { ADVISORY_STATES } from "../../domain/advisory-review.ts";
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
import { advisoryActionSchema, createAdvisorySchema, editAdvisorySchema } from "./advisories.schema.ts";
import type { AdvisoriesService } from "./advisories.service.ts";
import type { AdvisorySummary, AdvisoryView } from "./advisory-views.service.ts";

const state = z.enum(ADVISORY_STATES);
const iso = z.string().nullable();

/** One advisory as the API shows it; the comments' bodies are the team's to read. */
export const advisoryJsonSchema = z
  .object({
    id: z.uuid(),
    publicId: z.string().describe("<prefix>-YYYY-NNNN, stable for life."),
    state,
    title: z.string(),
    summary: z.string(),
    details: z.string(),
    cveId: z.string().nullable(),
    noCveReason: z.string().nullable(),
    cwe: z.array(z.string()),
    cvss: z.string().nullable(),
    affected: z.array(z.record(z.string(), z.unknown())),
    workarounds: z.string().nullable(),
    solution: z.string().nullable(),
    references: z.array(z.object({ type: z.string(), url: z.string() })),
    teamCredits: z.array(z.object({ name: z.string(), role: z.string(), url: z.string().nullable() })),
    reports: z.array(z.object({ id: z.uuid(), reference: z.string() })),
    lastEditor: z.object({ id: z.string(), name: z.string() }),
    approvedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    approvedAt: iso,
    sharedAt: iso,
    updatedAt: z.string(),
    publishedAt: iso,
    modifiedAt: iso,
    withdrawnAt: iso,
    withdrawnReason: z.string().nullable(),
    revisions: z.array(z.object({ number: z.number().int(), summary: z.string(), at: z.string() })),
    comments: z.array(
      z.object({
        id: z.uuid(),
        from: z.enum(["reporter", "member"]),
        author: z.string(),
        body: z.string(),
        at: z.string(),
      }),
    ),
  })
  .meta({ id: "Advisory" });

const summaryJsonSchema = z
  .object({
    id: z.uuid(),
    publicId: z.string(),
    state,
    title: z.string(),
    cveId: z.string().nullable(),
    reports: z.array(z.object({ id: z.uuid(), reference: z.string() })),
    updatedAt: z.string(),
    publishedAt: iso,
  })
  .meta({ id: "AdvisorySummary" });

const d = (v: Date | null) => v?.toISOString() ?? null;

const summaryJson = (a: AdvisorySummary) => ({
  id: a.id,
  publicId: a.publicId,
  state: a.state,
  title: a.title,
  cveId: a.cveId,
  reports: a.reports,
  updatedAt: a.updatedAt.toISOString(),
  publishedAt: d(a.publishedAt),
});

const advisoryJson = (a: AdvisoryView) => ({
  ...summaryJson(a),
  summary: a.summary,
  details: a.details,
  noCveReason: a.noCveReason,
  cwe: a.cwe,
  cvss: a.cvss,
  affected: a.affected as unknown as Record<string, unknown>[],
  workarounds: a.workarounds,
  solution: a.solution,
  references: a.references,
  teamCredits: a.teamCredits,
  lastEditor: a.lastEditor,
  approvedBy: a.approvedBy,
  approvedAt: d(a.approvedAt),
  sharedAt: d(a.sharedAt),
  modifiedAt: d(a.modifiedAt),
  withdrawnAt: d(a.withdrawnAt),
  withdrawnReason: a.withdrawnReason,
  revisions: a.revisions.map((r) => ({ number: r.number, summary: r.summary, at: r.at.toISOString() })),
  comments: a.comments.map((c) => ({
    id: c.id,
    from: c.from,
    author: c.author,
    body: c.body,
    at: c.at.toISOString(),
  })),
});

const VIEWERS = "Viewers read advisories but cannot change them.";
const idParam = z.object({ id: z.string().describe("The advisory's uuid or public id (EMBSA-2026-0001).") });
const BODY_ERRORS = {
  400: "The body is not valid JSON, or a field is wrong (an unknown report, a bad CVSS vector, a CVE ID in use, a commit not in the mirror…); error.fields names each.",
  401: UNAUTHENTICATED,
  403: VIEWERS,
  413: "The request is larger than the server accepts.",
  415: "The body is not sent as application/json.",
} as const;

const createAdvisory = createRoute({
  method: "post",
  path: "/api/v1/advisories",
  operationId: "createAdvisory",
  summary: "Draft an advisory covering one or more reports",
  description:
    "The public id <prefix>-YYYY-NNNN is allocated now and never changes. Without cvss, the vector is the team's CVSS score of the first covered report that has one.",
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: createAdvisorySchema } } } },
  responses: {
    201: jsonResponse(z.object({ id: z.uuid(), publicId: z.string(), state }), "Drafted."),
    ...errorResponses(BODY_ERRORS),
  },
});

const listAdvisories = createRoute({
  method: "get",
  path: "/api/v1/advisories",
  operationId: "listAdvisories",
  summary: "List advisories, newest first",
  security: BEARER,
  request: { query: z.strictObject({ state: state.optional().describe("Only advisories in this state.") }) },
  responses: {
    200: jsonResponse(z.object({ items: z.array(summaryJsonSchema) }), "The advisories."),
    ...errorResponses({ 400: "A query parameter is wrong or unknown.", 401: UNAUTHENTICATED }),
  },
});

const getAdvisory = createRoute({
  method: "get",
  path: "/api/v1/advisories/{id}",
  operationId: "getAdvisory",
  summary: "Read one advisory with its reports, revisions and comments",
  security: BEARER,
  request: { params: idParam },
  responses: {
    200: jsonResponse(advisoryJsonSchema, "The advisory."),
    ...errorResponses({ 401: UNAUTHENTICATED, 404: "There is no such advisory." }),
  },
});

const editAdvisory = createRoute({
  method: "patch",
  path: "/api/v1/advisories/{id}",
  operationId: "editAdvisory",
  summary: "Edit an advisory; fields not sent keep their value",
  description:
    "An edit returns a submitted or approved advisory to draft. A published one needs revisionSummary and gains a public revision; a withdrawn one cannot change (409).",
  security: BEARER,
  request: {
    params: idParam,
    body: { required: true, content: { "application/json": { schema: editAdvisorySchema } } },
  },
  responses: {
    200: jsonResponse(
      z.object({ id: z.uuid(), publicId: z.string(), state, revision: z.number().int().nullable() }),
      "Saved.",
    ),
    ...errorResponses({
      ...BODY_ERRORS,
      404: "There is no such advisory.",
      409: "The advisory is withdrawn.",
    }),
  },
});

const actOnAdvisory = createRoute({
  method: "post",
  path: "/api/v1/advisories/{id}/actions",
  operationId: "actOnAdvisory",
  summary: "Submit, approve, request changes to, or withdraw an advisory",
  description:
    "approve needs a member other than the last editor; request_changes needs a message saying what; withdraw needs the reason in message, shown publicly.",
  security: BEARER,
  request: {
    params: idParam,
    body: { required: true, content: { "application/json": { schema: advisoryActionSchema } } },
  },
  responses: {
    200: jsonResponse(z.object({ id: z.uuid(), publicId: z.string(), state }), "Done."),
    ...errorResponses({
      ...BODY_ERRORS,
      400: "The action is unknown, or its rule refused it (the last editor approving, a withdrawal without a reason); error.fields says why.",
      404: "There is no such advisory.",
      409: "The action does not apply in the advisory's state.",
    }),
  },
});

/** The advisories' JSON API: the same service calls as /manage/advisories, for members' tokens. */
export function registerAdvisoriesApi(
  api: ApiRouter,
  deps: { advisories: AdvisoriesService; auth: ApiTokenLookup },
) {
  const read = requireApi(deps.auth, "report.read");
  const act = requireApi(deps.auth, "report.act");
  api.openapi(bodyCheckedByService(api, { ...createAdvisory, middleware: act }), async (c) => {
    return c.json(await deps.advisories.create(c.var.user!, await readJsonObject(c)), 201);
  });
  api.openapi({ ...listAdvisories, middleware: read }, async (c) => {
    const items = await deps.advisories.list(c.var.user!, c.req.valid("query").state ?? null);
    return c.json({ items: items.map(summaryJson) }, 200);
  });
  api.openapi({ ...getAdvisory, middleware: read }, async (c) => {
    return c.json(advisoryJson(await deps.advisories.get(c.var.user!, c.req.valid("param").id)), 200);
  });
  api.openapi(bodyCheckedByService(api, { ...editAdvisory, middleware: act }), async (c) => {
    const id = c.req.valid("param").id;
    return c.json(await deps.advisories.edit(c.var.user!, id, await readJsonObject(c)), 200);
  });
  api.openapi(bodyCheckedByService(api, { ...actOnAdvisory, middleware: act }), async (c) => {
    const id = c.req.valid("param").id;
    return c.json(await deps.advisories.act(c.var.user!, id, await readJsonObject(c)), 200);
  });
}
