// The actions on a release: schedule, reschedule, ship, publish_now, cancel, the waivers the checklist accepts,
// and the members' own items. Each runs in one transaction that locks the release row, with its audit events
// (one per report, so every report's timeline shows it) and its queued jobs.

import type { CurrentUser } from "../../core/actors.ts";
import { transaction } from "../../core/db.ts";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import { can } from "../../domain/permissions.ts";
import { scheduleAllowed } from "../../domain/release-checklist.ts";
import { planRelease } from "../../domain/release-policy.ts";
import type { Severity } from "../../domain/workflow-states.ts";
import { auditRelease, utcText } from "./release-audit.service.ts";
import { type createReleasePublication, releaseOverride } from "./release-publish.service.ts";
import { computeChecklist, reportViews } from "./release-view.service.ts";
import { prenotifyHoursSetting, type ReleasesDeps } from "./releases.deps.ts";
import { queuePublication } from "./releases.jobs.ts";
import {
  insertItem,
  listIdsOfRelease,
  releaseById,
  updateItem,
  updateRelease,
  upsertWaiver,
  waiversOf,
} from "./releases.repo.ts";
import { releaseActionSchema } from "./releases.schema.ts";
import type { PrenotifyHooks } from "./releases.types.ts";

const OPEN = new Set(["planned", "scheduled"]);

export function createReleaseActions(
  deps: ReleasesDeps,
  hooks: () => PrenotifyHooks,
  publication: ReturnType<typeof createReleasePublication>,
) {
  const { db, clock } = deps;

  async function act(actor: CurrentUser, id: string, raw: unknown): Promise<void> {
    if (!can(actor.role, "report.act")) throw forbidden("Viewers cannot change releases.");
    const parsed = releaseActionSchema.safeParse(raw);
    if (!parsed.success) {
      const fields = zodFieldErrors(parsed.error);
      throw badRequest(fields.action ?? Object.values(fields)[0] ?? "The action is not valid.", fields);
    }
    const input = parsed.data;
    // publish_now publishes through the same one-transaction path as the job, with its reason.
    if (input.action === "publish_now") {
      const row = await releaseById(db, id);
      if (!row) throw notFound("Release");
      if (!OPEN.has(row.state)) throw conflict("release_closed", `Release ${row.version} is ${row.state}.`);
      const outcome = await publication.publish(id, { actor, reason: input.reason });
      if (!outcome.published) throw conflict("release_closed", `Release ${row.version} is no longer open.`);
      return;
    }
    // Read before the transaction: the notifications service reads through the global handle.
    const lists = input.action === "schedule" ? await deps.notifications.lists() : undefined;
    await transaction(db, async (tx) => {
      const release = await releaseById(tx, id, true);
      if (!release) throw notFound("Release");
      if (!OPEN.has(release.state))
        throw conflict("release_closed", `Release ${release.version} is ${release.state}; it cannot change.`);
      const now = clock();
      const reports = (await reportViews(tx, [release.id])).get(release.id) ?? [];
      const reportIds = reports.map((r) => r.id);
      const audit = (action: string, summary: string, data: Record<string, unknown> = {}) =>
        auditRelease(tx, actor, action, release, reportIds, summary, data, now);
      const reportOf = (ref: string) => {
        const r = reports.find((x) => x.reference === ref.trim().toUpperCase() || x.id === ref.trim());
        if (!r)
          throw badRequest("The report is not in this release.", {
            report: "The report is not in this release.",
          });
        return r;
      };

      switch (input.action) {
        case "schedule": {
          if (release.state === "scheduled")
            throw conflict("release_scheduled", `Release ${release.version} is scheduled already.`);
          const listIds = await listIdsOfRelease(tx, release.id);
          const { checklist } = await computeChecklist(deps, tx, release.id, reports, listIds, lists);
          const allowed = scheduleAllowed(checklist, input.openItemsReason);
          if (!allowed.ok)
            throw badRequest(
              "Some checklist items are open; finish them or say why the release goes ahead.",
              {
                openItemsReason: `Open: ${allowed.open.join("; ")}. Finish them, or give the reason to schedule anyway.`,
              },
            );
          if (release.publishAt.getTime() <= now.getTime())
            throw badRequest("The publication time has passed; reschedule first.", {
              publishAt: `The publication time ${utcText(release.publishAt)} has passed; reschedule first.`,
            });
          const open = checklist.filter((i) => !i.done).map((i) => i.label);
          await updateRelease(tx, release.id, {
            state: "scheduled",
            scheduledAt: now,
            openItemsReason: open.length > 0 ? input.openItemsReason : null,
            updatedAt: now,
          });
          await queuePublication(tx, deps.jobs, clock, release.id, release.publishAt);
          if (release.prenotifyAt && !release.prenotifiedAt)
            await hooks().scheduleInTx(tx, release.id, release.prenotifyAt);
          return audit(
            "release.scheduled",
            `Release ${release.version} scheduled for ${utcText(release.publishAt)}${open.length > 0 ? `, with open items (${open.join("; ")}): ${input.openItemsReason}` : ""}.`,
            {
              publishAt: release.publishAt.toISOString(),
              openItems: open,
              openItemsReason: input.openItemsReason,
            },
          );
        }
        case "reschedule": {
          const listIds = await listIdsOfRelease(tx, release.id);
          const plan = planRelease({
            severities: reports.map((r) => r.severity as Severity | null),
            publishAt: input.publishAt,
            prenotifyAt: release.prenotifiedAt ? null : (input.prenotifyAt ?? null),
            hasLists: listIds.length > 0,
            track: release.track,
            trackOverrideReason: release.trackOverrideReason,
            prenotifyHours: await prenotifyHoursSetting(deps, tx),
            now,
          });
          if (!plan.ok)
            throw badRequest("The new times cannot be used; each problem is named.", plan.problems);
          // After the lists were told, their notice stands; they get an update with the new time instead.
          const prenotifyAt = release.prenotifiedAt ? release.prenotifyAt : plan.plan.prenotifyAt;
          await updateRelease(tx, release.id, { publishAt: input.publishAt, prenotifyAt, updatedAt: now });
          if (release.state === "scheduled") {
            await queuePublication(tx, deps.jobs, clock, release.id, input.publishAt);
            if (release.prenotifiedAt) await hooks().updateInTx(tx, release.id, "reschedule");
            else if (prenotifyAt) await hooks().scheduleInTx(tx, release.id, prenotifyAt);
          } else if (release.prenotifiedAt) await hooks().updateInTx(tx, release.id, "reschedule");
          return audit(
            "release.rescheduled",
            `Release ${release.version} moved from ${utcText(release.publishAt)} to ${utcText(input.publishAt)}${prenotifyAt && !release.prenotifiedAt ? `; lists told at ${utcText(prenotifyAt)}` : ""}.`,
            {
              from: release.publishAt.toISOString(),
              publishAt: input.publishAt.toISOString(),
              prenotifyAt: prenotifyAt?.toISOString() ?? null,
              scheduled: release.state === "scheduled",
            },
          );
        }
        case "ship": {
          const waivers = await waiversOf(tx, release.id);
          const moved: string[] = [];
          for (const r of reports) {
            if (r.state !== "fix_ready") continue;
            const waiver = waivers.find((w) => w.reportId === r.id && w.kind === "package_verification");
            await deps.reports.actInTx(tx, actor, r.id, {
              action: "release",
              override_reason: releaseOverride(release, waiver?.reason ?? null),
            });
            moved.push(r.reference);
          }
          const waiting = reports.filter(
            (r) => !["fix_ready", "released", "disclosed", "closed"].includes(r.state),
          );
          if (waiting.length > 0)
            throw new AppError(
              "release_report_not_ready",
              409,
              `${waiting.map((r) => `${r.reference} (${r.state.replace("_", " ")})`).join(", ")} is not fix ready, so the release cannot ship.`,
            );
          await updateRelease(tx, release.id, { shippedAt: now, updatedAt: now });
          return audit(
            "release.shipped",
            `Release ${release.version} shipped${moved.length > 0 ? `: ${moved.join(", ")} released` : ""}.`,
            { released: moved },
          );
        }
        case "cancel": {
          await updateRelease(tx, release.id, {
            state: "cancelled",
            cancelledAt: now,
            cancelReason: input.reason,
            updatedAt: now,
          });
          if (release.prenotifiedAt) await hooks().updateInTx(tx, release.id, "cancel");
          return audit("release.cancelled", `Release ${release.version} cancelled: ${input.reason}`, {
            reason: input.reason,
            scheduled: release.state === "scheduled",
          });
        }
        case "waive_consultation":
        case "waive_package_verification": {
          const report = reportOf(input.report);
          const kind = input.action === "waive_consultation" ? "consultation" : "package_verification";
          await upsertWaiver(tx, {
            releaseId: release.id,
            reportId: report.id,
            kind,
            reason: input.reason,
            recordedBy: actor.id,
          });
          return audit(
            `release.${input.action}`,
            `${kind === "consultation" ? "The reporter's consultation" : "The package verification"} of ${report.reference} was waived for release ${release.version}: ${input.reason}`,
            { report: report.reference, reason: input.reason },
          );
        }
        case "add_item": {
          const item = await insertItem(tx, {
            releaseId: release.id,
            label: input.label,
            createdBy: actor.id,
            createdAt: now,
          });
          return audit("release.item_added", `Checklist item added: ${input.label}`, { itemId: item.id });
        }
        case "tick_item":
        case "untick_item": {
          const done = input.action === "tick_item";
          const note = input.action === "tick_item" ? input.note : null;
          const item = await updateItem(tx, release.id, input.item, {
            done,
            note,
            doneBy: done ? actor.id : null,
            doneAt: done ? now : null,
          });
          if (!item)
            throw badRequest("There is no such item on this release.", { item: "There is no such item." });
          return audit(
            done ? "release.item_ticked" : "release.item_unticked",
            `Checklist item ${done ? "ticked" : "unticked"}: ${item.label}${note ? ` (${note})` : ""}`,
            { itemId: item.id, note },
          );
        }
      }
    });
  }

  return { act };
}
