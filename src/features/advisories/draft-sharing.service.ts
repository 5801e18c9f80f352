// The reporter sees the draft (issue 13 §3): a member shares it, the reporters of the covered reports read it on
// their tracking page and comment; a comment alerts the report's Response Manager, and members answer in the editor.

import type { CurrentUser } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { can } from "../../domain/permissions.ts";
import {
  type AdvisoryRow,
  advisoriesForReports,
  commentsOf,
  insertComment,
  lockAdvisory,
  reportIdsOf,
  updateAdvisory,
} from "./advisories.repo.ts";
import { advisoryCommentSchema } from "./advisories.schema.ts";
import { auditAdvisory } from "./advisory-audit.ts";
import type { AdvisoryChecks } from "./advisory-checks.service.ts";
import { type AdvisoryPreview, severityOf } from "./advisory-views.service.ts";
import type { AdvisoriesDeps } from "./deps.types.ts";
import { contentOf } from "./record.ts";

/** A draft may be shared and commented on until it is public; afterwards the public page speaks. */
const SHAREABLE = new Set(["draft", "in_review", "approved"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A shared draft as a reporter sees it: the text, and their own comments with the team's replies. */
export interface ReporterDraft {
  id: string;
  publicId: string;
  sharedAt: Date;
  content: ReturnType<typeof contentOf>;
  severity: AdvisoryPreview["severity"];
  comments: { id: string; from: "you" | "team"; body: string; at: Date }[];
}

export function createDraftSharing(deps: AdvisoriesDeps, checks: AdvisoryChecks) {
  const { db, clock } = deps;

  /** The report a tracking token opens, or null: the reporter's view names it, the team's view gives its id. */
  async function reportOfToken(token: string) {
    const view = await deps.reports.reporterView(token);
    return view ? checks.coveredReport(view.reference) : null;
  }

  const sharedDrafts = async (reportId: string) =>
    (await advisoriesForReports(db, [reportId])).filter((a) => a.sharedAt && SHAREABLE.has(a.state));

  return {
    /** Lets the covered reports' reporters read the draft on their tracking pages. */
    async share(actor: CurrentUser, id: string) {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot share advisories.");
      return transaction(db, async (tx) => {
        const row = UUID.test(id) ? await lockAdvisory(tx, { id }) : null;
        if (!row) throw notFound("Advisory");
        if (!SHAREABLE.has(row.state))
          throw new AppError(
            "invalid_transition",
            409,
            "Only an unpublished draft is shared with the reporter.",
          );
        if (row.sharedAt) return { sharedAt: row.sharedAt, already: true };
        const now = clock();
        const updated = await updateAdvisory(tx, row.id, { sharedAt: now });
        await auditAdvisory(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "advisory.shared",
            advisory: updated,
            reportIds: (await reportIdsOf(tx, [row.id])).get(row.id) ?? [],
          },
          now,
        );
        return { sharedAt: now, already: false };
      });
    },

    /** The drafts shared with the holder of this tracking link; empty for an unknown link. */
    async reporterDrafts(token: string): Promise<ReporterDraft[]> {
      const report = await reportOfToken(token);
      if (!report) return [];
      const drafts = await sharedDrafts(report.id);
      return Promise.all(
        drafts.map(async (a) => ({
          id: a.id,
          publicId: a.publicId,
          sharedAt: a.sharedAt as Date,
          content: contentOf(a),
          severity: severityOf(a.cvss),
          comments: (await commentsOf(db, a.id))
            .filter((c) => c.authorId !== null || c.reportId === report.id)
            .map((c) => ({
              id: c.id,
              from: c.authorId ? ("team" as const) : ("you" as const),
              body: c.body,
              at: c.createdAt,
            })),
        })),
      );
    },

    /** A reporter's comment on a draft shared with them; alerts their report's Response Manager. */
    async commentAsReporter(token: string, advisoryId: string, raw: unknown) {
      const report = await reportOfToken(token);
      if (!report || !UUID.test(advisoryId)) throw notFound("Advisory");
      const parsed = advisoryCommentSchema.safeParse(raw);
      return transaction(db, async (tx) => {
        const row = await lockAdvisory(tx, { id: advisoryId });
        const covers = row
          ? ((await reportIdsOf(tx, [row.id])).get(row.id) ?? []).includes(report.id)
          : false;
        // A draft not shared with this reporter does not exist for them.
        if (!row || !covers || !row.sharedAt) throw notFound("Advisory");
        if (!SHAREABLE.has(row.state))
          throw new AppError("advisory_published", 409, "This advisory is public now; comments are closed.");
        if (!parsed.success) throw badRequest("The comment is not valid.", zodFieldErrors(parsed.error));
        const now = clock();
        const comment = await insertComment(tx, {
          advisoryId: row.id,
          reportId: report.id,
          body: parsed.data.body,
          createdAt: now,
        });
        await auditAdvisory(
          tx,
          {
            actorType: "reporter",
            actorId: null,
            action: "advisory.commented",
            advisory: row,
            reportIds: [report.id],
            data: { commentId: comment.id, by: "reporter" },
          },
          now,
        );
        await deps.alerts.queue(tx, {
          event: "reporter_replied",
          reportId: report.id,
          ...(report.assigneeId ? { userIds: [report.assigneeId] } : {}),
          detail: `The reporter commented on the draft advisory ${row.publicId}.`,
          occurrence: `advisory-comment:${comment.id}`,
        });
        return { id: comment.id };
      });
    },

    /** A member's reply in the editor; the reporters the draft is shared with read it on their pages. */
    async commentAsMember(actor: CurrentUser, advisoryId: string, raw: unknown) {
      if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot comment on advisories.");
      const parsed = advisoryCommentSchema.safeParse(raw);
      if (!parsed.success) throw badRequest("The comment is not valid.", zodFieldErrors(parsed.error));
      return transaction(db, async (tx) => {
        const row: AdvisoryRow | null = UUID.test(advisoryId)
          ? await lockAdvisory(tx, { id: advisoryId })
          : null;
        if (!row) throw notFound("Advisory");
        const now = clock();
        const comment = await insertComment(tx, {
          advisoryId: row.id,
          authorId: actor.id,
          body: parsed.data.body,
          createdAt: now,
        });
        await auditAdvisory(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "advisory.commented",
            advisory: row,
            reportIds: (await reportIdsOf(tx, [row.id])).get(row.id) ?? [],
            data: { commentId: comment.id, by: "member" },
          },
          now,
        );
        return { id: comment.id };
      });
    },
  };
}
