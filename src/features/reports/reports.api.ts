import type { Hono } from "hono";
import type { ApiTokenLookup } from "../../http/auth.ts";
import { requireApi } from "../../http/auth.ts";
import type { AppEnv } from "../../http/env.ts";
import { readJsonObject } from "../../http/json-body.ts";
import { inboxQuerySchema } from "./reports.schema.ts";
import type { ReportsService } from "./reports.service.ts";

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
    rejectionReason: view.rejectionReason,
    duplicateOf: view.duplicateOf,
    release: view.release,
    advisoryUrl: view.advisoryUrl,
    noAdvisoryReason: view.noAdvisoryReason,
    fixes: view.fixes.map((f) => ({
      id: f.id,
      url: f.url,
      author: f.author?.email ?? null,
      createdAt: f.createdAt,
      verifications: f.verifications.map((v) => ({ verifier: v.verifier?.email ?? null, at: v.at })),
    })),
    severityHistory: view.severityHistory.map((s) => ({
      method: s.method,
      vector: s.vector,
      severity: s.severity,
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

/** The team's JSON API: the same service calls as the pages, authenticated by bearer token. */
export function registerReportsApi(
  app: Hono<AppEnv>,
  deps: { reports: ReportsService; auth: ApiTokenLookup },
) {
  app.get("/api/v1/reports", requireApi(deps.auth, "report.read"), async (c) => {
    const query = inboxQuerySchema.parse(c.req.query());
    const page = await deps.reports.inbox(query, c.var.user);
    return c.json({
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
      /** True when more than `total` reports match: counting stops 1,000 past the requested page. */
      totalIsLowerBound: page.totalIsLowerBound,
      page: page.page,
      perPage: page.perPage,
    });
  });

  app.get("/api/v1/reports/:id", requireApi(deps.auth, "report.read"), async (c) => {
    return c.json(reportJson(await deps.reports.teamView(c.req.param("id"))));
  });

  app.post("/api/v1/reports/:id/messages", requireApi(deps.auth, "report.message"), async (c) => {
    const body = await readJsonObject(c);
    const message = await deps.reports.postMessage(c.var.user!, c.req.param("id"), body);
    return c.json(message, 201);
  });

  app.post("/api/v1/reports/:id/actions", requireApi(deps.auth, "report.act"), async (c) => {
    const body = await readJsonObject(c);
    const { id } = await deps.reports.act(c.var.user!, c.req.param("id"), body);
    return c.json(reportJson(await deps.reports.teamView(id)), 200);
  });
}
