import { authorOf, type CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { badRequest, forbidden } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import type { BountyPolicy } from "../../domain/bounty.ts";
import type { ChainMethod } from "../../domain/bounty-export.ts";
import { can } from "../../domain/permissions.ts";
import type { AlertsService } from "../alerts/alerts.service.ts";
import type { OutboxService } from "../outbox/outbox.service.ts";
import type { ReportsService } from "../reports/reports.service.ts";
import type { findPolicy } from "./bounties.repo.ts";

export interface BountyPolicyView extends BountyPolicy {
  explorers: Partial<Record<ChainMethod, string>>;
}

/** The stored policy as services show it. */
export const policyView = (row: Awaited<ReturnType<typeof findPolicy>>): BountyPolicyView | null =>
  row
    ? {
        currency: row.currency,
        ranges: row.ranges,
        noBountyScope: row.noBountyScope,
        explorers: row.explorers as Partial<Record<ChainMethod, string>>,
      }
    : null;

export const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v.trim() : null);

export function objectOf(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw badRequest("Send a JSON object.", { _: "Send a JSON object." });
  return raw as Record<string, unknown>;
}

export function requireAdmin(actor: CurrentUser, what: string) {
  if (!can(actor.role, "settings.manage")) throw forbidden(`Only admins ${what}.`);
}

export function actorOf(actor: CurrentUser) {
  const a = authorOf(actor);
  return { actorType: a.actorType, actorId: a.actorId };
}

export interface BountiesDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  publicUrl: string;
  outbox: Pick<OutboxService, "queue">;
  alerts: Pick<AlertsService, "queue">;
  /** The tracking link's report and the "news on your tracking page" mail, as the reports feature has them. */
  reports: Pick<ReportsService, "reportIdForTrackingToken" | "newsForReporterInTx">;
}
