import { listReportEvents } from "../../audit/audit-log.ts";
import { notFound } from "../../core/errors.ts";
import { sha256Hex } from "../../crypto/tokens.ts";
import { evaluateSla, needsInfoExpiresAt } from "../../domain/sla.ts";
import { waitingForSomeone } from "../../domain/waiting.ts";
import {
  availableActions,
  isOpen,
  REJECTION_LABELS,
  type ReportState,
  type Severity,
  STATE_LABELS,
} from "../../domain/workflow.ts";
import { findFixRepository } from "./consultation.repo.ts";
import type { createReportConsultation } from "./consultation.service.ts";
import { loadUndoState, undoSummary } from "./rejection-undo.service.ts";
import { decryptBody, type ReportsContext, requireReport } from "./report-context.service.ts";
import { factsOf, slaFacts } from "./report-facts.service.ts";
import {
  findAsset,
  findAttachment,
  findReport,
  findReportByTokenHash,
  findReporter,
  listAttachmentMeta,
  listFixes,
  listFixVerifications,
  listMessages,
  listSeverityScores,
} from "./reports.repo.ts";
import { historyFacts } from "./severity-scores.service.ts";
import { describeEvent, reporterTimeline } from "./timeline.views.ts";

/** What the team and the reporter see of a report, and its attachments. */
export function createReportViews(
  ctx: ReportsContext,
  consultation: Pick<ReturnType<typeof createReportConsultation>, "teamConsultation">,
) {
  const { db, clock, cipher, features } = ctx;

  /** Everything the team sees about one report. */
  async function teamView(idOrRef: string) {
    const report = await requireReport(db, idOrRef);
    const [reporter, asset, messageRows, attachmentRows, fixRows, scores, events, sla] = await Promise.all([
      findReporter(db, report.reporterId),
      findAsset(db, report.assetId),
      listMessages(db, report.id),
      listAttachmentMeta(db, report.id),
      listFixes(db, report.id),
      listSeverityScores(db, report.id),
      listReportEvents(db, report.id),
      features.settings.sla(db),
    ]);
    const people = new Map<string, { id: string; name: string; email: string }>();
    const person = async (id: string | null) => {
      if (!id) return null;
      if (!people.has(id)) {
        const u = await features.team.byId(id, db);
        people.set(id, u ? { id: u.id, name: u.name, email: u.email } : { id, name: "(removed)", email: "" });
      }
      return people.get(id)!;
    };
    const verifications = await listFixVerifications(
      db,
      fixRows.map((f) => f.id),
    );
    const [fixRepository, consulted] = await Promise.all([
      findFixRepository(db, report.id),
      consultation.teamConsultation(db, report.id),
    ]);
    const facts = factsOf(report, fixRows, verifications, fixRepository !== null);
    const undo =
      report.state === "rejected" ? await loadUndoState(features, db, report, reporter.email, clock()) : null;
    if (undo) facts.undo = undo.facts;
    const duplicateOf = report.duplicateOfId ? await findReport(db, report.duplicateOfId) : null;
    const now = clock();
    return {
      id: report.id,
      reference: report.reference,
      title: report.title,
      state: report.state as ReportState,
      stateLabel: STATE_LABELS[report.state as ReportState],
      severity: report.severity as Severity | null,
      assignee: (await person(report.assigneeId))?.email ?? null,
      assigneeUser: await person(report.assigneeId),
      source: report.source,
      asset: asset
        ? { id: asset.id, name: asset.name, identifier: asset.identifier, inScope: asset.inScope }
        : null,
      weakness: report.weakness,
      ...decryptBody(ctx, report),
      /** What the reporter proposed at intake: theirs, shown as theirs, never the team's score. */
      reporterProposal: { cvss: report.reporterCvss, affectedVersions: report.affectedVersions },
      reporter: {
        name: reporter.name,
        email: reporter.email,
        credit: reporter.credit,
        keyFingerprint: (await features.keys.reporterKey(reporter.id, db))?.fingerprint ?? null,
      },
      receivedAt: report.receivedAt,
      acknowledgedAt: report.acknowledgedAt,
      triagedAt: report.triagedAt,
      resolvedAt: report.resolvedAt,
      closedAt: report.closedAt,
      updatedAt: report.updatedAt,
      deadlines: {
        acknowledgeBy: report.acknowledgeBy,
        triageBy: report.triageBy,
        resolveBy: report.resolveBy,
      },
      sla: evaluateSla(slaFacts(report), sla, now),
      waitingSince: report.needsInfo ? report.needsInfoSince : null,
      waitingExpiresAt:
        report.needsInfo && report.needsInfoSince ? needsInfoExpiresAt(report.needsInfoSince, sla) : null,
      rejectionReason: report.rejectionReason,
      duplicateOf: duplicateOf ? { id: duplicateOf.id, reference: duplicateOf.reference } : null,
      release: { verification: report.releaseVerification, overrideReason: report.releaseOverrideReason },
      advisoryUrl: report.advisoryUrl,
      noAdvisoryReason: report.noAdvisoryReason,
      fixes: await Promise.all(
        fixRows.map(async (f) => ({
          id: f.id,
          url: f.url,
          sha: f.sha,
          author: await person(f.authorId),
          createdAt: f.createdAt,
          verifications: await Promise.all(
            verifications
              .filter((v) => v.fixId === f.id)
              .map(async (v) => ({ verifier: await person(v.verifierId), at: v.createdAt })),
          ),
        })),
      ),
      severityHistory: scores.map(({ score, setBy }) => ({
        method: score.method,
        vector: score.vector,
        severity: score.severity,
        ...historyFacts(score),
        details: score.details,
        reason: score.reason,
        setBy,
        at: score.createdAt,
      })),
      messages: await Promise.all(
        messageRows.map(async (m) => ({
          id: m.id,
          authorType: m.authorType,
          author:
            m.authorType === "team"
              ? ((await person(m.authorUserId))?.name ?? "Team")
              : m.authorType === "reporter"
                ? (reporter.name ?? "Reporter")
                : "Embargo",
          visibility: m.visibility,
          kind: m.kind,
          withdrawnAt: m.withdrawnAt,
          body: cipher.decryptText(m.bodyEnc),
          createdAt: m.createdAt,
          attachments: attachmentRows.filter((a) => a.messageId === m.id),
        })),
      ),
      attachments: attachmentRows.filter((a) => a.messageId === null),
      timeline: await Promise.all(
        events.map(async (e) => ({
          at: new Date(e.occurredAt),
          actor:
            e.actorType === "user"
              ? ((await person(e.actorId))?.name ?? "Team")
              : e.actorType === "reporter"
                ? "Reporter"
                : "Embargo",
          action: e.action,
          text: describeEvent(e.action, e.data as Record<string, unknown>),
        })),
      ),
      /** The private fix repository's branch, when create_fix_branch made one. */
      fixRepository: fixRepository ? { branch: fixRepository.branch, baseSha: fixRepository.baseSha } : null,
      /** The reporter's check of the fix: the latest invitation, their answers and their clone access. */
      consultation: {
        ...consulted,
        invitation: consulted.invitation
          ? { ...consulted.invitation, by: await person(consulted.invitation.byId) }
          : null,
      },
      availableActions: availableActions(facts),
      undoRejection: undo ? undoSummary(undo.facts) : null,
      nobodyAvailable: waitingForSomeone(events, report.assigneeId),
    };
  }

  /**
   * The report's severity with the score that set it: the newest score of the method the organisation takes
   * severity from. A severity without such a score (set before scores were kept) is shown without one.
   */
  async function sharedSeverity(reportId: string, level: Severity | null) {
    if (!level) return null;
    const scores = await listSeverityScores(db, reportId);
    const setting = scores.find(({ score }) => historyFacts(score).setsReportSeverity);
    if (!setting) return { level, method: null, score: null, version: null, vector: null };
    const facts = historyFacts(setting.score);
    return {
      level,
      method: setting.score.method as "owasp" | "cvss",
      score: facts.score,
      version: facts.version,
      vector: setting.score.vector,
    };
  }

  /** What the holder of a tracking link may see: no internal notes, no team identities beyond "security team". */
  async function reporterView(token: string) {
    const report = await findReportByTokenHash(db, sha256Hex(token));
    if (!report) return null;
    const [reporter, messageRows, attachmentRows, events, asset, org] = await Promise.all([
      findReporter(db, report.reporterId),
      listMessages(db, report.id, "reporter"),
      listAttachmentMeta(db, report.id),
      listReportEvents(db, report.id),
      findAsset(db, report.assetId),
      features.settings.org(db),
    ]);
    // With sharing off, the link holder learns nothing of the severity: not even that one was set.
    const shared = org.shareSeverityWithReporters !== "false";
    const severity = shared ? await sharedSeverity(report.id, report.severity as Severity | null) : null;
    return {
      reference: report.reference,
      title: report.title,
      state: report.state as ReportState,
      stateLabel: STATE_LABELS[report.state as ReportState],
      severity: severity?.level ?? null,
      /** The score and vector behind the severity, when the organisation shares it with reporters. */
      sharedSeverity: severity,
      rejectionReason: report.rejectionReason
        ? REJECTION_LABELS[report.rejectionReason as keyof typeof REJECTION_LABELS]
        : null,
      asset: asset?.name ?? "Other",
      weakness: report.weakness,
      ...decryptBody(ctx, report),
      reporterProposal: { cvss: report.reporterCvss, affectedVersions: report.affectedVersions },
      reporter: { name: reporter.name, email: reporter.email, credit: reporter.credit },
      receivedAt: report.receivedAt,
      deadlines: {
        acknowledgeBy: report.acknowledgedAt ? null : report.acknowledgeBy,
        acknowledgedAt: report.acknowledgedAt,
        triageBy: report.triagedAt ? null : report.triageBy,
        resolveBy: isOpen(report.state as ReportState) && !report.resolvedAt ? report.resolveBy : null,
      },
      /** Set while the team waits for the reporter's answer; the page asks them to reply. */
      waitingSince: report.needsInfo ? report.needsInfoSince : null,
      timeline: reporterTimeline(events),
      messages: messageRows.map((m) => ({
        id: m.id,
        from: m.authorType === "reporter" ? "You" : "Security team",
        mine: m.authorType === "reporter",
        kind: m.kind,
        body: cipher.decryptText(m.bodyEnc),
        createdAt: m.createdAt,
        attachments: attachmentRows.filter((a) => a.messageId === m.id),
      })),
      attachments: attachmentRows.filter((a) => a.messageId === null),
    };
  }

  /** An attachment for the team. */
  async function attachmentForTeam(idOrRef: string, attachmentId: string) {
    const report = await requireReport(db, idOrRef);
    const row = await findAttachment(db, report.id, attachmentId);
    if (!row) throw notFound("Attachment");
    return { filename: row.filename, contentType: row.contentType, data: cipher.decrypt(row.dataEnc) };
  }

  /** An attachment for the reporter: only the report's own files and those on reporter-visible messages. */
  async function attachmentForReporter(token: string, attachmentId: string) {
    const report = await findReportByTokenHash(db, sha256Hex(token));
    if (!report) throw notFound("Attachment");
    const row = await findAttachment(db, report.id, attachmentId);
    if (!row) throw notFound("Attachment");
    if (row.messageId) {
      const visible = await listMessages(db, report.id, "reporter");
      if (!visible.some((m) => m.id === row.messageId)) throw notFound("Attachment");
    }
    return { filename: row.filename, contentType: row.contentType, data: cipher.decrypt(row.dataEnc) };
  }

  return { teamView, reporterView, attachmentForTeam, attachmentForReporter };
}
