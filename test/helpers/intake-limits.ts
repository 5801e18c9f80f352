import { transaction } from "../../src/core/db.ts";
import { writeSetting } from "../../src/features/settings/settings.repo.ts";
import type { TestDb } from "./db.ts";

/**
 * app.request() has no socket, so every test request shares the client address "unknown": suites that file
 * many reports in one test hour raise the per-address limits so they test their own feature, not ours.
 */
export async function raiseIntakeLimits(t: TestDb, overrides: Record<string, number> = {}): Promise<void> {
  await transaction(t.services.db, (tx) =>
    writeSetting(
      tx,
      "intake",
      {
        reportsPerHourPerIp: 10_000,
        repliesPerHourPerIp: 10_000,
        noJsReportsPerHourPerIp: 10_000,
        emailReportsPerHourPerSender: 10_000,
        minStepsLength: 30,
        ...overrides,
      },
      t.clock(),
    ),
  );
}
