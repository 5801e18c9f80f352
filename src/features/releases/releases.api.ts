import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { RELEASE_TRACKS } from "../../domain/release-policy.ts";
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
import { createReleaseSchema, leakSchema, releaseActionSchema } from "./releases.schema.ts";
import type { ReleaseDetail, ReleasesService, ReleaseView } from "./releases.service.ts";

const iso = z.string().describe("ISO 8601, UTC.");

/** A release as the API shows it; the checklist says what is done and why. */
export const releaseJsonSchema = z
  .object({
    id: z.uuid(),
    version: z.string(),
    repositoryId: z.string().nullable(),
    track: z.enum(RELEASE_TRACKS),
    trackOverrideReason: z.string().nullable(),
    state: z.enum(["planned", "scheduled", "published", "cancelled"]),
    publishAt: iso,
    prenotifyAt: iso.nullable(),
    prenotifiedAt: iso.nullable(),
    openItemsReason: z.string().nullable(),
    publishedAt: iso.nullable(),
    publishNowReason: z.string().nullable(),
    cancelReason: z.string().nullable(),
    reports: z.array(
      z.object({ id: z.uuid(), reference: z.string(), state: z.string(), severity: z.string().nullable() }),
    ),
    checklist: z
      .array(z.object({ key: z.string(), label: z.string(), done: z.boolean(), why: z.string() }))
      .optional()
      .describe("Only on a single release and on answers to changes."),
    lastFailure: z.object({ at: iso, error: z.string() }).nullable().optional(),
  })
  .meta({ id: "Release" });

const releaseJson = (r: ReleaseView | ReleaseDetail) => ({
  id: r.id,
  version: r.version,
  repositoryId: r.repositoryId,
  track: r.track,
  trackOverrideReason: r.trackOverrideReason,
  state: r.state,
  publishAt: r.publishAt.toISOString(),
  prenotifyAt: r.prenotifyAt?.toISOString() ?? null,
  prenotifiedAt: r.prenotifiedAt?.toISOString() ?? null,
  openItemsReason: r.openItemsReason,
  publishedAt: r.publishedAt?.toISOString() ?? null,
  publishNowReason: r.publishNowReason,
  cancelReason: r.cancelReason,
  reports: r.reports.map((p) => ({ id: p.id, reference: p.reference, state: p.state, severity: p.severity })),
  ...("checklist" in r
    ? {
        checklist: r.checklist.map((i) => ({ key: i.key, label: i.label, done: i.done, why: i.why })),
        lastFailure: r.lastFailure
          ? { at: r.lastFailure.at.toISOString(), error: r.lastFailure.error }
          : null,
      }
    : {}),
});

const MEMBERS = "Viewers may read releases; responders and admins change them.";

const createRelease = createRoute({
  method: "post",
  path: "/api/v1/releases",
  operationId: "createRelease",
  summary: "Plan a release of reports: the track from the policy, the pre-notification time, the checklist",
  description:
    "The track follows the highest severity (critical/high: security; medium: minor; low/note: regular); another needs trackOverrideReason. A security release pre-notifies prenotifyHours (setting, default 24) before publishAt unless prenotifyAt is given; other tracks only when lists are named in notify.",
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: createReleaseSchema } } } },
  responses: {
    201: jsonResponse(releaseJsonSchema, "Planned."),
    ...errorResponses({
      400: "A field is wrong (unknown report, a report in another open release, a time in the past, prenotifyAt after publishAt, an unknown list, a duplicate version); error.fields names each.",
      401: UNAUTHENTICATED,
      403: MEMBERS,
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

const listReleases = createRoute({
  method: "get",
  path: "/api/v1/releases",
  operationId: "listReleases",
  summary: "List releases, latest publication time first",
  security: BEARER,
  responses: {
    200: jsonResponse(z.object({ items: z.array(releaseJsonSchema) }), "Every release."),
    ...errorResponses({ 401: UNAUTHENTICATED }),
  },
});

const getRelease = createRoute({
  method: "get",
  path: "/api/v1/releases/{id}",
  operationId: "getRelease",
  summary: "Read one release with its checklist",
  security: BEARER,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: jsonResponse(releaseJsonSchema, "The release."),
    ...errorResponses({ 401: UNAUTHENTICATED, 404: "There is no such release." }),
  },
});

const releaseAction = createRoute({
  method: "post",
  path: "/api/v1/releases/{id}/actions",
  operationId: "actOnRelease",
  summary: "Schedule, reschedule, ship, publish now, cancel, waive, or change a custom checklist item",
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { "application/json": { schema: releaseActionSchema } } },
  },
  responses: {
    200: jsonResponse(releaseJsonSchema, "The release after the change."),
    ...errorResponses({
      400: "A field is wrong (e.g. open checklist items without openItemsReason); error.fields names each.",
      401: UNAUTHENTICATED,
      403: MEMBERS,
      404: "There is no such release.",
      409: "The release is published or cancelled, or a report is not ready for the change.",
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

const reportLeak = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/leaks",
  operationId: "reportLeak",
  summary: "Record where a report's issue became public before its release; the team is alerted",
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    body: { required: true, content: { "application/json": { schema: leakSchema } } },
  },
  responses: {
    201: jsonResponse(
      z.object({
        id: z.uuid(),
        url: z.string().nullable(),
        note: z.string(),
        release: z
          .object({ id: z.uuid(), version: z.string() })
          .nullable()
          .describe("The report's open release, which publish_now would publish."),
      }),
      "Recorded.",
    ),
    ...errorResponses({
      400: "A field is wrong; error.fields names each.",
      401: UNAUTHENTICATED,
      403: MEMBERS,
      404: "There is no such report.",
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

/** The releases' JSON API: the same service calls as the /releases pages. */
export function registerReleasesApi(
  api: ApiRouter,
  deps: { releases: ReleasesService; auth: ApiTokenLookup },
) {
  const read = requireApi(deps.auth, "report.read");
  const act = requireApi(deps.auth, "report.act");
  api.openapi(bodyCheckedByService(api, { ...createRelease, middleware: act }), async (c) => {
    return c.json(releaseJson(await deps.releases.create(c.var.user!, await readJsonObject(c))), 201);
  });
  api.openapi({ ...listReleases, middleware: read }, async (c) => {
    return c.json({ items: (await deps.releases.list()).map(releaseJson) }, 200);
  });
  api.openapi({ ...getRelease, middleware: read }, async (c) => {
    return c.json(releaseJson(await deps.releases.get(c.req.valid("param").id)), 200);
  });
  api.openapi(bodyCheckedByService(api, { ...releaseAction, middleware: act }), async (c) => {
    const { id } = c.req.valid("param");
    return c.json(releaseJson(await deps.releases.act(c.var.user!, id, await readJsonObject(c))), 200);
  });
  api.openapi(bodyCheckedByService(api, { ...reportLeak, middleware: act }), async (c) => {
    const { id } = c.req.valid("param");
    const leak = await deps.releases.recordLeak(c.var.user!, id, await readJsonObject(c));
    return c.json({ id: leak.id, url: leak.url, note: leak.note, release: leak.release }, 201);
  });
}
