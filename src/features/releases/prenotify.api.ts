import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { type ApiTokenLookup, requireApi } from "../../http/auth.ts";
import { type ApiRouter, BEARER, errorResponses, jsonResponse, UNAUTHENTICATED } from "../../http/openapi.ts";
import type { PrenotificationView, PrenotifyService } from "./prenotify.service.ts";

/** One pre-notification mail; the ack token never leaves the server, not even its hash. */
const prenotificationJsonSchema = z
  .object({
    id: z.uuid(),
    list: z.string().nullable().describe("The list's name; null when the list was deleted since."),
    name: z.string(),
    email: z.string(),
    fingerprint: z.string().describe("The key the mail was (or would have been) encrypted to."),
    kind: z.enum(["notice", "reschedule", "cancel"]),
    round: z.number().int().describe("1 for the first notice; each update to the same people adds one."),
    status: z.enum(["queued", "sent", "failed", "acknowledged"]),
    failure: z.string().nullable().describe("Why nothing was sent or delivery failed; null otherwise."),
    sentAt: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: "Prenotification" });

const responseSchema = z.object({
  release: z.object({
    id: z.uuid(),
    version: z.string(),
    state: z.string(),
    publishAt: z.string(),
    prenotifyAt: z.string().nullable(),
    prenotifiedAt: z.string().nullable().describe("When the pre-notification went out; null before."),
  }),
  items: z.array(prenotificationJsonSchema),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const itemJson = (r: PrenotificationView) => ({
  id: r.id,
  list: r.listName,
  name: r.name,
  email: r.email,
  fingerprint: r.fingerprint,
  kind: r.kind,
  round: r.round,
  status: r.status,
  failure: r.failure,
  sentAt: iso(r.sentAt),
  acknowledgedAt: iso(r.acknowledgedAt),
  createdAt: r.createdAt.toISOString(),
});

const listPrenotifications = createRoute({
  method: "get",
  path: "/api/v1/releases/{id}/prenotifications",
  operationId: "listReleasePrenotifications",
  summary:
    "Per recipient: the release's pre-notification mails and whether each was sent, failed or acknowledged",
  security: BEARER,
  request: { params: z.object({ id: z.string().describe("The release's id.") }) },
  responses: {
    200: jsonResponse(responseSchema, "The release and its pre-notification mails, by round."),
    ...errorResponses({ 401: UNAUTHENTICATED, 404: "No release with this id." }),
  },
});

/** The pre-notification's JSON API: the same read as /releases/:id/prenotifications, for members' tokens. */
export function registerPrenotifyApi(
  api: ApiRouter,
  deps: { prenotify: PrenotifyService; auth: ApiTokenLookup },
) {
  api.openapi({ ...listPrenotifications, middleware: requireApi(deps.auth, "report.read") }, async (c) => {
    const { release, recipients } = await deps.prenotify.forRelease(c.req.valid("param").id);
    return c.json(
      {
        release: {
          id: release.id,
          version: release.version,
          state: release.state,
          publishAt: release.publishAt.toISOString(),
          prenotifyAt: iso(release.prenotifyAt),
          prenotifiedAt: iso(release.prenotifiedAt),
        },
        items: recipients.map(itemJson),
      },
      200,
    );
  });
}
