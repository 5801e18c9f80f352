import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { badRequest } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { SlaPolicy } from "../../domain/sla.ts";
import { appendAuditEvent } from "../audit/audit.repo.ts";
import { readSetting, writeSetting } from "./settings.repo.ts";
import {
  DEFAULT_ORG_SETTINGS,
  DEFAULT_SLA_POLICY,
  type OrgSettings,
  orgSettingsSchema,
  slaSettingsSchema,
} from "./settings.schema.ts";

/** Reads settings with defaults filled in, so a fresh install works before an admin has saved anything. */
export async function loadOrgSettings(db: Db): Promise<OrgSettings> {
  const stored = await readSetting(db, "org");
  const parsed = orgSettingsSchema.safeParse({ ...DEFAULT_ORG_SETTINGS, ...(stored as object | undefined) });
  return parsed.success ? parsed.data : DEFAULT_ORG_SETTINGS;
}

export async function loadSlaPolicy(db: Db): Promise<SlaPolicy> {
  const stored = await readSetting(db, "sla");
  const parsed = slaSettingsSchema.safeParse({ ...DEFAULT_SLA_POLICY, ...(stored as object | undefined) });
  return parsed.success ? parsed.data : DEFAULT_SLA_POLICY;
}

export function createSettingsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    org: () => loadOrgSettings(db),
    sla: () => loadSlaPolicy(db),

    /** Saves the organisation settings and records who changed what. */
    async updateOrg(actorId: string, input: unknown): Promise<OrgSettings> {
      const parsed = orgSettingsSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some settings are not valid.", zodFieldErrors(parsed.error));
      return db.transaction(async (tx) => {
        const before = await loadOrgSettings(tx);
        const now = clock();
        await writeSetting(tx, "org", parsed.data, now);
        const changed = Object.keys(parsed.data).filter(
          (k) =>
            JSON.stringify(parsed.data[k as keyof OrgSettings]) !==
            JSON.stringify(before[k as keyof OrgSettings]),
        );
        await appendAuditEvent(
          tx,
          { actorType: "user", actorId, action: "settings.org_updated", reportId: null, data: { changed } },
          now,
        );
        return parsed.data;
      });
    },

    /** Saves SLA targets; new deadlines apply to reports received from now on. */
    async updateSla(actorId: string, input: unknown): Promise<SlaPolicy> {
      const parsed = slaSettingsSchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some SLA targets are not valid.", zodFieldErrors(parsed.error));
      return db.transaction(async (tx) => {
        const now = clock();
        await writeSetting(tx, "sla", parsed.data, now);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "settings.sla_updated",
            reportId: null,
            data: { sla: parsed.data },
          },
          now,
        );
        return parsed.data;
      });
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
