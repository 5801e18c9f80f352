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
import type { BountiesService } from "./bounties.service.ts";

const range = z.object({ min: z.number().int(), max: z.number().int() }).nullable();
const policySchema = z
  .object({
    currency: z.string().describe("ISO 4217, e.g. EUR."),
    ranges: z
      .object({ critical: range, high: range, medium: range, low: range })
      .partial()
      .describe("Amounts in minor units (cents) per severity; a severity left out earns no bounty."),
    noBountyScope: z.string().nullable().optional().describe("What earns no bounty, for the policy page."),
    explorers: z
      .object({ ethereum: z.string(), bitcoin: z.string(), filecoin: z.string() })
      .partial()
      .optional()
      .describe("Block-explorer URL templates per chain: https, with {tx} where the transaction id goes."),
  })
  .meta({ id: "BountyPolicy" });

const stateJson = z.object({
  id: z.uuid(),
  state: z.enum(["proposed", "approved", "offered", "accepted", "declined", "donated", "paid", "cancelled"]),
});

const ADMINS = "Only admins manage bounties.";

const putPolicy = createRoute({
  method: "put",
  path: "/api/v1/bounty-policy",
  operationId: "setBountyPolicy",
  summary: "Set the bounty policy: currency, range per severity, no-bounty scope, explorer links",
  security: BEARER,
  request: { body: { required: true, content: { "application/json": { schema: policySchema } } } },
  responses: {
    200: jsonResponse(policySchema, "The policy as stored."),
    ...errorResponses({
      400: "A part is wrong; error.fields names each (currency, ranges.<severity>, explorers.<chain>).",
      401: UNAUTHENTICATED,
      403: ADMINS,
    }),
  },
});

const propose = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/bounty",
  operationId: "proposeBounty",
  summary: "Propose a bounty for a report; a second admin approves it",
  description:
    "amount (minor units) and currency default to the policy's for the report's severity. An amount outside the policy's range, another currency, or a severity without a bounty needs a reason.",
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            amount: z.number().int().optional(),
            currency: z.string().optional(),
            message: z.string().describe("What the reporter reads with the offer."),
            reason: z.string().optional(),
          }),
        },
      },
    },
  },
  responses: {
    201: jsonResponse(stateJson, "The proposed award."),
    ...errorResponses({
      400: "A field is wrong or a reason is needed; error.fields names it.",
      401: UNAUTHENTICATED,
      403: ADMINS,
      404: "No such report.",
      409: "The report already has a bounty in progress.",
    }),
  },
});

const act = createRoute({
  method: "post",
  path: "/api/v1/bounties/{id}/actions",
  operationId: "actOnBounty",
  summary: "Approve (a second admin), offer, mark paid or cancel a bounty",
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            action: z.enum(["approve", "offer", "mark_paid", "cancel"]),
            reference: z.string().optional().describe("mark_paid: the transaction id or payment reference."),
            date: z
              .string()
              .optional()
              .describe("mark_paid: the payment date, YYYY-MM-DD; today if left out."),
            amount: z.number().int().optional().describe("mark_paid: the amount paid in minor units."),
            reason: z.string().optional().describe("cancel: why; the reporter is told if it was offered."),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonResponse(stateJson, "The award's new state."),
    ...errorResponses({
      400: "A field is wrong; error.fields names it.",
      401: UNAUTHENTICATED,
      403: ADMINS,
      404: "No such bounty.",
      409: "Not allowed in this state (or the proposer approving their own award).",
    }),
  },
});

/** The team's bounty operations: the same service calls as the report page's bounty panel. */
export function registerBountiesApi(
  api: ApiRouter,
  deps: { bounties: BountiesService; auth: ApiTokenLookup },
) {
  const member = requireApi(deps.auth, "report.read");
  api.openapi(bodyCheckedByService(api, { ...putPolicy, middleware: member }), async (c) => {
    return c.json(await deps.bounties.setPolicy(c.var.user!, await readJsonObject(c)), 200);
  });
  api.openapi(bodyCheckedByService(api, { ...propose, middleware: member }), async (c) => {
    const award = await deps.bounties.propose(c.var.user!, c.req.valid("param").id, await readJsonObject(c));
    return c.json(award, 201);
  });
  api.openapi(bodyCheckedByService(api, { ...act, middleware: member }), async (c) => {
    const award = await deps.bounties.act(c.var.user!, c.req.valid("param").id, await readJsonObject(c));
    return c.json(award, 200);
  });
}
