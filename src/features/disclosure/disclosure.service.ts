import { appendAuditEvent } from "../../audit/audit-log.ts";
import { authorOf, type CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { badRequest, conflict, forbidden, notFound } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import {
  agreedDate,
  type DisclosureClock,
  type DisclosureMove,
  decideMove,
  disclosureClock,
  disclosureTarget,
  extensionProblem,
  type NegotiationEntry,
  type NegotiationState,
  negotiationState,
  parseDisclosureDate,
} from "../../domain/disclosure.ts";
import { can } from "../../domain/permissions.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { OutboxService } from "../outbox/outbox.service.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import {
  clockFactsFor,
  type DisclosureEntryRow,
  type DisclosureReport,
  findPlan,
  findReport,
  insertEntry,
  insertExtension,
  listEntries,
  listExtensions,
  releasesCovering,
  reportsByIds,
  reportsWithScheduledRelease,
  savePlan,
} from "./disclosure.repo.ts";

export interface DisclosureDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  publicUrl: string;
  outbox: Pick<OutboxService, "queue">;
  alerts: Pick<AlertsService, "queue">;
  /** The tracking link's report and the "news on your tracking page" mail, as the reports feature has them. */
  reports: Pick<ReportsService, "reportIdForTrackingToken" | "newsForReporterInTx">;
}

/** One move as both sides see it. */
export interface DisclosureEntryView {
  id: string;
  move: DisclosureMove;
  by: "reporter" | "team";
  date: string | null;
  text: string | null;
  at: Date;
}

/** The negotiation and the 90-day clock, as the report page, the tracking page and the API show them. */
export interface DisclosureView {
  reportId: string;
  state: NegotiationState;
  entries: DisclosureEntryView[];
  /** The latest request's id: what the team answers and the reporter accepts a counter-proposal of. */
  openRequestId: string | null;
  target: Date;
  clock: DisclosureClock;
  plannedDate: string | null;
  release: { id: string; version: string; state: string; publishAt: Date } | null;
  extensions: { until: Date; reason: string; at: Date }[];
}

const DECISIONS = { agree: "agree", propose: "propose", decline: "decline" } as const;
const NOT_RUNNING = new Set(["disclosed", "closed", "rejected"]);

/** The milliseconds the SLA clock has stood still while the team waited for the reporter, up to now. */
export function pausedMsOf(report: DisclosureReport, now: Date): number {
  const current =
    report.needsInfo && report.needsInfoSince ? now.getTime() - report.needsInfoSince.getTime() : 0;
  return report.pausedMs + Math.max(0, current);
}

/** Disclosure requests, the team's answers and the 90-day target (issue 14 §3). */
export function createDisclosureService(deps: DisclosureDeps) {
  const { db, clock, cipher } = deps;

  const entryView = (e: DisclosureEntryRow): DisclosureEntryView => ({
    id: e.id,
    move: e.move,
    by: e.by,
    date: e.date,
    text: e.textEnc ? cipher.decryptText(e.textEnc) : null,
    at: e.at,
  });
  const asNegotiation = (e: DisclosureEntryView): NegotiationEntry => ({
    move: e.move,
    by: e.by,
    date: e.date,
    text: e.text,
    at: e.at,
  });

  async function viewOf(dbOrTx: Db, report: DisclosureReport): Promise<DisclosureView> {
    const now = clock();
    const [rows, extensions, plan, covering] = await Promise.all([
      listEntries(dbOrTx, report.id),
      listExtensions(dbOrTx, report.id),
      findPlan(dbOrTx, report.id),
      releasesCovering(dbOrTx, report.id),
    ]);
    const entries = rows.map(entryView);
    const target = disclosureTarget({
      receivedAt: report.receivedAt,
      pausedMs: pausedMsOf(report, now),
      extensions: extensions.map((x) => ({ until: x.until, reason: "" })),
    });
    const release = covering.find((r) => r.id === plan?.releaseId) ?? covering[0] ?? null;
    return {
      reportId: report.id,
      state: negotiationState(entries),
      entries,
      openRequestId: [...entries].reverse().find((e) => e.move === "request")?.id ?? null,
      target,
      clock: disclosureClock(target, now, {
        disclosed: NOT_RUNNING.has(report.state),
        releaseScheduled: covering.some((r) => r.state === "scheduled" || r.state === "published"),
        reporterRequested: entries.some((e) => e.move === "request"),
      }),
      plannedDate: plan?.plannedDate ?? null,
      release,
      extensions: extensions.map((x) => ({
        until: x.until,
        reason: cipher.decryptText(x.reasonEnc),
        at: x.createdAt,
      })),
    };
  }

  /** Tells the reporter by mail that there is news, never what it is: they read it on the tracking page. */
  const tellReporter = (tx: Tx, report: DisclosureReport, what: string) =>
    deps.reports.newsForReporterInTx(tx, report.id, what);

  /** Decides and writes one move under the report's lock, with its audit event, plan and notice. */
  async function move(
    reportId: string,
    by: "reporter" | "team",
    actor: CurrentUser | null,
    input: { move: DisclosureMove; date?: unknown; text?: unknown },
    requestId: string | null,
  ): Promise<DisclosureEntryView> {
    return transaction(db, async (tx) => {
      const report = await findReport(tx, reportId, { forUpdate: true });
      if (!report) throw notFound("Report");
      const entries = (await listEntries(tx, report.id)).map(entryView);
      if (requestId !== null) {
        const open = [...entries].reverse().find((e) => e.move === "request");
        if (!open || open.id !== requestId) {
          if (entries.some((e) => e.id === requestId))
            throw conflict("stale_request", "A newer disclosure request has been made; answer that one.");
          throw notFound("Disclosure request");
        }
      }
      if (NOT_RUNNING.has(report.state))
        throw conflict("invalid_transition", "The report is already disclosed or closed.");
      const now = clock();
      const decision = decideMove(
        entries.map(asNegotiation),
        {
          move: input.move,
          by,
          date: typeof input.date === "string" ? input.date : input.date == null ? null : String(input.date),
          text: input.text == null ? null : (input.text as string),
        },
        now,
      );
      if (!decision.ok) {
        if (decision.code === "guard_failed")
          throw badRequest(decision.message, { [fieldName(input.move, decision.field)]: decision.message });
        throw conflict(decision.code, decision.message);
      }
      const entry = await insertEntry(tx, {
        reportId: report.id,
        move: decision.entry.move,
        by,
        date: decision.entry.date,
        textEnc: decision.entry.text ? cipher.encrypt(decision.entry.text) : null,
        actorUserId: actor ? authorOf(actor).authorUserId : null,
        at: now,
      });
      const agreed =
        decision.to === "agreed" ? agreedDate([...entries.map(asNegotiation), decision.entry]) : null;
      if (agreed) {
        const covering = await releasesCovering(tx, report.id);
        await savePlan(tx, {
          reportId: report.id,
          plannedDate: agreed,
          releaseId: covering[0]?.id ?? null,
          updatedAt: now,
        });
      }
      await appendAuditEvent(
        tx,
        {
          actorType: by === "reporter" ? "reporter" : authorOf(actor!).actorType,
          actorId: by === "reporter" ? report.reporterId : authorOf(actor!).actorId,
          action: `disclosure.${decision.entry.move}`,
          reportId: report.id,
          data: { entryId: entry.id, date: decision.entry.date, state: decision.to, plannedDate: agreed },
        },
        now,
      );
      if (by === "reporter")
        await deps.alerts.queue(tx, {
          event: "disclosure_requested",
          reportId: report.id,
          ...(report.assigneeId ? { userIds: [report.assigneeId] } : {}),
          detail:
            decision.entry.move === "accept" ? "reporter accepted the proposed date" : "disclosure requested",
          occurrence: entry.id,
        });
      else
        await tellReporter(
          tx,
          report,
          `The security team answered your disclosure request for ${report.reference}.`,
        );
      return entryView(entry);
    });
  }

  const reportIdForToken = async (token: string) => {
    const id = await deps.reports.reportIdForTrackingToken(token);
    if (!id) throw notFound("Report");
    return id;
  };

  return {
    /** The reporter asks to disclose on a date, or proposes again. */
    async requestAsReporter(token: string, raw: unknown) {
      const body = objectOf(raw);
      return move(
        await reportIdForToken(token),
        "reporter",
        null,
        { move: "request", date: body.date, text: body.message },
        null,
      );
    },
    /** The reporter accepts the team's counter-proposal on request `requestId`. */
    async acceptAsReporter(token: string, requestId: string) {
      return move(await reportIdForToken(token), "reporter", null, { move: "accept" }, requestId);
    },
    /** The team's answer to request `requestId`: agree, propose another date with a reason, or decline with one. */
    async answer(actor: CurrentUser, reportId: string, requestId: string, raw: unknown) {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot answer disclosure requests.");
      const body = objectOf(raw);
      const decision = body.decision;
      if (typeof decision !== "string" || !Object.hasOwn(DECISIONS, decision))
        throw badRequest("Choose agree, propose or decline.", {
          decision: "Choose agree, propose or decline.",
        });
      return move(
        reportId,
        "team",
        actor,
        { move: decision as DisclosureMove, date: body.date, text: body.reason },
        requestId,
      );
    },
    /** Moves the 90-day target later, with a reason the reporter is told. */
    async extendTarget(actor: CurrentUser, reportId: string, raw: unknown) {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot extend the disclosure target.");
      const body = objectOf(raw);
      const until =
        typeof body.until === "string"
          ? (parseDisclosureDate(body.until) ?? (/T/.test(body.until) ? new Date(body.until) : null))
          : null;
      if (!until || !Number.isFinite(until.getTime()))
        throw badRequest("Give the new target as a date (YYYY-MM-DD).", {
          until: "Give the new target as a date (YYYY-MM-DD).",
        });
      return transaction(db, async (tx) => {
        const report = await findReport(tx, reportId, { forUpdate: true });
        if (!report) throw notFound("Report");
        const current = await viewOf(tx, report);
        const problem = extensionProblem(current.target, until, body.reason);
        if (problem) throw badRequest(problem, { [/reason/i.test(problem) ? "reason" : "until"]: problem });
        const now = clock();
        const reason = (body.reason as string).trim();
        const row = await insertExtension(tx, {
          reportId: report.id,
          until,
          reasonEnc: cipher.encrypt(reason),
          actorUserId: authorOf(actor).authorUserId,
          createdAt: now,
        });
        await appendAuditEvent(
          tx,
          {
            ...pickActor(actor),
            action: "disclosure.extend",
            reportId: report.id,
            data: { extensionId: row.id, from: current.target.toISOString(), until: until.toISOString() },
          },
          now,
        );
        await tellReporter(
          tx,
          report,
          `The disclosure target for ${report.reference} was moved to ${until.toISOString().slice(0, 10)}; the reason is on your tracking page.`,
        );
        return { until, reason };
      });
    },
    /** The report page's disclosure section. */
    async teamView(reportId: string): Promise<DisclosureView> {
      const report = await findReport(db, reportId);
      if (!report) throw notFound("Report");
      return viewOf(db, report);
    },
    /** The reporter's disclosure section and GET view, by report id (the caller resolved the link). */
    async disclosureForReporter(reportId: string): Promise<DisclosureView | null> {
      const report = await findReport(db, reportId);
      return report ? viewOf(db, report) : null;
    },
    /** The report a live tracking link opens; 404 otherwise. */
    reportIdForToken,
    /** Where the clock stands for each of these reports (the inbox rows' overdue mark), in few queries. */
    async clocks(reportIds: string[]): Promise<Map<string, { target: Date; clock: DisclosureClock }>> {
      const now = clock();
      const [rows, facts, scheduled] = await Promise.all([
        reportsByIds(db, reportIds),
        clockFactsFor(db, reportIds),
        reportsWithScheduledRelease(db, reportIds),
      ]);
      const out = new Map<string, { target: Date; clock: DisclosureClock }>();
      for (const r of rows) {
        const target = disclosureTarget({
          receivedAt: r.receivedAt,
          pausedMs: pausedMsOf(r, now),
          extensions: (facts.extensions.get(r.id) ?? []).map((until) => ({ until, reason: "" })),
        });
        out.set(r.id, {
          target,
          clock: disclosureClock(target, now, {
            disclosed: NOT_RUNNING.has(r.state),
            releaseScheduled: scheduled.has(r.id),
            reporterRequested: facts.requested.has(r.id),
          }),
        });
      }
      return out;
    },
  };
}

function objectOf(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw badRequest("Send a JSON object.", { _: "Send a JSON object." });
  return raw as Record<string, unknown>;
}

/** The API's field names: the reporter's text is `message`, the team's is `reason`. */
function fieldName(move: DisclosureMove, field: "date" | "text" | undefined): string {
  if (field === "date") return "date";
  return move === "request" ? "message" : "reason";
}

function pickActor(actor: CurrentUser) {
  const a = authorOf(actor);
  return { actorType: a.actorType, actorId: a.actorId };
}

export type DisclosureService = ReturnType<typeof createDisclosureService>;
