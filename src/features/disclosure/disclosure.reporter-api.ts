import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { notFound } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import { readJsonObject } from "../../http/json-body.ts";
import { type ApiRouter, bodyCheckedByService, errorResponses, jsonResponse } from "../../http/openapi.ts";
import { disclosureEntryJsonSchema, entryJson } from "./disclosure.api.ts";
import type { DisclosureService } from "./disclosure.service.ts";

/** Tracking tokens are 128-bit base64url strings; anything else cannot be a link we issued. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const tokenParam = z.string().describe("The private tracking token from the reporter's link /r/<token>.");
const UNKNOWN_LINK = "No report has this tracking link (or it was replaced).";

const request = createRoute({
  method: "post",
  path: "/api/v1/r/{token}/disclosure-requests",
  security: [],
  operationId: "requestDisclosure",
  summary: "Reporter: request disclosure on a date, with a message for the team",
  request: {
    params: z.object({ token: tokenParam }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            date: z.string().describe("YYYY-MM-DD, after today and within two years."),
            message: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonResponse(disclosureEntryJsonSchema, "The request, as recorded; the team is alerted."),
    ...errorResponses({
      400: "The date or message is wrong; error.fields names it.",
      404: UNKNOWN_LINK,
      409: "A request already waits for the team's answer.",
      429: "Too many requests from this address; try again later.",
    }),
  },
});

const accept = createRoute({
  method: "post",
  path: "/api/v1/r/{token}/disclosure-requests/{rid}/accept",
  security: [],
  operationId: "acceptDisclosureProposal",
  summary: "Reporter: accept the team's counter-proposal to request rid",
  request: { params: z.object({ token: tokenParam, rid: z.string() }) },
  responses: {
    200: jsonResponse(
      disclosureEntryJsonSchema,
      "The acceptance; the proposed date is now the planned date.",
    ),
    ...errorResponses({
      404: `${UNKNOWN_LINK} Or no such request.`,
      409: "There is no counter-proposal to accept.",
      429: "Too many requests from this address; try again later.",
    }),
  },
});

/**
 * Mounts the reporter's disclosure operations on the reporter API router. The token is checked like the tracking
 * pages check it (a malformed one is the same 404 as an unknown one), under the same rate limit as replies.
 */
export function registerDisclosureReporterApi(
  api: ApiRouter,
  deps: { disclosure: DisclosureService; limit: MiddlewareHandler<AppEnv> },
) {
  const token = (t: string) => {
    if (!TOKEN.test(t)) throw notFound("Report");
    return t;
  };
  api.openapi(bodyCheckedByService(api, { ...request, middleware: deps.limit }), async (c) => {
    const t = token(c.req.valid("param").token);
    const entry = await deps.disclosure.requestAsReporter(t, await readJsonObject(c));
    return c.json(entryJson(entry), 201);
  });
  api.openapi({ ...accept, middleware: deps.limit }, async (c) => {
    const { token: t, rid } = c.req.valid("param");
    const entry = await deps.disclosure.acceptAsReporter(token(t), rid);
    return c.json(entryJson(entry), 200);
  });
}
