// What the editor, the list and the API show of advisories: the row with its reports' references, the people
// behind the last edit and the approval, the public revisions and the comments on a shared draft.

import { zodFieldErrors } from "../../core/field-errors.ts";
import type { AdvisoryContent } from "../../db/schema.ts";
import type { AdvisoryRecord } from "../../domain/advisory-record.ts";
import { ADVISORY_STATE_LABELS, type AdvisoryState } from "../../domain/advisory-review.ts";
import { publicCredits } from "../../domain/credit.ts";
import { scoreCvss } from "../../domain/cvss.ts";
import { type AdvisoryRow, commentsOf, reportIdsOf, revisionsOf } from "./advisories.repo.ts";
import { editAdvisorySchema } from "./advisories.schema.ts";
import type { AdvisoriesDeps } from "./deps.types.ts";
import { advisoryRecordOf, advisoryUrl, contentOf } from "./record.ts";

export interface Person {
  id: string;
  name: string;
}

export interface AdvisorySummary {
  id: string;
  publicId: string;
  state: AdvisoryState;
  stateLabel: string;
  title: string;
  cveId: string | null;
  reports: { id: string; reference: string }[];
  updatedAt: Date;
  publishedAt: Date | null;
}

export interface AdvisoryComment {
  id: string;
  from: "reporter" | "member";
  /** The member's name, or "Reporter of EMB-…". */
  author: string;
  reportReference: string | null;
  body: string;
  at: Date;
}

export interface AdvisoryView extends AdvisorySummary, AdvisoryContent {
  lastEditor: Person;
  approvedBy: Person | null;
  approvedAt: Date | null;
  sharedAt: Date | null;
  modifiedAt: Date | null;
  withdrawnAt: Date | null;
  withdrawnReason: string | null;
  createdAt: Date;
  revisions: { number: number; summary: string; at: Date; actor: Person | null }[];
  comments: AdvisoryComment[];
}

/** The public page's content before publication, with the severity the page shows. */
export interface AdvisoryPreview {
  record: AdvisoryRecord;
  severity: { score: number; label: string; version: string } | null;
}

/** The severity an advisory's vector gives, or null without a (valid) vector. */
export function severityOf(vector: string | null): AdvisoryPreview["severity"] {
  if (!vector) return null;
  const scored = scoreCvss(vector);
  if (!scored.ok) return null;
  const s = scored.value;
  return s.version === "4.0"
    ? { score: s.score, label: s.severity, version: s.version }
    : { score: s.baseScore, label: s.baseSeverity, version: s.version };
}

export function createAdvisoryViews(
  deps: Pick<AdvisoriesDeps, "db" | "reports" | "team" | "publicUrl" | "clock">,
) {
  const { db } = deps;

  /** References of report ids, read once per id per call. */
  const referencer = () => {
    const cache = new Map<string, Promise<string>>();
    return (id: string) => {
      if (!cache.has(id))
        cache.set(
          id,
          deps.reports.teamView(id).then(
            (r) => r.reference,
            () => "(removed)",
          ),
        );
      return cache.get(id)!;
    };
  };
  const personer = () => {
    const cache = new Map<string, Promise<Person>>();
    return (id: string) => {
      if (!cache.has(id))
        cache.set(
          id,
          deps.team.byId(id).then((u) => ({ id, name: u?.name ?? "(removed)" })),
        );
      return cache.get(id)!;
    };
  };

  async function summaries(rows: readonly AdvisoryRow[]): Promise<AdvisorySummary[]> {
    const ids = await reportIdsOf(
      db,
      rows.map((r) => r.id),
    );
    const ref = referencer();
    return Promise.all(
      rows.map(async (row) => ({
        id: row.id,
        publicId: row.publicId,
        state: row.state,
        stateLabel: ADVISORY_STATE_LABELS[row.state],
        title: row.title,
        cveId: row.cveId,
        reports: await Promise.all(
          (ids.get(row.id) ?? []).map(async (id) => ({ id, reference: await ref(id) })),
        ),
        updatedAt: row.updatedAt,
        publishedAt: row.publishedAt,
      })),
    );
  }

  async function full(row: AdvisoryRow): Promise<AdvisoryView> {
    const person = personer();
    const ref = referencer();
    const [[summary], revisions, comments] = await Promise.all([
      summaries([row]),
      revisionsOf(db, row.id),
      commentsOf(db, row.id),
    ]);
    return {
      ...(summary as AdvisorySummary),
      ...contentOf(row),
      lastEditor: await person(row.lastEditorId),
      approvedBy: row.approvedBy ? await person(row.approvedBy) : null,
      approvedAt: row.approvedAt,
      sharedAt: row.sharedAt,
      modifiedAt: row.modifiedAt,
      withdrawnAt: row.withdrawnAt,
      withdrawnReason: row.withdrawnReason,
      createdAt: row.createdAt,
      revisions: await Promise.all(
        revisions.map(async (r) => ({
          number: r.number,
          summary: r.summary,
          at: r.createdAt,
          actor: r.actorId ? await person(r.actorId) : null,
        })),
      ),
      comments: await Promise.all(
        comments.map(async (c) => {
          const reportReference = c.reportId ? await ref(c.reportId) : null;
          return {
            id: c.id,
            from: c.authorId ? ("member" as const) : ("reporter" as const),
            author: c.authorId ? (await person(c.authorId)).name : `Reporter of ${reportReference}`,
            reportReference,
            body: c.body,
            at: c.createdAt,
          };
        }),
      ),
    };
  }

  /** The public page's content from the row's current text, dated now (as if published now). */
  function preview(row: AdvisoryRow): AdvisoryPreview {
    const record = advisoryRecordOf(
      { ...row, publishedAt: row.publishedAt ?? null },
      [],
      publicCredits(null, row.teamCredits),
      advisoryUrl(deps.publicUrl, row.publicId),
      row.publishedAt ?? deps.clock(),
    );
    return { record, severity: severityOf(row.cvss) };
  }

  /**
   * The preview of text as typed, before it is saved: parsed like an edit (field errors when it is not valid), and
   * shown under the advisory's id, or a placeholder id for a new one.
   */
  function previewTyped(
    raw: Record<string, unknown>,
    row: AdvisoryRow | null,
  ): { ok: true; preview: AdvisoryPreview } | { ok: false; fields: Record<string, string> } {
    const { reports: _r, revisionSummary: _s, ...rest } = raw;
    const parsed = editAdvisorySchema.safeParse(rest);
    if (!parsed.success) return { ok: false, fields: zodFieldErrors(parsed.error) };
    const now = deps.clock();
    const base: AdvisoryRow = row ?? {
      id: "",
      publicId: "New advisory",
      idYear: now.getUTCFullYear(),
      idNumber: 0,
      state: "draft",
      lastEditorId: "",
      createdBy: "",
      approvedBy: null,
      approvedAt: null,
      sharedAt: null,
      publishedAt: null,
      modifiedAt: null,
      withdrawnAt: null,
      withdrawnReason: null,
      createdAt: now,
      updatedAt: now,
      title: "",
      summary: "",
      details: "",
      cveId: null,
      noCveReason: null,
      cwe: [],
      cvss: null,
      affected: [],
      workarounds: null,
      solution: null,
      references: [],
      teamCredits: [],
    };
    const { reports: _x, revisionSummary: _y, ...content } = parsed.data;
    return { ok: true, preview: preview({ ...base, ...content }) };
  }

  return { summaries, full, preview, previewTyped };
}
