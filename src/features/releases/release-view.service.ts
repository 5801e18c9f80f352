// A release as pages and the API read it: its facts, its reports, and the "getting ready" checklist computed
// from real facts (reports' states and verifications, consultations, waivers, advisories, recipients' keys,
// credits) by the pure rules in src/domain/release-checklist.ts.

import type { Db } from "../../core/db.ts";
import {
  type ChecklistItem,
  type ChecklistRecipient,
  type ChecklistReport,
  releaseChecklist,
} from "../../domain/release-checklist.ts";
import type { ReleaseTrack } from "../../domain/release-policy.ts";
import type { ReportState } from "../../domain/workflow.ts";
import type { Severity } from "../../domain/workflow-states.ts";
import type { ReleaseAdvisory } from "../advisories/advisories.types.ts";
import type { ReleasesDeps } from "./releases.deps.ts";
import {
  creditsOf,
  itemsOf,
  latestConsultations,
  listIdsOfRelease,
  type ReleaseItemRow,
  type ReleaseRow,
  type ReleaseWaiverRow,
  releaseHistory,
  reportsOfReleases,
  reportsWithVerifiedFix,
  waiversOf,
} from "./releases.repo.ts";

export interface ReleaseReportView {
  id: string;
  reference: string;
  title: string;
  state: ReportState;
  severity: Severity | null;
}

export interface ReleaseView {
  id: string;
  version: string;
  repositoryId: string | null;
  track: ReleaseTrack;
  trackOverrideReason: string | null;
  state: ReleaseRow["state"];
  publishAt: Date;
  prenotifyAt: Date | null;
  prenotifiedAt: Date | null;
  openItemsReason: string | null;
  scheduledAt: Date | null;
  shippedAt: Date | null;
  publishedAt: Date | null;
  publishNowReason: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  createdAt: Date;
  reports: ReleaseReportView[];
  listIds: string[];
}

export interface ReleaseDetail extends ReleaseView {
  checklist: ChecklistItem[];
  items: ReleaseItemRow[];
  waivers: ReleaseWaiverRow[];
  advisories: ReleaseAdvisory[];
  history: { at: Date; actor: string; action: string; text: string }[];
  /** The latest failed publication attempt since the release was last scheduled, if any. */
  lastFailure: { at: Date; error: string } | null;
}

export function releaseView(row: ReleaseRow, reports: ReleaseReportView[], listIds: string[]): ReleaseView {
  return {
    id: row.id,
    version: row.version,
    repositoryId: row.repositoryId,
    track: row.track,
    trackOverrideReason: row.trackOverrideReason,
    state: row.state,
    publishAt: row.publishAt,
    prenotifyAt: row.prenotifyAt,
    prenotifiedAt: row.prenotifiedAt,
    openItemsReason: row.openItemsReason,
    scheduledAt: row.scheduledAt,
    shippedAt: row.shippedAt,
    publishedAt: row.publishedAt,
    publishNowReason: row.publishNowReason,
    cancelledAt: row.cancelledAt,
    cancelReason: row.cancelReason,
    createdAt: row.createdAt,
    reports,
    listIds,
  };
}

export async function reportViews(db: Db, releaseIds: readonly string[]) {
  const rows = await reportsOfReleases(db, releaseIds);
  const byRelease = new Map<string, ReleaseReportView[]>();
  for (const r of rows) {
    const list = byRelease.get(r.releaseId) ?? [];
    list.push({
      id: r.id,
      reference: r.reference,
      title: r.title,
      state: r.state as ReportState,
      severity: r.severity as Severity | null,
    });
    byRelease.set(r.releaseId, list);
  }
  return byRelease;
}

/** The computed checklist, then the members' own items. */
export async function computeChecklist(
  deps: ReleasesDeps,
  db: Db,
  releaseId: string,
  reports: readonly ReleaseReportView[],
  listIds: readonly string[],
  /** The notification lists, read before a transaction: the service reads through the global handle. */
  allLists?: Awaited<ReturnType<ReleasesDeps["notifications"]["lists"]>>,
) {
  const ids = reports.map((r) => r.id);
  const [verified, consultations, credits, waivers, items, advisories, lists] = await Promise.all([
    reportsWithVerifiedFix(db, ids),
    latestConsultations(db, ids),
    creditsOf(db, ids),
    waiversOf(db, releaseId),
    itemsOf(db, releaseId),
    deps.advisories.forReports(db, ids),
    allLists ?? (listIds.length > 0 ? deps.notifications.lists() : Promise.resolve([])),
  ]);
  const passed = new Map<string, boolean>();
  for (const id of ids) passed.set(id, (await deps.verifications.passedCovering(id, db)) !== null);
  const waiver = (reportId: string, kind: ReleaseWaiverRow["kind"]) =>
    waivers.find((w) => w.reportId === reportId && w.kind === kind) ?? null;
  const checklistReports: ChecklistReport[] = reports.map((r) => {
    const consultationWaiver = waiver(r.id, "consultation");
    const packageWaiver = waiver(r.id, "package_verification");
    const answer = consultations.get(r.id);
    const credit = credits.find((c) => c.reportId === r.id);
    return {
      reference: r.reference,
      state: r.state,
      currentVerification: verified.has(r.id),
      consultation: consultationWaiver
        ? { kind: "waived", reason: consultationWaiver.reason }
        : answer === "fixes"
          ? { kind: "confirmed" }
          : answer === "does_not_fix"
            ? { kind: "disputed" }
            : answer === "invited"
              ? { kind: "invited" }
              : { kind: "none" },
      packageVerification: passed.get(r.id)
        ? { kind: "passed" }
        : packageWaiver
          ? { kind: "overridden", reason: packageWaiver.reason }
          : { kind: "none" },
      // Until reporters confirm their credit on a form, the choice they gave at intake counts as confirmed.
      creditConfirmed: credit === undefined || credit.confirmedAt !== null,
    };
  });
  const recipients: ChecklistRecipient[] = lists
    .filter((l) => listIds.includes(l.id))
    .flatMap((l) => l.members.map((m) => ({ list: l.name, name: m.name, keyProblem: m.keyProblem })));
  const checklist = releaseChecklist({
    reports: checklistReports,
    advisories: advisories.map((a) => ({
      id: a.publicId,
      state: a.state,
      cveId: a.cveId,
      noCveReason: a.noCveReason,
    })),
    recipients,
    custom: items.map((i) => ({ id: i.id, label: i.label, done: i.done, note: i.note })),
  });
  return { checklist, items, waivers, advisories };
}

export async function releaseDetail(deps: ReleasesDeps, db: Db, row: ReleaseRow): Promise<ReleaseDetail> {
  const reports = (await reportViews(db, [row.id])).get(row.id) ?? [];
  const listIds = await listIdsOfRelease(db, row.id);
  const computed = await computeChecklist(deps, db, row.id, reports, listIds);
  const events = await releaseHistory(db, row.id);
  const names = new Map<string, string>();
  const history = [];
  let lastFailure: ReleaseDetail["lastFailure"] = null;
  for (const e of events) {
    let actor = "Embargo";
    if (e.actorType === "user" && e.actorId) {
      if (!names.has(e.actorId)) names.set(e.actorId, (await deps.team.byId(e.actorId, db))?.name ?? "Team");
      actor = names.get(e.actorId) ?? "Team";
    }
    const data = e.data as { summary?: string; error?: string };
    history.push({ at: e.occurredAt, actor, action: e.action, text: data.summary ?? e.action });
    if (e.action === "release.publication_failed")
      lastFailure = { at: e.occurredAt, error: data.error ?? "" };
    if (e.action === "release.scheduled" || e.action === "release.rescheduled") lastFailure = null;
  }
  return { ...releaseView(row, reports, listIds), ...computed, history, lastFailure };
}
