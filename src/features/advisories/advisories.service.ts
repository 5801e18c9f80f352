import type { CurrentUser } from "../../core/actors.ts";
import { type Db, transaction } from "../../core/db.ts";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { AdvisoryContent } from "../../db/schema.ts";
import {
  ADVISORY_STATE_LABELS,
  ADVISORY_STATES,
  type AdvisoryState,
  advisoryId,
  decideAdvisory,
  decideEdit,
} from "../../domain/advisory-review.ts";
import { isUuid } from "../../domain/ids.ts";
import { can } from "../../domain/permissions.ts";
import {
  type AdvisoryRow,
  findAdvisory,
  insertAdvisory,
  insertRevision,
  listAdvisories,
  lockAdvisory,
  nextAdvisoryNumber,
  reportIdsOf,
  revisionsOf,
  setAdvisoryReports,
  updateAdvisory,
} from "./advisories.repo.ts";
import { advisoryActionSchema, createAdvisorySchema, editAdvisorySchema } from "./advisories.schema.ts";
import { auditAdvisory } from "./advisory-audit.ts";
import { createAdvisoryChecks } from "./advisory-checks.service.ts";
import { createAdvisoryViews } from "./advisory-views.service.ts";
import type { AdvisoriesDeps } from "./deps.types.ts";
import { createDraftSharing } from "./draft-sharing.service.ts";
import { createPublication } from "./publication.service.ts";
import { contentOf } from "./record.ts";

export type { AdvisoriesDeps };

/** The default prefix of advisory ids when the setting `advisoryPrefix` is not set. */
export const DEFAULT_ADVISORY_PREFIX = "EMBSA";

/** A UUID or a public id (`EMBSA-2026-0001`) as the repo looks it up; anything else finds nothing. */
export function advisoryKey(idOrPublicId: string): { id?: string; publicId?: string } | null {
  if (isUuid(idOrPublicId)) return { id: idOrPublicId.toLowerCase() };
  if (/^[A-Z][A-Z0-9]{1,15}-\d{4}-\d{4,9}$/.test(idOrPublicId)) return { publicId: idOrPublicId };
  return null;
}

function requireCapability(actor: CurrentUser, capability: "report.read" | "report.act") {
  if (!can(actor.role, capability))
    throw forbidden(capability === "report.act" ? "Viewers cannot change advisories." : undefined);
}

/** Advisories: drafted by members, approved by a second member, published by their release, then revised. */
export function createAdvisoriesService(deps: AdvisoriesDeps) {
  const { db, clock } = deps;
  const checks = createAdvisoryChecks(deps);
  const views = createAdvisoryViews(deps);
  const publication = createPublication(deps);
  const sharing = createDraftSharing(deps, checks);

  const requireAdvisory = async (idOrPublicId: string, dbOrTx: Db = db): Promise<AdvisoryRow> => {
    const key = advisoryKey(idOrPublicId);
    const row = key ? await findAdvisory(dbOrTx, key) : null;
    if (!row) throw notFound("Advisory");
    return row;
  };

  const prefix = async () => {
    const org = (await deps.settings.org()) as { advisoryPrefix?: unknown };
    return typeof org.advisoryPrefix === "string" && org.advisoryPrefix !== ""
      ? org.advisoryPrefix
      : DEFAULT_ADVISORY_PREFIX;
  };

  return {
    /** Creates a draft covering the named reports; its public id is fixed now and never changes. */
    async create(actor: CurrentUser, raw: unknown) {
      requireCapability(actor, "report.act");
      const parsed = createAdvisorySchema.safeParse(raw);
      const fields: Record<string, string> = parsed.success ? {} : zodFieldErrors(parsed.error);
      const refs = parsed.success
        ? parsed.data.reports
        : Array.isArray((raw as { reports?: unknown })?.reports)
          ? ((raw as { reports: unknown[] }).reports.filter((r) => typeof r === "string") as string[])
          : [];
      const covered = await checks.reports(refs, fields);
      if (!parsed.success) throw badRequest("Some fields are not valid.", fields);
      const input = parsed.data;
      // Omitted, the vector is the team's CVSS score of the first report that has one.
      const givenCvss = (raw as { cvss?: unknown }).cvss !== undefined;
      const cvss = givenCvss ? input.cvss : (covered.find((r) => r.cvss)?.cvss ?? null);
      await checks.cve(db, input.cveId, null, fields);
      await checks.gitRanges(input.affected, fields);
      if (Object.keys(fields).length > 0) throw badRequest("Some fields are not valid.", fields);
      const idPrefix = await prefix();
      return transaction(db, async (tx) => {
        const now = clock();
        const year = now.getUTCFullYear();
        const number = await nextAdvisoryNumber(tx, year);
        // Checked again under the number lock, so two creations with one CVE ID cannot both pass.
        const again: Record<string, string> = {};
        await checks.cve(tx, input.cveId, null, again);
        if (again.cveId) throw badRequest("Some fields are not valid.", again);
        const { reports: _reports, ...content } = input;
        const row = await insertAdvisory(tx, {
          ...content,
          cvss,
          publicId: advisoryId(idPrefix, year, number),
          idYear: year,
          idNumber: number,
          state: "draft",
          lastEditorId: actor.id,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        });
        const reportIds = covered.map((r) => r.id);
        await setAdvisoryReports(tx, row.id, reportIds);
        await auditAdvisory(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "advisory.created",
            advisory: row,
            reportIds,
            data: { reports: covered.map((r) => r.reference) },
          },
          now,
        );
        return { id: row.id, publicId: row.publicId, state: row.state };
      });
    },

    /**
     * Edits the text. A draft stays a draft, a submitted or approved one returns to draft (its approval is gone),
     * a published one needs a revision summary and gains a revision with the new content; a withdrawn one is
     * refused. Fields not sent keep their value.
     */
    async edit(actor: CurrentUser, idOrPublicId: string, raw: unknown) {
      requireCapability(actor, "report.act");
      const current = await requireAdvisory(idOrPublicId);
      const given = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw : {};
      const parsed = editAdvisorySchema.safeParse({ ...contentOf(current), ...given });
      const fields: Record<string, string> = parsed.success ? {} : zodFieldErrors(parsed.error);
      const covered =
        parsed.success && parsed.data.reports ? await checks.reports(parsed.data.reports, fields) : null;
      if (!parsed.success) throw badRequest("Some fields are not valid.", fields);
      const { reports: _reports, revisionSummary, ...content } = parsed.data;
      await checks.cve(db, content.cveId, current.id, fields);
      await checks.gitRanges(content.affected, fields);
      if (Object.keys(fields).length > 0) throw badRequest("Some fields are not valid.", fields);
      return transaction(db, async (tx) => {
        const row = await lockAdvisory(tx, { id: current.id });
        if (!row) throw notFound("Advisory");
        const decision = decideEdit(row.state, revisionSummary);
        if (!decision.ok)
          throw row.state === "published"
            ? badRequest(decision.message, { revisionSummary: decision.message })
            : new AppError("advisory_locked", 409, decision.message);
        const now = clock();
        const updated = await updateAdvisory(tx, row.id, {
          ...content,
          state: decision.to,
          lastEditorId: actor.id,
          updatedAt: now,
          ...(decision.to === "draft" ? { approvedBy: null, approvedAt: null } : {}),
          ...(decision.newRevision ? { modifiedAt: now } : {}),
        });
        let revision: number | null = null;
        if (decision.newRevision) {
          revision = ((await revisionsOf(tx, row.id)).at(-1)?.number ?? 0) + 1;
          await insertRevision(tx, {
            advisoryId: row.id,
            number: revision,
            summary: revisionSummary as string,
            content: contentOf(updated) satisfies AdvisoryContent,
            actorId: actor.id,
            createdAt: now,
          });
        }
        const before = (await reportIdsOf(tx, [row.id])).get(row.id) ?? [];
        if (covered)
          await setAdvisoryReports(
            tx,
            row.id,
            covered.map((r) => r.id),
          );
        const reportIds = [...new Set([...before, ...(covered?.map((r) => r.id) ?? [])])];
        const changed = (Object.keys(content) as (keyof typeof content)[]).filter(
          (k) => JSON.stringify(content[k]) !== JSON.stringify(contentOf(row)[k]),
        );
        await auditAdvisory(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: revision ? "advisory.revised" : "advisory.edited",
            advisory: updated,
            reportIds,
            data: {
              changed,
              from: row.state,
              to: decision.to,
              ...(revision ? { revision, summary: revisionSummary } : {}),
              ...(covered ? { reports: covered.map((r) => r.reference) } : {}),
            },
          },
          now,
        );
        return { id: updated.id, publicId: updated.publicId, state: updated.state, revision };
      });
    },

    /** Submit, approve (by a member other than the last editor), request changes, or withdraw with a reason. */
    async act(actor: CurrentUser, idOrPublicId: string, raw: unknown) {
      requireCapability(actor, "report.act");
      const parsed = advisoryActionSchema.safeParse(raw);
      if (!parsed.success) throw badRequest("The action is not valid.", zodFieldErrors(parsed.error));
      const current = await requireAdvisory(idOrPublicId);
      const { action, message } = parsed.data;
      return transaction(db, async (tx) => {
        const row = await lockAdvisory(tx, { id: current.id });
        if (!row) throw notFound("Advisory");
        const decision = decideAdvisory(row, { action, actorId: actor.id, message });
        if (!decision.ok) {
          if (decision.code === "invalid_transition")
            throw new AppError("invalid_transition", 409, decision.message);
          throw badRequest(decision.message, {
            [action === "approve" ? "action" : "message"]: decision.message,
          });
        }
        const now = clock();
        const updated = await updateAdvisory(tx, row.id, {
          state: decision.to,
          updatedAt: now,
          ...(action === "approve" ? { approvedBy: actor.id, approvedAt: now } : {}),
          ...(action === "request_changes" ? { approvedBy: null, approvedAt: null } : {}),
          ...(action === "withdraw" ? { withdrawnAt: now, withdrawnReason: message, modifiedAt: now } : {}),
        });
        await auditAdvisory(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: `advisory.${action}`,
            advisory: updated,
            reportIds: (await reportIdsOf(tx, [row.id])).get(row.id) ?? [],
            data: { from: row.state, to: decision.to, ...(message ? { message } : {}) },
          },
          now,
        );
        return { id: updated.id, publicId: updated.publicId, state: updated.state };
      });
    },

    /** The advisories, newest first, optionally of one state. */
    async list(actor: CurrentUser, state?: string | null) {
      requireCapability(actor, "report.read");
      if (state && !(ADVISORY_STATES as readonly string[]).includes(state))
        throw badRequest(`Use a state: ${ADVISORY_STATES.join(", ")}.`, {
          state: `Use a state: ${ADVISORY_STATES.join(", ")}.`,
        });
      const rows = await listAdvisories(db, (state as AdvisoryState | undefined) ?? null);
      return views.summaries(rows);
    },

    /** One advisory with its reports, people, revisions and comments, for the editor and the API. */
    async get(actor: CurrentUser, idOrPublicId: string) {
      requireCapability(actor, "report.read");
      return views.full(await requireAdvisory(idOrPublicId));
    },

    /** The report's facts an advisory form starts from (title, CVSS, CWE), or null for an unknown report. */
    reportDefaults: checks.coveredReport,

    /** What the public page would show, from the current (unpublished) text. */
    preview: (row: AdvisoryRow) => views.preview(row),
    /** The preview of the editor's typed text (not saved); field errors when it does not parse. */
    async previewTyped(actor: CurrentUser, idOrPublicId: string | null, raw: Record<string, unknown>) {
      requireCapability(actor, "report.read");
      return views.previewTyped(raw, idOrPublicId ? await requireAdvisory(idOrPublicId) : null);
    },
    previewOf: async (actor: CurrentUser, idOrPublicId: string) => {
      requireCapability(actor, "report.read");
      return views.preview(await requireAdvisory(idOrPublicId));
    },

    ...sharing,
    ...publication,
    stateLabel: (s: AdvisoryState) => ADVISORY_STATE_LABELS[s],
  };
}

export type AdvisoriesService = ReturnType<typeof createAdvisoriesService>;
