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
import { notificationListSchema } from "./notifications.schema.ts";
import type { NotificationListView, NotificationsService } from "./notifications.service.ts";

/** A list as the API shows it; the members' key blocks never leave, only their fingerprints and expiry. */
export const notificationListJsonSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    mode: z.enum(["imminent", "full"]),
    members: z.array(
      z.object({
        id: z.uuid(),
        name: z.string(),
        email: z.string(),
        organization: z.string().nullable(),
        fingerprint: z.string(),
        keyExpiresAt: z.string().nullable(),
        keyProblem: z
          .string()
          .nullable()
          .describe("Why no mail can be encrypted to them now; null when the key is usable."),
      }),
    ),
  })
  .meta({ id: "NotificationList" });

const listJson = (l: NotificationListView) => ({
  id: l.id,
  name: l.name,
  mode: l.mode,
  members: l.members.map((m) => ({
    id: m.id,
    name: m.name,
    email: m.email,
    organization: m.organization,
    fingerprint: m.fingerprint,
    keyExpiresAt: m.keyExpiresAt?.toISOString() ?? null,
    keyProblem: m.keyProblem,
  })),
});

const ADMINS_ONLY = "Only admins keep notification lists.";

const createList = createRoute({
  method: "post",
  path: "/api/v1/notification-lists",
  operationId: "createNotificationList",
  summary: "Create a pre-notification list with its members and their OpenPGP keys",
  description: [
    'mode "imminent": the members learn the version, the exact publication time, the track and the highest severity,',
    'and no details; "full": they also receive the approved advisory text. Every member needs a usable OpenPGP public',
    "key for their address, checked like a team member's key; an unusable one is a 400 naming members.N.pgpKey.",
  ].join(" "),
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: notificationListSchema } } } },
  responses: {
    201: jsonResponse(notificationListJsonSchema, "Created."),
    ...errorResponses({
      400: "The body is not valid JSON, or a field is wrong (or the name is taken); error.fields names each.",
      401: UNAUTHENTICATED,
      403: ADMINS_ONLY,
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

const listLists = createRoute({
  method: "get",
  path: "/api/v1/notification-lists",
  operationId: "listNotificationLists",
  summary: "List the pre-notification lists with their members and whether each key is usable",
  security: BEARER,
  responses: {
    200: jsonResponse(z.object({ items: z.array(notificationListJsonSchema) }), "Every list, by name."),
    ...errorResponses({ 401: UNAUTHENTICATED, 403: ADMINS_ONLY }),
  },
});

const getList = createRoute({
  method: "get",
  path: "/api/v1/notification-lists/{id}",
  operationId: "getNotificationList",
  summary: "Read one pre-notification list",
  security: BEARER,
  request: { params: z.object({ id: z.string() }) },
  responses: {
    200: jsonResponse(notificationListJsonSchema, "The list."),
    ...errorResponses({ 401: UNAUTHENTICATED, 403: ADMINS_ONLY, 404: "There is no such list." }),
  },
});

/** The lists' JSON API: the same service calls as /admin/notification-lists, for admins' tokens. */
export function registerNotificationsApi(
  api: ApiRouter,
  deps: { notifications: NotificationsService; auth: ApiTokenLookup },
) {
  const admin = requireApi(deps.auth, "settings.manage");
  api.openapi(bodyCheckedByService(api, { ...createList, middleware: admin }), async (c) => {
    const list = await deps.notifications.create(c.var.user!.id, await readJsonObject(c));
    return c.json(listJson(list), 201);
  });
  api.openapi({ ...listLists, middleware: admin }, async (c) => {
    return c.json({ items: (await deps.notifications.lists()).map(listJson) }, 200);
  });
  api.openapi({ ...getList, middleware: admin }, async (c) => {
    return c.json(listJson(await deps.notifications.get(c.req.valid("param").id)), 200);
  });
}
