import { sql } from "drizzle-orm";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { reports } from "../../db/schema.ts";
import { computeDeadlines } from "../../domain/sla.ts";
import {
  type RenderResult,
  renderTemplate,
  type TemplateContext,
  type TemplateProblem,
  templateContext,
  validateTemplate,
} from "../../domain/templates.ts";
import type { ReportState } from "../../domain/workflow.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import { DEFAULT_TEMPLATES } from "./templates.data.ts";
import {
  activeTemplatesFor,
  countTemplates,
  findReporterCredit,
  findReportForTemplate,
  findTemplate,
  findTemplateByName,
  insertTemplate,
  listTemplates,
  type TemplateRow,
  updateTemplate,
} from "./templates.repo.ts";
import { type TemplateInput, templateSchema } from "./templates.schema.ts";

/** A template body with placeholder problems: refused, with every problem for the editor to see. */
export class TemplateInvalidError extends AppError {
  constructor(
    readonly problems: readonly TemplateProblem[],
    otherFields: Record<string, string> = {},
  ) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    const summary = `The text has ${count}: ${problems[0]?.message ?? ""}${problems.length > 1 ? " …" : ""}`;
    const message = Object.keys(otherFields).length > 0 ? "Some fields need attention." : summary;
    super("invalid_template", 400, message, { ...otherFields, body: summary });
  }
}

/** The settings key that records that the default templates were created once, so deleted ones stay deleted. */
export const TEMPLATES_SEEDED_KEY = "templates.seeded";
/** Any constant works; it keeps two instances starting together from both seeding. */
const SEED_LOCK_KEY = 7_316_003;

type ReportRow = typeof reports.$inferSelect;

export interface TemplatesDeps {
  db: Db;
  clock: Clock;
  publicUrl: string;
  settings: SettingsService;
  team: TeamService;
}

/** Everything a template can say about one report, read inside the caller's transaction. */
async function loadTemplateContext(
  deps: TemplatesDeps,
  tx: Db,
  report: ReportRow,
  sender: { name: string } | null,
): Promise<TemplateContext> {
  const { publicUrl } = deps;
  // One after the other: inside a transaction there is one connection, and it runs one query at a time.
  const reporter = await findReporterCredit(tx, report.reporterId);
  const org = await deps.settings.org(tx);
  const sla = await deps.settings.sla(tx);
  const assignee = report.assigneeId ? await deps.team.byId(report.assigneeId, tx) : null;
  return templateContext({
    reporter: { name: reporter?.name ?? null, credit: reporter?.credit ?? "anonymous" },
    report: {
      reference: report.reference,
      title: report.title,
      state: report.state as ReportState,
      severity: report.severity,
      receivedAt: report.receivedAt,
      deadlines: {
        acknowledgeBy: report.acknowledgeBy,
        triageBy: report.triageBy,
        resolveBy: report.resolveBy,
      },
    },
    org: { name: org.name, policyUrl: `${publicUrl}/` },
    assigneeName: assignee?.name ?? null,
    senderName: sender?.name ?? null,
    timeZone: sla.timeZone,
  });
}

/**
 * The acknowledgement text from the first active acknowledgement template (by name), or why there is none. A
 * template that cannot render here is not sent half-filled: the caller falls back to the built-in text and
 * records the reason.
 */
async function acknowledgementFromTemplate(
  deps: TemplatesDeps,
  tx: Db,
  report: ReportRow,
  sender: { name: string },
): Promise<
  | { ok: true; text: string; template: { id: string; name: string } }
  | { ok: false; template: { id: string; name: string } | null; reason: string }
> {
  const [template] = await activeTemplatesFor(tx, "acknowledgement");
  if (!template) return { ok: false, template: null, reason: "no active acknowledgement template" };
  const context = await loadTemplateContext(deps, tx, report, sender);
  const result = renderTemplate(template.body, context);
  const ref = { id: template.id, name: template.name };
  if (!result.ok)
    return { ok: false, template: ref, reason: result.problems.map((p) => p.message).join(" ") };
  return { ok: true, text: result.text, template: ref };
}

export function createTemplatesService(deps: TemplatesDeps) {
  const { db, clock } = deps;

  /** Checks the fields and the placeholders together, so one answer names every problem. */
  function parse(input: unknown): TemplateInput {
    const parsed = templateSchema.safeParse(input);
    const body = (input as Record<string, unknown> | null)?.body;
    const problems = typeof body === "string" && body.trim() !== "" ? validateTemplate(body) : [];
    if (problems.length > 0) {
      // Both kinds of problem at once: the other fields' errors travel with the placeholder list.
      throw new TemplateInvalidError(problems, parsed.success ? {} : zodFieldErrors(parsed.error));
    }
    if (!parsed.success) throw badRequest("Some fields need attention.", zodFieldErrors(parsed.error));
    return parsed.data;
  }

  async function assertNameFree(tx: Db, name: string, exceptId: string | null) {
    const other = await findTemplateByName(tx, name);
    if (other && other.id !== exceptId) {
      throw badRequest("Another canned response has this name.", {
        name: "Another canned response has this name; choose a different one.",
      });
    }
  }

  async function requireTemplate(tx: Db, id: string): Promise<TemplateRow> {
    const row = await findTemplate(tx, id);
    if (!row) throw notFound("Canned response");
    return row;
  }

  return {
    list: (opts: { activeOnly?: boolean } = {}) => listTemplates(db, opts),

    get: (id: string) => requireTemplate(db, id),

    /** Adds a template; an invalid body is refused with every problem and nothing is stored. */
    async create(actorId: string, input: unknown): Promise<TemplateRow> {
      const values = parse(input);
      return transaction(db, async (tx) => {
        await assertNameFree(tx, values.name, null);
        const now = clock();
        const row = await insertTemplate(tx, { ...values, createdAt: now, updatedAt: now });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "template.created",
            reportId: null,
            data: { templateId: row.id, name: row.name, purpose: row.purpose, active: row.active },
          },
          now,
        );
        return row;
      });
    },

    /** Saves an edit; the audit event lists which fields changed. */
    async update(actorId: string, id: string, input: unknown): Promise<TemplateRow> {
      const values = parse(input);
      return transaction(db, async (tx) => {
        const before = await requireTemplate(tx, id);
        await assertNameFree(tx, values.name, id);
        const now = clock();
        const row = (await updateTemplate(tx, id, { ...values, updatedAt: now }))!;
        const changed = (["name", "purpose", "body", "active"] as const).filter((k) => before[k] !== row[k]);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "template.updated",
            reportId: null,
            data: { templateId: id, name: row.name, purpose: row.purpose, active: row.active, changed },
          },
          now,
        );
        return row;
      });
    },

    /** Takes a template out of (or back into) the pickers without losing it. */
    async setActive(actorId: string, id: string, active: boolean): Promise<TemplateRow> {
      return transaction(db, async (tx) => {
        const before = await requireTemplate(tx, id);
        if (before.active === active) return before;
        const now = clock();
        const row = (await updateTemplate(tx, id, { active, updatedAt: now }))!;
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: active ? "template.activated" : "template.deactivated",
            reportId: null,
            data: { templateId: id, name: row.name, purpose: row.purpose },
          },
          now,
        );
        return row;
      });
    },

    /** Renders a body against a made-up report, for the editor's preview; nothing is read from real reports. */
    async preview(body: string, sender: { name: string }): Promise<RenderResult> {
      const [org, sla] = await Promise.all([deps.settings.org(), deps.settings.sla()]);
      const receivedAt = clock();
      const deadlines = computeDeadlines(receivedAt, sla);
      const context = templateContext({
        reporter: { name: "Jane Researcher", credit: "name" },
        report: {
          reference: `EMB-${receivedAt.getUTCFullYear()}-0042`,
          title: "Stored XSS in the comment preview",
          state: "triage",
          severity: "high",
          receivedAt,
          deadlines,
        },
        org: { name: org.name, policyUrl: `${deps.publicUrl}/` },
        assigneeName: sender.name,
        senderName: sender.name,
        timeZone: sla.timeZone,
      });
      return renderTemplate(body, context);
    },

    /** One template filled in for one report, for a reply form; a rendering problem comes back, never a blank. */
    async renderForReport(
      reportRef: string,
      templateId: string,
      sender: { name: string },
    ): Promise<{ template: TemplateRow; result: RenderResult }> {
      const report = await findReportForTemplate(db, reportRef);
      if (!report) throw notFound("Report");
      const template = await findTemplate(db, templateId);
      if (!template?.active) throw notFound("Canned response");
      const context = await loadTemplateContext(deps, db, report, sender);
      return { template, result: renderTemplate(template.body, context) };
    },

    /**
     * Creates the default templates once per install. The settings table remembers that it happened, so
     * templates an admin later deletes are not created again at the next start.
     */
    async seedDefaults(): Promise<{ seeded: number }> {
      return transaction(db, async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
        if ((await deps.settings.readKey(tx, TEMPLATES_SEEDED_KEY)) !== undefined) return { seeded: 0 };
        const now = clock();
        let seeded = 0;
        if ((await countTemplates(tx)) === 0) {
          for (const t of DEFAULT_TEMPLATES) {
            await insertTemplate(tx, { ...t, active: true, createdAt: now, updatedAt: now });
            seeded++;
          }
          await appendAuditEvent(
            tx,
            {
              actorType: "system",
              actorId: null,
              action: "templates.seeded",
              reportId: null,
              data: { names: DEFAULT_TEMPLATES.map((t) => t.name) },
            },
            now,
          );
        }
        await deps.settings.writeKey(tx, TEMPLATES_SEEDED_KEY, { at: now.toISOString(), count: seeded }, now);
        return { seeded };
      });
    },

    /**
     * The acknowledgement to send when the team wrote none: the active acknowledgement template when it renders,
     * else the built-in text. Which one was used, and why a template was passed over, goes into the audit data.
     */
    async chooseAcknowledgement(
      tx: Tx,
      report: ReportRow,
      sender: { name: string },
      audit: Record<string, unknown>,
      builtIn: () => Promise<string>,
    ): Promise<string> {
      const chosen = await acknowledgementFromTemplate(deps, tx, report, sender);
      if (chosen.ok) {
        audit.acknowledgementTemplate = chosen.template;
        return chosen.text;
      }
      audit.acknowledgementFallback = { template: chosen.template, reason: chosen.reason };
      return builtIn();
    },
  };
}

export type TemplatesService = ReturnType<typeof createTemplatesService>;
