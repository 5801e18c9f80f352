import { createRoute } from "@hono/zod-openapi";
import type { RejectionReason, Severity } from "../../domain/workflow.ts";
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
import { actionSchema, messageSchema } from "./reports.schema.ts";
import type { ReportsService } from "./reports.service.ts";
import {
  messageCreatedSchema,
  reportKeyParams,
  reportListQuerySchema,
  reportListSchema,
  reportSchema,
} from "./reports-api.schema.ts";

type TeamView = Awaited<ReturnType<ReportsService["teamView"]>>;

/**
 * The API's report shape. Like a response schema, it is also a leak filter: only these fields leave the server
 * (no ciphertext, no token hashes, no internal ids beyond the report's own).
 */
export function reportJson(view: TeamView) {
  return {
    id: view.id,
    reference: view.reference,
    title: view.title,
    state: view.state,
    severity: view.severity,
    assignee: view.assignee,
    source: view.source,
    asset: view.asset,
    weakness: view.weakness,
    description: view.description,
    steps: view.steps,
    impact: view.impact,
    reporter: view.reporter,
    receivedAt: view.receivedAt,
    acknowledgedAt: view.acknowledgedAt,
    triagedAt: view.triagedAt,
    resolvedAt: view.resolvedAt,
    closedAt: view.closedAt,
    updatedAt: view.updatedAt,
    deadlines: view.deadlines,
    sla: { status: view.sla.status, overdue: view.sla.overdue },
    waitingSince: view.waitingSince,
    rejectionReason: view.rejectionReason as RejectionReason | null,
    duplicateOf: view.duplicateOf,
    release: {
      verification: view.release.verification as "passed" | "failed" | null,
      overrideReason: view.release.overrideReason,
    },
    advisoryUrl: view.advisoryUrl,
    noAdvisoryReason: view.noAdvisoryReason,
    fixes: view.fixes.map((f) => {
      const commit = f.kind === "commit";
      const latest = f.verifications.at(-1);
      return {
        id: f.id,
        kind: f.kind,
        url: f.url,
        sha: f.sha,
        branch: f.branch,
        subject: f.subject,
        author: commit ? f.gitAuthorEmail : (f.author?.email ?? null),
        gitAuthor: commit ? f.gitAuthor : null,
        pushedBy: commit ? (f.author?.email ?? null) : null,
        verifiedBy: latest?.verifier?.email ?? null,
        verifiedSha: latest?.sha ?? null,
        stale: f.stale,
        createdAt: f.createdAt,
        verifications: f.verifications.map((v) => ({
          verifier: v.verifier?.email ?? null,
          sha: v.sha,
          at: v.at,
        })),
      };
    }),
    severityHistory: view.severityHistory.map((s) => ({
      method: s.method,
      vector: s.vector,
      severity: s.severity as Severity,
      score: s.score,
      version: s.version,
      setsReportSeverity: s.setsReportSeverity,
      reason: s.reason,
      setBy: s.setBy,
      at: s.at,
    })),
    messages: view.messages.map((m) => ({
      id: m.id,
      authorType: m.authorType,
      author: m.author,
      visibility: m.visibility,
      kind: m.kind,
      body: m.body,
      createdAt: m.createdAt,
      attachments: m.attachments.map((a) => ({
        id: a.id,
        filename: a.filename,
        size: a.size,
        sha256: a.sha256,
      })),
    })),
    attachments: view.attachments.map((a) => ({
      id: a.id,
      filename: a.filename,
      size: a.size,
      sha256: a.sha256,
    })),
    availableActions: view.availableActions,
  };
}

const NO_REPORT = "No report has this id or reference.";

const listReports = createRoute({
  method: "get",
  path: "/api/v1/reports",
  operationId: "listReports",
  summary: "List reports (the open ones unless state says otherwise)",
  security: BEARER,
  request: { query: reportListQuerySchema },
  responses: {
    200: jsonResponse(reportListSchema, "A page of reports."),
    ...errorResponses({
      400: "A query parameter is wrong or unknown; error.fields names each. Nothing is replaced by a default.",
      401: UNAUTHENTICATED,
    }),
  },
});

const getReport = createRoute({
  method: "get",
  path: "/api/v1/reports/{id}",
  operationId: "getReport",
  summary: "Read one report, by id or reference",
  security: BEARER,
  request: { params: reportKeyParams },
  responses: {
    200: jsonResponse(reportSchema, "The report."),
    ...errorResponses({ 401: UNAUTHENTICATED, 404: NO_REPORT }),
  },
});

const postMessage = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/messages",
  operationId: "postReportMessage",
  summary: "Reply to the reporter, or add an internal note",
  description: "A reply is mailed to the reporter (when they gave an address) by a background job.",
  security: BEARER,
  request: {
    params: reportKeyParams,
    body: { required: true, content: { "application/json": { schema: messageSchema } } },
  },
  responses: {
    201: jsonResponse(messageCreatedSchema, "The message was stored."),
    ...errorResponses({
      400: "The body is not valid JSON, or a field is wrong; error.fields names each.",
      401: UNAUTHENTICATED,
      403: "Viewers read reports but post nothing.",
      404: NO_REPORT,
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

const runAction = createRoute({
  method: "post",
  path: "/api/v1/reports/{id}/actions",
  operationId: "runReportAction",
  summary: "Run a lifecycle action",
  description: [
    "The body names the action and its parameters. set_severity takes exactly one of owasp (an OWASP Risk Rating",
    "vector) or cvss (a CVSS 3.0, 3.1 or 4.0 vector). reject needs a message to the reporter unless the reason",
    "is spam, which tells the reporter nothing. verify_fix names a fix by id or a pushed commit by its full SHA;",
    "a commit that is not its branch's head, or that the caller pushed or wrote, is a 409 that says why.",
    "The answer is the report after the action.",
  ].join(" "),
  security: BEARER,
  request: {
    params: reportKeyParams,
    body: { required: true, content: { "application/json": { schema: actionSchema } } },
  },
  responses: {
    200: jsonResponse(reportSchema, "The report after the action."),
    ...errorResponses({
      400: "The body is not valid JSON, the action is unknown, or a parameter is wrong; error.fields names each.",
      401: UNAUTHENTICATED,
      403: "Viewers read reports but act on none.",
      404: NO_REPORT,
      409: "The lifecycle or one of its guards refuses the action now; error.message says why.",
      413: "The request is larger than the server accepts.",
      415: "The body is not sent as application/json.",
    }),
  },
});

/** The team's JSON API: the same service calls as the pages, authenticated by bearer token. */
export function registerReportsApi(api: ApiRouter, deps: { reports: ReportsService; auth: ApiTokenLookup }) {
  api.openapi({ ...listReports, middleware: requireApi(deps.auth, "report.read") }, async (c) => {
    const page = await deps.reports.inbox(c.req.valid("query"), c.var.user);
    return c.json(
      {
        items: page.items.map((item) => ({
          id: item.id,
          reference: item.reference,
          title: item.title,
          state: item.state,
          severity: item.severity,
          assignee: item.assignee,
          receivedAt: item.receivedAt,
          updatedAt: item.updatedAt,
          sla: { status: item.sla.status, overdue: item.sla.overdue },
          waitingSince: item.waitingSince,
          snippet: item.snippet
            ? {
                from: item.snippet.from,
                visibility: item.snippet.visibility ?? null,
                text: item.snippet.text,
                html: item.snippet.html,
              }
            : null,
        })),
        total: page.total,
        totalIsLowerBound: page.totalIsLowerBound,
        page: page.page,
        perPage: page.perPage,
      },
      200,
    );
  });

  api.openapi({ ...getReport, middleware: requireApi(deps.auth, "report.read") }, async (c) => {
    return c.json(reportJson(await deps.reports.teamView(c.req.valid("param").id)), 200);
  });

  api.openapi(
    bodyCheckedByService(api, { ...postMessage, middleware: requireApi(deps.auth, "report.message") }),
    async (c) => {
      const body = await readJsonObject(c);
      const message = await deps.reports.postMessage(c.var.user!, c.req.valid("param").id, body);
      return c.json(message, 201);
    },
  );

  api.openapi(
    bodyCheckedByService(api, { ...runAction, middleware: requireApi(deps.auth, "report.act") }),
    async (c) => {
      const body = await readJsonObject(c);
      const { id } = await deps.reports.act(c.var.user!, c.req.valid("param").id, body);
      return c.json(reportJson(await deps.reports.teamView(id)), 200);
    },
  );
}
