/**
 * Seeds a benchmark database with many reports through direct SQL: multi-row inserts, one transaction per batch,
 * and none of the intake's per-report work. The rows are what the services would have written, so every page
 * reads them as real data: bodies and messages sealed with the data cipher, keyed search indexes, deadlines from
 * the SLA policy, and an audit chain (each report's events, hashed in order) whose head matches, so audit verify
 * passes over it.
 */
import { createHash, randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { transaction } from "../../src/core/db.ts";
import type { DataCipher } from "../../src/crypto/data-key.ts";
import { assets, auditEvents, auditHead, messages, reporters, reports } from "../../src/db/schema.ts";
import { hashEvent } from "../../src/domain/audit-chain.ts";
import { awaitingTeamAfter } from "../../src/domain/inbox-activity.ts";
import { computeDeadlines } from "../../src/domain/sla.ts";
import { WEAKNESSES } from "../../src/domain/weaknesses.ts";
import { formatReference } from "../../src/features/reports/report-facts.service.ts";
import { reportText, searchHasher, vectorSql } from "../../src/features/search/search-index.service.ts";
import type { TestDb } from "../helpers/db.ts";
import { rng, topicWords, words } from "./corpus.ts";

const DAY = 86_400_000;

/** Where a report ends up, with its share of a mature programme's history: most reports are long settled. */
const STATE_SPREAD: ReadonlyArray<[string, number]> = [
  ["new", 0.02],
  ["acknowledged", 0.02],
  ["triage", 0.03],
  ["confirmed", 0.03],
  ["remediation", 0.04],
  ["fix_ready", 0.02],
  ["released", 0.04],
  ["disclosed", 0.2],
  ["closed", 0.35],
  ["rejected", 0.25],
];
/** The path to each state, as the audit actions that lead there. */
const PATH: ReadonlyArray<[string, string]> = [
  ["acknowledged", "report.acknowledge"],
  ["triage", "report.start_triage"],
  ["confirmed", "report.confirm"],
  ["remediation", "report.start_remediation"],
  ["fix_ready", "report.verify_fix"],
  ["released", "report.release"],
  ["disclosed", "report.disclose"],
  ["closed", "report.close"],
];
const SEVERITY_SPREAD: ReadonlyArray<[string | null, number]> = [
  [null, 0.2],
  ["note", 0.05],
  ["low", 0.2],
  ["medium", 0.3],
  ["high", 0.18],
  ["critical", 0.07],
];
const SOURCE_SPREAD: ReadonlyArray<["web" | "api" | "email", number]> = [
  ["web", 0.6],
  ["email", 0.3],
  ["api", 0.1],
];
const REJECTIONS = [
  "invalid",
  "duplicate",
  "out_of_scope",
  "not_reproducible",
  "informative",
  "wont_fix",
  "spam",
];

function pick<T>(spread: ReadonlyArray<[T, number]>, u: number): T {
  let acc = 0;
  for (const [value, share] of spread) {
    acc += share;
    if (u < acc) return value;
  }
  return spread.at(-1)![0];
}

export interface SeedOptions {
  count: number;
  cipher: DataCipher;
  /** Team members reports are assigned to; some reports stay unassigned. */
  assigneeIds: readonly string[];
  /** The newest report is received just before this instant; the oldest about three years earlier. */
  now: Date;
  batchSize?: number;
}

export interface SeedResult {
  ids: string[];
  references: string[];
  messages: number;
  events: number;
  ms: number;
}

type ReportRow = typeof reports.$inferInsert;
type MessageRow = typeof messages.$inferInsert;
type EventRow = typeof auditEvents.$inferInsert;

/** Seeds `count` reports with about three messages each, and their audit events, in batches. */
export async function seedReports(t: TestDb, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const { cipher, count, now } = options;
  const batchSize = options.batchSize ?? 1000;
  const db = t.database.db;
  const hasher = searchHasher(cipher);
  const sla = await t.services.settings.sla();
  const assetRows = await db
    .insert(assets)
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        name: `Product ${i} ${topicWords(900 + i, 1)}`,
        identifier: `https://app${i}.example.com`,
        inScope: i < 10,
        tags: [topicWords(950 + i, 1)],
      })),
    )
    .returning({ id: assets.id, name: assets.name, identifier: assets.identifier });
  const [head] = await db.select().from(auditHead);
  let seq = head?.seq ?? 0;
  let prevHash = head?.hash ?? "0".repeat(64);
  const [{ n: seqBase } = { n: 0 }] = (
    (await db.execute(sql`select coalesce(max(seq), 0)::int as n from reports`)) as unknown as {
      rows: { n: number }[];
    }
  ).rows;
  const ids: string[] = [];
  const references: string[] = [];
  let messageCount = 0;
  let eventCount = 0;
  const span = 3 * 365 * DAY;

  for (let start = 0; start < count; start += batchSize) {
    const reporterRows: (typeof reporters.$inferInsert)[] = [];
    const reportRows: ReportRow[] = [];
    const messageRows: MessageRow[] = [];
    const eventRows: EventRow[] = [];
    const end = Math.min(count, start + batchSize);
    for (let i = start; i < end; i++) {
      const next = rng(i + 17);
      const id = randomUUID();
      const reporterId = randomUUID();
      const receivedAt = new Date(now.getTime() - span * (1 - i / count) - DAY * next());
      const n = seqBase + i + 1;
      const reference = formatReference(receivedAt.getUTCFullYear(), n);
      const state = pick(STATE_SPREAD, next());
      const severity = state === "new" || state === "acknowledged" ? null : pick(SEVERITY_SPREAD, next());
      const source = pick(SOURCE_SPREAD, next());
      const assigneeId =
        next() < 0.15 ? null : options.assigneeIds[Math.floor(next() * options.assigneeIds.length)]!;
      const asset = next() < 0.8 ? assetRows[Math.floor(next() * assetRows.length)]! : null;
      const title =
        `${topicWords(i, 3)} in ${words(i + 1, 2)} ${i % 7 === 0 ? `part${(i % 997).toString(36)}` : ""}`
          .trim()
          .slice(0, 200);
      const body = {
        description: words(i + 2, 40 + Math.floor(next() * 60)),
        steps: words(i + 3, 20 + Math.floor(next() * 40)),
        impact: words(i + 4, 10 + Math.floor(next() * 15)),
      };
      const deadlines = computeDeadlines(receivedAt, sla);
      // Each step of the report's history, a few hours to days apart.
      let at = receivedAt.getTime();
      const step = () => {
        at += DAY * (0.1 + 3 * next());
        return new Date(at);
      };
      const events: Omit<EventRow, "seq" | "prevHash" | "hash">[] = [
        {
          id: randomUUID(),
          occurredAt: receivedAt,
          actorType: "reporter",
          actorId: reporterId,
          action: "report.received",
          reportId: id,
          data: { reference, source, attachments: 0, titleSha256: sha256(title) },
        },
      ];
      const facts: Partial<ReportRow> = {};
      let from = "new";
      const target = state === "rejected" ? "triage" : state;
      for (const [to, action] of PATH) {
        if (from === target) break;
        const when = step();
        if (to === "acknowledged") facts.acknowledgedAt = when;
        if (to === "confirmed") facts.triagedAt = when;
        if (to === "released") facts.resolvedAt = when;
        if (to === "closed") facts.closedAt = when;
        events.push(transition(action, from, to, id, when, assigneeId));
        from = to;
      }
      let duplicateOfId: string | null = null;
      let rejectionReason: string | null = null;
      if (state === "rejected") {
        rejectionReason = REJECTIONS[Math.floor(next() * REJECTIONS.length)]!;
        if (rejectionReason === "duplicate" && ids.length > 0) {
          duplicateOfId = ids[Math.floor(next() * ids.length)]!;
        }
        const when = step();
        facts.closedAt = when;
        events.push({
          ...transition("report.reject", from, "rejected", id, when, assigneeId),
          data: { from, to: "rejected", reason: rejectionReason },
        });
      }
      const open = state !== "closed" && state !== "rejected";
      const needsInfo = open && state !== "new" && next() < 0.1;
      // A message thread: the reporter's follow-ups, the team's answers and internal notes.
      const threadLength = Math.floor(next() * 7);
      // The team's wait as the services keep it: from receipt, ended by the acknowledgement or the rejection's
      // message, started again by a reporter message, ended by a reply the reporter sees.
      let awaitingTeamSince = awaitingTeamAfter(
        facts.acknowledgedAt || state === "rejected" ? "team_update" : "received",
        null,
        receivedAt,
      );
      let lastReporterMessageAt = receivedAt;
      for (let m = 0; m < threadLength; m++) {
        const kindRoll = next();
        const authorType = kindRoll < 0.4 ? "reporter" : "team";
        const visibility = authorType === "team" && kindRoll > 0.8 ? "internal" : "reporter";
        const text = words(i * 7 + m + 5, 15 + Math.floor(next() * 50));
        const createdAt = step();
        if (authorType === "reporter") {
          lastReporterMessageAt = createdAt;
          awaitingTeamSince = awaitingTeamAfter("reporter_message", awaitingTeamSince, createdAt);
        } else if (visibility === "reporter") {
          awaitingTeamSince = awaitingTeamAfter("team_update", awaitingTeamSince, createdAt);
        }
        messageRows.push({
          id: randomUUID(),
          reportId: id,
          authorType,
          authorUserId: authorType === "team" ? assigneeId : null,
          visibility,
          kind: visibility === "internal" ? "note" : "message",
          bodyEnc: cipher.encrypt(text),
          searchIndex: vectorSql(hasher, { b: text }) as unknown as string,
          createdAt,
        });
      }
      reporterRows.push({
        id: reporterId,
        email: next() < 0.9 ? `researcher${i % 20_000}@example.net` : null,
        name: next() < 0.7 ? `Researcher ${i % 20_000}` : null,
        credit: next() < 0.5 ? "handle" : "anonymous",
        createdAt: receivedAt,
      });
      reportRows.push({
        id,
        seq: n,
        reference,
        title,
        assetId: asset?.id ?? null,
        weakness: WEAKNESSES[Math.floor(next() * WEAKNESSES.length)]!.id,
        bodyEnc: cipher.encryptJson(body),
        source,
        reporterId,
        state,
        severity,
        assigneeId,
        rejectionReason,
        duplicateOfId,
        // Some reports carry the likely duplicate the intake ranked, so the inbox's join has rows to find.
        likelyDuplicateOfId: duplicateOfId ?? (ids.length > 0 && next() < 0.05 ? ids.at(-1)! : null),
        likelyDuplicateScore: 72,
        lastReporterMessageAt,
        awaitingTeamSince,
        receivedAt,
        ...facts,
        lastReporterUpdateAt: facts.acknowledgedAt ?? null,
        needsInfo,
        needsInfoSince: needsInfo ? new Date(at) : null,
        searchIndex: vectorSql(hasher, reportText(title, body, asset)) as unknown as string,
        acknowledgeBy: deadlines.acknowledgeBy,
        triageBy: deadlines.triageBy,
        resolveBy: deadlines.resolveBy,
        updatedAt: new Date(at),
      });
      for (const event of events) {
        seq += 1;
        const content = {
          seq,
          id: event.id!,
          occurredAt: event.occurredAt.toISOString(),
          actorType: event.actorType,
          actorId: event.actorId ?? null,
          action: event.action,
          reportId: event.reportId ?? null,
          data: event.data,
        };
        const hash = hashEvent(content, prevHash);
        eventRows.push({ ...event, seq, prevHash, hash });
        prevHash = hash;
      }
      ids.push(id);
      references.push(reference);
    }
    await transaction(db, async (tx) => {
      await tx.insert(reporters).values(reporterRows);
      await tx.insert(reports).values(reportRows);
      for (let m = 0; m < messageRows.length; m += batchSize) {
        await tx.insert(messages).values(messageRows.slice(m, m + batchSize));
      }
      for (let e = 0; e < eventRows.length; e += batchSize) {
        await tx.insert(auditEvents).values(eventRows.slice(e, e + batchSize));
      }
      await tx
        .insert(auditHead)
        .values({ id: 1, seq, hash: prevHash })
        .onConflictDoUpdate({ target: auditHead.id, set: { seq, hash: prevHash } });
    });
    messageCount += messageRows.length;
    eventCount += eventRows.length;
  }
  await db.execute(sql`select setval('report_seq', ${seqBase + count})`);
  // PostgreSQL's autovacuum would soon vacuum and analyze the new rows (statistics for the planner, the visibility
  // map for index-only scans); PGlite runs no autovacuum, so both get it here.
  await db.execute(sql`vacuum analyze`);
  return { ids, references, messages: messageCount, events: eventCount, ms: performance.now() - started };
}

function transition(
  action: string,
  from: string,
  to: string,
  reportId: string,
  at: Date,
  actorId: string | null,
): Omit<EventRow, "seq" | "prevHash" | "hash"> {
  return {
    id: randomUUID(),
    occurredAt: at,
    actorType: actorId ? "user" : "system",
    actorId,
    action,
    reportId,
    data: { from, to },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
