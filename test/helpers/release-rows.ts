import { transaction } from "../../src/core/db.ts";
import { releaseLists, releaseReports, releases } from "../../src/db/schema.ts";
import type { ReleaseTrack } from "../../src/domain/release-policy.ts";
import type { TestDb } from "./db.ts";

/**
 * A release row written directly, as the release service would leave it once scheduled, so pre-notification and
 * publication can be tested without going through (or waiting for) the release service.
 */
export async function insertRelease(
  t: TestDb,
  values: {
    version: string;
    createdBy: string;
    publishAt: Date;
    prenotifyAt?: Date | null;
    state?: "planned" | "scheduled" | "published" | "cancelled";
    track?: ReleaseTrack;
    reportIds?: readonly string[];
    listIds?: readonly string[];
  },
): Promise<string> {
  return transaction(t.services.db, async (tx) => {
    const now = t.clock();
    const [row] = await tx
      .insert(releases)
      .values({
        version: values.version,
        track: values.track ?? "security",
        state: values.state ?? "scheduled",
        publishAt: values.publishAt,
        prenotifyAt: values.prenotifyAt ?? null,
        scheduledAt: (values.state ?? "scheduled") === "scheduled" ? now : null,
        createdBy: values.createdBy,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: releases.id });
    const id = row!.id;
    for (const reportId of values.reportIds ?? [])
      await tx.insert(releaseReports).values({ releaseId: id, reportId });
    for (const listId of values.listIds ?? [])
      await tx.insert(releaseLists).values({ releaseId: id, listId });
    return id;
  });
}
