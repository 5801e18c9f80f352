import { asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "../../core/db.ts";
import { cannedResponses, reporters, reports } from "../../db/schema.ts";
import { isUuid } from "../../domain/ids.ts";

export type TemplateRow = typeof cannedResponses.$inferSelect;

/** Templates by purpose, then name, so lists and pickers read the same everywhere. */
export async function listTemplates(db: Db, opts: { activeOnly?: boolean } = {}): Promise<TemplateRow[]> {
  const query = db.select().from(cannedResponses);
  const rows = opts.activeOnly ? await query.where(eq(cannedResponses.active, true)) : await query;
  return rows.sort((a, b) => a.purpose.localeCompare(b.purpose) || a.name.localeCompare(b.name));
}

export async function findTemplate(db: Db, id: string): Promise<TemplateRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(cannedResponses).where(eq(cannedResponses.id, id));
  return row ?? null;
}

/** A template whose name matches regardless of case; names must tell templates apart in a picker. */
export async function findTemplateByName(db: Db, name: string): Promise<TemplateRow | null> {
  const [row] = await db
    .select()
    .from(cannedResponses)
    .where(sql`lower(${cannedResponses.name}) = lower(${name})`);
  return row ?? null;
}

/** The active acknowledgement templates, first by name: the acknowledge action uses the first. */
export async function activeTemplatesFor(db: Db, purpose: string): Promise<TemplateRow[]> {
  return db
    .select()
    .from(cannedResponses)
    .where(sql`${cannedResponses.active} and ${cannedResponses.purpose} = ${purpose}`)
    .orderBy(asc(cannedResponses.name));
}

export async function countTemplates(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(cannedResponses);
  return Number(row?.n ?? 0);
}

export async function insertTemplate(
  tx: Tx,
  values: typeof cannedResponses.$inferInsert,
): Promise<TemplateRow> {
  const [row] = await tx.insert(cannedResponses).values(values).returning();
  return row!;
}

export async function updateTemplate(
  tx: Tx,
  id: string,
  values: Partial<typeof cannedResponses.$inferInsert>,
): Promise<TemplateRow | null> {
  if (!isUuid(id)) return null;
  const [row] = await tx.update(cannedResponses).set(values).where(eq(cannedResponses.id, id)).returning();
  return row ?? null;
}

/** The report a template is rendered for, by id or reference. */
export async function findReportForTemplate(db: Db, idOrReference: string) {
  const key = idOrReference.trim();
  const where = isUuid(key) ? eq(reports.id, key) : eq(reports.reference, key.toUpperCase());
  const [row] = await db.select().from(reports).where(where);
  return row ?? null;
}

/** What a template may say of the reporter: the name they gave and how they want to be credited. */
export async function findReporterCredit(db: Db, reporterId: string) {
  const [row] = await db
    .select({ name: reporters.name, credit: reporters.credit })
    .from(reporters)
    .where(eq(reporters.id, reporterId));
  return row ?? null;
}
