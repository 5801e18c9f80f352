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
import type { DisclosureEntryView, DisclosureService } from "./disclosure.service.ts";

/** One move of the negotiation as both sides see it. */
export const disclosureEntryJsonSchema = z
  .object({
    id: z.uuid(),
    move: z.enum(["request", "agree", "propose", "decline", "accept"]),
    by: z.enum(["reporter", "team"]),
    date: z.string().nullable().describe("The date proposed or agreed, YYYY-MM-DD; null for a decline."),
    text: z.string().nullable().describe("The reporter's message or the team's reason."),
    at: z.string(),
  })
  .meta({ id: "DisclosureEntry" });

export const entryJson = (e: DisclosureEntryView) => ({
  id: e.id,
  move: e.move,
  by: e.by,
  date: e.date,
  text: e.text,
  at: e.at.toISOString(),
});

const answerBody = z.object({
  decision: z.enum(["agree", "propose", "decline"]),
  date: z
    .string()
    .optional()
    .describe("For propose: the other date, YYYY-MM-DD, after today and within two years."),
  reason: z.string().optional().describe("For propose and decline: why; the reporter reads it."),
});

const answer = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/disclosure-requests/{rid}/answer",
  operationId: "answerDisclosureRequest",
  summary: "Answer the reporter's disclosure request: agree, propose another date, or decline",
  description:
    "Agreeing makes the requested date the planned disclosure date (linked to the release covering the report). The reporter is told by mail that there is news.",
  security: BEARER,
  request: {
    params: z.object({ id: z.string(), rid: z.string() }),
    body: { required: true, content: { "application/json": { schema: answerBody } } },
  },
  responses: {
    200: jsonResponse(disclosureEntryJsonSchema, "The team's move, as recorded."),
    ...errorResponses({
      400: "A field is wrong (a date in the past, a missing reason); error.fields names it.",
      401: UNAUTHENTICATED,
      403: "Viewers cannot answer.",
      404: "No such report or request.",
      409: "The request was already answered, or a newer one waits.",
    }),
  },
});

const extend = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/disclosure-target",
  operationId: "extendDisclosureTarget",
  summary: "Move the 90-day disclosure target later, with a reason the reporter is told",
  security: BEARER,
  request: {
    params: z.object({ id: z.string() }),
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z.object({
            until: z.string().describe("The new target, YYYY-MM-DD, later than the current one."),
            reason: z.string().describe("Why; shown to the reporter."),
          }),
        },
      },
    },
  },
  responses: {
    200: jsonResponse(z.object({ until: z.string(), reason: z.string() }), "The recorded extension."),
    ...errorResponses({
      400: "The date is not later than the target, or the reason is missing; error.fields names it.",
      401: UNAUTHENTICATED,
      403: "Viewers cannot extend the target.",
      404: "No such report.",
    }),
  },
});

/** The team's disclosure operations: the same service calls as the report page. */
export function registerDisclosureApi(
  api: ApiRouter,
  deps: { disclosure: DisclosureService; auth: ApiTokenLookup },
) {
  const act = requireApi(deps.auth, "report.read");
  api.openapi(bodyCheckedByService(api, { ...answer, middleware: act }), async (c) => {
    const { id, rid } = c.req.valid("param");
    const entry = await deps.disclosure.answer(c.var.user!, id, rid, await readJsonObject(c));
    return c.json(entryJson(entry), 200);
  });
  api.openapi(bodyCheckedByService(api, { ...extend, middleware: act }), async (c) => {
    const result = await deps.disclosure.extendTarget(
      c.var.user!,
      c.req.valid("param").id,
      await readJsonObject(c),
    );
    return c.json({ until: result.until.toISOString().slice(0, 10), reason: result.reason }, 200);
  });
}
