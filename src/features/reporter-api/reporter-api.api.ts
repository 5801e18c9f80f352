import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { AppError, notFound } from "../../core/errors.ts";
import type { AppEnv } from "../../http/env.ts";
import { readJsonObject } from "../../http/json-body.ts";
import { type ApiRouter, bodyCheckedByService, errorResponses, jsonResponse } from "../../http/openapi.ts";
import type { RateLimits } from "../../http/rate-limit.ts";
import { creditInputSchema, feedbackInputSchema } from "../credits/credits.schema.ts";
import type { CreditsService } from "../credits/credits.service.ts";
import type { CreditView } from "../credits/credits.types.ts";
import { fixAnswerSchema, reporterReplySchema } from "../reports/reports.schema.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";

/** Where every reporter operation lives; other features add theirs under it (disclosure requests, payout, bounty). */
export const REPORTER_API_PREFIX = "/api/v1/r/{token}";
/** The path parameter every reporter operation takes: the tracking link's token. */
export const reporterTokenParams = z.object({
  token: z.string().describe("The token of the report's private tracking link (/r/<token>)."),
});
/** Tracking tokens are 128-bit base64url strings; anything else cannot be a link we issued, and is a 404. */
const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;
export const UNKNOWN_LINK = "There is no report at this link (unknown or revoked).";

/** A refused malformed token, before anything is looked up: the same 404 as an unknown one. */
export function reporterToken(raw: string): string {
  if (!TOKEN.test(raw)) throw notFound("Report");
  return raw;
}

/**
 * Facts about the report that features beside this one add to the reporter's view (disclosure requests, the
 * bounty). Each is optional; the view leaves out what no provider gives.
 */
export interface ReporterViewProviders {
  disclosureRequests?: (token: string) => Promise<unknown>;
  bounty?: (token: string) => Promise<unknown>;
}

export interface ReporterApiDeps {
  reports: ReportsService;
  credits: CreditsService;
  settings: Pick<SettingsService, "intake">;
  limits: RateLimits;
  providers?: ReporterViewProviders;
}

const creditJsonSchema = z
  .object({
    display: z.enum(["name", "handle", "anonymous"]),
    name: z.string().nullable(),
    handle: z.string().nullable(),
    url: z.string().nullable(),
    affiliation: z.string().nullable(),
    coFinders: z.array(z.string()),
    hallOfFame: z.boolean(),
    line: z.string().describe('Exactly as the credit appears publicly; "Anonymous" means no name anywhere.'),
    confirmedAt: z
      .string()
      .nullable()
      .describe("When you confirmed exactly this credit; any change clears it."),
    locked: z
      .boolean()
      .describe("True once the report is disclosed: the credit can no longer be changed here."),
  })
  .meta({ id: "ReporterCredit" });

const reporterViewSchema = z
  .object({
    reference: z.string(),
    title: z.string(),
    state: z.string(),
    stateLabel: z.string(),
    severity: z.string().nullable(),
    receivedAt: z.string(),
    deadlines: z.object({
      acknowledgeBy: z.string().nullable(),
      acknowledgedAt: z.string().nullable(),
      triageBy: z.string().nullable(),
      resolveBy: z.string().nullable(),
    }),
    timeline: z.array(z.object({ at: z.string(), text: z.string() })),
    messages: z.array(
      z.object({
        id: z.string(),
        from: z.string(),
        mine: z.boolean(),
        body: z.string(),
        createdAt: z.string(),
        attachments: z.array(z.object({ id: z.string(), filename: z.string(), size: z.number() })),
      }),
    ),
    credit: creditJsonSchema,
    disclosureRequests: z.unknown().optional(),
    bounty: z.unknown().optional(),
  })
  .meta({ id: "ReporterView" });

function creditJson(v: CreditView) {
  const c = v.choice;
  return {
    display: c?.display ?? ("anonymous" as const),
    name: c?.name ?? null,
    handle: c?.handle ?? null,
    url: c?.url ?? null,
    affiliation: c?.affiliation ?? null,
    coFinders: c?.coFinders ?? [],
    hallOfFame: c?.hallOfFame ?? false,
    line: v.line,
    confirmedAt: v.confirmedAt?.toISOString() ?? null,
    locked: v.lockedReason !== null,
  };
}

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;
const NO_AUTH = "No bearer token: the token in the path is the capability.";
const RATE = "Too many requests from your address (the tracking page's reply budget).";

const route = <M extends "get" | "post" | "put">(method: M, sub: string, id: string, summary: string) => ({
  method,
  path: `${REPORTER_API_PREFIX}${sub}`,
  operationId: id,
  summary,
  description: NO_AUTH,
  // The link's token in the path is the credential: no bearer token.
  security: [],
  request: { params: reporterTokenParams },
});

const getView = createRoute({
  ...route("get", "", "getReporterView", "Read your report: state, timeline, messages, deadlines and credit"),
  responses: {
    200: jsonResponse(reporterViewSchema, "What your tracking page shows."),
    ...errorResponses({ 404: UNKNOWN_LINK }),
  },
});
const postMessage = createRoute({
  ...route("post", "/messages", "postReporterMessage", "Send the security team a message"),
  request: {
    params: reporterTokenParams,
    body: { required: true, content: { "application/json": { schema: reporterReplySchema } } },
  },
  responses: {
    201: jsonResponse(z.object({ ok: z.literal(true) }), "Stored; the team is told."),
    ...errorResponses({
      400: "error.fields.body says what is wrong.",
      404: UNKNOWN_LINK,
      415: "Not JSON.",
      429: RATE,
    }),
  },
});
const putCredit = createRoute({
  ...route("put", "/credit", "setReporterCredit", "Choose how you are credited (until disclosure)"),
  request: {
    params: reporterTokenParams,
    body: { required: true, content: { "application/json": { schema: creditInputSchema } } },
  },
  responses: {
    200: jsonResponse(creditJsonSchema, "Stored; confirm it again (confirmedAt is cleared)."),
    ...errorResponses({
      400: "A field is wrong (e.g. a link that is not https); error.fields names each.",
      404: UNKNOWN_LINK,
      409: "The report is disclosed: the credit can no longer be changed here.",
      415: "Not JSON.",
      429: RATE,
    }),
  },
});
const confirmCredit = createRoute({
  ...route(
    "post",
    "/credit/confirm",
    "confirmReporterCredit",
    "Confirm your credit exactly as shown in line",
  ),
  responses: {
    200: jsonResponse(creditJsonSchema, "Confirmed."),
    ...errorResponses({
      404: UNKNOWN_LINK,
      409: "No credit chosen yet, or the report is disclosed.",
      429: RATE,
    }),
  },
});
const fixAnswer = createRoute({
  ...route("post", "/fix-answer", "answerReporterFix", "Say whether the fix the team shared fixes it"),
  request: {
    params: reporterTokenParams,
    body: { required: true, content: { "application/json": { schema: fixAnswerSchema } } },
  },
  responses: {
    201: jsonResponse(z.object({ ok: z.literal(true) }), "Recorded; the team is told."),
    ...errorResponses({
      400: "error.fields names what is wrong.",
      404: "Unknown link, or the team did not invite you to check a fix.",
      409: "The consultation is closed.",
      415: "Not JSON.",
      429: RATE,
    }),
  },
});
const feedback = createRoute({
  ...route("post", "/feedback", "giveReporterFeedback", "Rate how your closed report was handled, once"),
  request: {
    params: reporterTokenParams,
    body: { required: true, content: { "application/json": { schema: feedbackInputSchema } } },
  },
  responses: {
    201: jsonResponse(z.object({ ok: z.literal(true) }), "Thank you."),
    ...errorResponses({
      400: "error.fields names what is wrong.",
      404: UNKNOWN_LINK,
      409: "Not closed yet, or feedback was already given.",
      415: "Not JSON.",
      429: RATE,
    }),
  },
});

/** The reporter's JSON API: everything on the tracking page, under the tracking link's token, no account. */
export function registerReporterApi(api: ApiRouter, deps: ReporterApiDeps) {
  /** The tracking page's reply budget, per client address: one leaked link cannot flood the team. */
  const replies: MiddlewareHandler<AppEnv> = deps.limits.rateLimit({
    bucket: "replies",
    limit: async () => (await deps.settings.intake()).repliesPerHourPerIp,
    windowSeconds: 3600,
    key: deps.limits.clientIp,
  });
  // Capability URLs: never cached, never indexed (the same as /r/*).
  const noStore: MiddlewareHandler<AppEnv> = async (c, next) => {
    await next();
    c.header("Cache-Control", "no-store");
    c.header("X-Robots-Tag", "noindex, nofollow");
  };
  api.use("/api/v1/r/*", noStore);

  api.openapi(getView, async (c) => {
    const token = reporterToken(c.req.valid("param").token);
    const view = await deps.reports.reporterView(token);
    if (!view) throw notFound("Report");
    const credit = await deps.credits.reporterCredit(token);
    const extra = deps.providers ?? {};
    const [disclosureRequests, bounty] = await Promise.all([
      extra.disclosureRequests?.(token),
      extra.bounty?.(token),
    ]);
    return c.json(
      {
        reference: view.reference,
        title: view.title,
        state: view.state,
        stateLabel: view.stateLabel,
        severity: view.severity,
        receivedAt: view.receivedAt.toISOString(),
        deadlines: {
          acknowledgeBy: iso(view.deadlines.acknowledgeBy),
          acknowledgedAt: iso(view.deadlines.acknowledgedAt),
          triageBy: iso(view.deadlines.triageBy),
          resolveBy: iso(view.deadlines.resolveBy),
        },
        timeline: view.timeline.map((t) => ({ at: t.at.toISOString(), text: t.text })),
        messages: view.messages.map((m) => ({
          id: m.id,
          from: m.from,
          mine: m.mine,
          body: m.body,
          createdAt: m.createdAt.toISOString(),
          attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, size: a.size })),
        })),
        credit: creditJson(credit.credit),
        ...(disclosureRequests !== undefined ? { disclosureRequests } : {}),
        ...(bounty !== undefined ? { bounty } : {}),
      },
      200,
    );
  });

  api.openapi(bodyCheckedByService(api, { ...postMessage, middleware: replies }), async (c) => {
    const token = reporterToken(c.req.param("token") ?? "");
    await deps.reports.replyAsReporter(token, await readJsonObject(c), []);
    return c.json({ ok: true as const }, 201);
  });

  api.openapi(bodyCheckedByService(api, { ...putCredit, middleware: replies }), async (c) => {
    const token = reporterToken(c.req.param("token") ?? "");
    const body = await readJsonObject(c);
    // JSON says hallOfFame as a boolean and coFinders as a list; a form's "on" and lines are not JSON's.
    const fields: Record<string, string> = {};
    if (typeof body.hallOfFame !== "boolean") fields.hallOfFame = "hallOfFame must be true or false.";
    if (body.coFinders !== undefined && body.coFinders !== null && !Array.isArray(body.coFinders))
      fields.coFinders = "Co-finders are a list of names or handles.";
    if (Object.keys(fields).length > 0)
      throw new AppError("invalid_input", 400, "Check your credit: some fields need attention.", fields);
    return c.json(creditJson(await deps.credits.setCreditAsReporter(token, body)), 200);
  });

  api.openapi({ ...confirmCredit, middleware: replies }, async (c) => {
    const token = reporterToken(c.req.valid("param").token);
    return c.json(creditJson(await deps.credits.confirmCreditAsReporter(token)), 200);
  });

  api.openapi(bodyCheckedByService(api, { ...fixAnswer, middleware: replies }), async (c) => {
    const token = reporterToken(c.req.param("token") ?? "");
    await deps.reports.answerFix(token, await readJsonObject(c), []);
    return c.json({ ok: true as const }, 201);
  });

  api.openapi(bodyCheckedByService(api, { ...feedback, middleware: replies }), async (c) => {
    const token = reporterToken(c.req.param("token") ?? "");
    await deps.credits.giveFeedback(token, await readJsonObject(c));
    return c.json({ ok: true as const }, 201);
  });
}
