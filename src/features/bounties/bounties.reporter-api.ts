import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { notFound } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import { readJsonObject } from "../../http/json-body.ts";
import { type ApiRouter, bodyCheckedByService, errorResponses, jsonResponse } from "../../http/openapi.ts";
import type { BountiesService } from "./bounties.service.ts";

/** Tracking tokens are 128-bit base64url strings; anything else cannot be a link we issued. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
const tokenParam = z.string().describe("The private tracking token from the reporter's link /r/<token>.");
const UNKNOWN_LINK = "No report has this tracking link (or it was replaced).";
const LIMITED = "Too many requests from this address; try again later.";
const answerJson = z.object({
  id: z.uuid(),
  state: z.enum(["accepted", "declined", "donated"]),
});

const answer = (verb: "accept" | "decline" | "donate", summary: string) =>
  createRoute({
    method: "post",
    path: `/api/v1/r/{token}/bounty/${verb}`,
    security: [],
    operationId: `${verb}Bounty`,
    summary,
    request: {
      params: z.object({ token: tokenParam }),
      ...(verb === "donate"
        ? {
            body: {
              required: true,
              content: {
                "application/json": {
                  schema: z.object({ charity: z.string().describe("The charity the bounty goes to.") }),
                },
              },
            },
          }
        : {}),
    },
    responses: {
      200: jsonResponse(answerJson, "The offer's new state; the team is alerted."),
      ...errorResponses({
        ...(verb === "donate" ? { 400: "No charity named; error.fields.charity says so." } : {}),
        404: `${UNKNOWN_LINK} Or there is no bounty offer.`,
        409: "The offer was already answered.",
        429: LIMITED,
      }),
    },
  });

const payout = createRoute({
  method: "put",
  path: "/api/v1/r/{token}/payout",
  security: [],
  operationId: "setPayoutDetails",
  summary:
    "Reporter: give the payout details (stored sealed; only the method and last 4 characters are shown)",
  request: {
    params: z.object({ token: tokenParam }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            method: z.enum(["filecoin", "ethereum", "bitcoin", "iban", "paypal"]),
            address: z.string().describe("Checked with its checksum (EIP-55, bech32, IBAN mod 97, …)."),
          }),
        },
      },
    },
  },
  responses: {
    204: { description: "Stored." },
    ...errorResponses({
      400: "The address fails its check; error.fields.address names the problem (or fields.method).",
      404: UNKNOWN_LINK,
      429: LIMITED,
    }),
  },
});

/** Mounts the reporter's bounty operations on the reporter API router, under the replies' rate limit. */
export function registerBountiesReporterApi(
  api: ApiRouter,
  deps: { bounties: BountiesService; limit: MiddlewareHandler<AppEnv> },
) {
  const token = (t: string) => {
    if (!TOKEN.test(t)) throw notFound("Report");
    return t;
  };
  const acceptRoute = answer("accept", "Reporter: accept the bounty offer");
  const declineRoute = answer("decline", "Reporter: decline the bounty offer");
  const donateRoute = answer("donate", "Reporter: donate the bounty to a charity you name");
  api.openapi({ ...acceptRoute, middleware: deps.limit }, async (c) => {
    const r = await deps.bounties.acceptAsReporter(token(c.req.valid("param").token));
    return c.json(r as z.infer<typeof answerJson>, 200);
  });
  api.openapi({ ...declineRoute, middleware: deps.limit }, async (c) => {
    const r = await deps.bounties.declineAsReporter(token(c.req.valid("param").token));
    return c.json(r as z.infer<typeof answerJson>, 200);
  });
  api.openapi(bodyCheckedByService(api, { ...donateRoute, middleware: deps.limit }), async (c) => {
    const r = await deps.bounties.donateAsReporter(token(c.req.param("token")), await readJsonObject(c));
    return c.json(r as z.infer<typeof answerJson>, 200);
  });
  api.openapi(bodyCheckedByService(api, { ...payout, middleware: deps.limit }), async (c) => {
    await deps.bounties.setPayoutAsReporter(token(c.req.param("token")), await readJsonObject(c));
    return c.body(null, 204);
  });
}
