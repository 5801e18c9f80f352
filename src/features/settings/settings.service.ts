import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, forgetInTransaction, onceInTransaction, type Tx, transaction } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { SlaPolicy } from "../../domain/sla.ts";
import {
  DEFAULT_INTAKE_SETTINGS,
  type IntakeSettings,
  intakeSettingsSchema,
} from "./intake-settings.schema.ts";
import { insertSettingIfAbsent, readSetting, readSettings, writeSetting } from "./settings.repo.ts";
import {
  DEFAULT_ORG_SETTINGS,
  DEFAULT_SLA_POLICY,
  type OrgSettings,
  orgSettingsSchema,
  slaSettingsSchema,
} from "./settings.schema.ts";

/** The settings groups services read; a transaction reads all of them once, in one query. */
const GROUPS = ["org", "sla", "intake"] as const;
const GROUPS_READ = "settings.groups";

/** Stored values over defaults, so a fresh install works before an admin has saved anything. */
async function load<T>(
  db: Db,
  key: (typeof GROUPS)[number],
  schema: { safeParse(v: unknown): { success: boolean; data?: T } },
  defaults: T,
) {
  const stored = (await onceInTransaction(db, GROUPS_READ, () => readSettings(db, GROUPS))).get(key);
  const parsed = schema.safeParse({ ...defaults, ...(stored as object | undefined) });
  return parsed.success ? (parsed.data as T) : defaults;
}

/** Organisation settings: every read takes the caller's transaction when it has one (PGlite has one connection). */
export function createSettingsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  /** Writes one settings group and its audit event in the caller's transaction. */
  async function saveIn<T>(
    tx: Tx,
    actorId: string,
    key: string,
    value: T,
    action: string,
    /** The audit data, read inside the transaction when it depends on what was stored before. */
    data: Record<string, unknown> | ((tx: Tx) => Promise<Record<string, unknown>>),
  ) {
    const now = clock();
    const audited = typeof data === "function" ? await data(tx) : data;
    await writeSetting(tx, key, value, now);
    forgetInTransaction(tx, GROUPS_READ);
    await appendAuditEvent(tx, { actorType: "user", actorId, action, reportId: null, data: audited }, now);
    return value;
  }

  /** Writes one settings group and its audit event in one transaction. */
  function save<T>(
    actorId: string,
    key: string,
    value: T,
    action: string,
    data: Record<string, unknown> | ((tx: Tx) => Promise<Record<string, unknown>>),
  ) {
    return transaction(db, (tx) => saveIn(tx, actorId, key, value, action, data));
  }

  /** The organisation settings as validated, or a 400 naming each wrong field. */
  function parseOrg(input: unknown): OrgSettings {
    const parsed = orgSettingsSchema.safeParse(input);
    if (!parsed.success) throw badRequest("Some settings are not valid.", zodFieldErrors(parsed.error));
    return parsed.data;
  }

  /** Saves validated organisation settings in the caller's transaction; the audit event names what changed. */
  function updateOrgIn(tx: Tx, actorId: string, org: OrgSettings): Promise<OrgSettings> {
    return saveIn(tx, actorId, "org", org, "settings.org_updated", async (tx) => {
      const before = await load(tx, "org", orgSettingsSchema, DEFAULT_ORG_SETTINGS);
      const changed = Object.keys(org).filter(
        (k) => JSON.stringify(org[k as keyof OrgSettings]) !== JSON.stringify(before[k as keyof OrgSettings]),
      );
      return { changed };
    });
  }

  return {
    org: (tx: Db = db): Promise<OrgSettings> => load(tx, "org", orgSettingsSchema, DEFAULT_ORG_SETTINGS),
    sla: (tx: Db = db): Promise<SlaPolicy> => load(tx, "sla", slaSettingsSchema, DEFAULT_SLA_POLICY),
    /** The junk and abuse limits of the public intake. */
    intake: (tx: Db = db): Promise<IntakeSettings> =>
      load(tx, "intake", intakeSettingsSchema, DEFAULT_INTAKE_SETTINGS),

    /** A feature's own stored value (a marker, a poll status); features never touch the table directly. */
    readKey: (tx: Db, key: string): Promise<unknown> => readSetting(tx, key),
    /** Stores a feature's own value inside the caller's transaction. */
    async writeKey(tx: Tx, key: string, value: unknown, now: Date): Promise<void> {
      await writeSetting(tx, key, value, now);
      forgetInTransaction(tx, GROUPS_READ);
    },

    /**
     * A value created once and then shared by every instance (a signing secret): the first writer wins, and
     * everyone reads what was stored.
     */
    async ensureKey(key: string, create: () => unknown): Promise<unknown> {
      const stored = await readSetting(db, key);
      if (stored !== undefined) return stored;
      await transaction(db, (tx) => insertSettingIfAbsent(tx, key, create(), clock()));
      return readSetting(db, key);
    },

    parseOrg,
    updateOrgIn,

    /** Saves the organisation settings and records who changed what. */
    async updateOrg(actorId: string, input: unknown): Promise<OrgSettings> {
      const org = parseOrg(input);
      // What changed is read in the saving transaction, so the audit event names the change this save made.
      return transaction(db, (tx) => updateOrgIn(tx, actorId, org));
    },

    /** Saves SLA targets; new deadlines apply to reports received from now on. */
    async updateSla(actorId: string, input: unknown): Promise<SlaPolicy> {
      const parsed = slaSettingsSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some SLA targets are not valid.", zodFieldErrors(parsed.error));
      return save(actorId, "sla", parsed.data, "settings.sla_updated", { sla: parsed.data });
    },

    /** Saves the intake limits; a limit the form does not send (one added after it was loaded) keeps its value. */
    async updateIntake(actorId: string, input: unknown): Promise<IntakeSettings> {
      const given = input !== null && typeof input === "object" ? (input as Record<string, unknown>) : {};
      const present = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
      const current = await load(db, "intake", intakeSettingsSchema, DEFAULT_INTAKE_SETTINGS);
      const parsed = intakeSettingsSchema.safeParse({ ...current, ...present });
      if (!parsed.success)
        throw badRequest("Some intake limits are not valid.", zodFieldErrors(parsed.error));
      return save(actorId, "intake", parsed.data, "settings.intake_updated", { ...parsed.data });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
