import fs from "node:fs";
import path from "node:path";
import { like, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../test/helpers/db.ts";
import {
  readIntakeKeys,
  readMemberKey,
  readReporterKey,
  type StoredIntakeKeys,
  type StoredMemberKey,
  type StoredReporterKey,
} from "../features/keys/keys.repo.ts";
import { intakeKeys, settings } from "./schema.ts";

/** The data-moving half of migration 0004, run again over settings rows in the layout installs had before it. */
function dataStatements(): string[] {
  const file = fs.readFileSync(
    path.resolve(import.meta.dirname, "../../migrations/0004_key_tables.sql"),
    "utf8",
  );
  const from = file.indexOf("-- Keys kept until now");
  return file
    .slice(from)
    .split("--> statement-breakpoint")
    .map((s) => s.trim())
    .filter(Boolean);
}

describe.each(DB_KINDS)("migration 0004 moves OpenPGP keys out of settings, on %s", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("moves member, reporter and intake keys unchanged into their tables and removes the settings rows", async () => {
    const db = t.database.db;
    const member = await t.services.team.createMember(null, {
      email: "kim@example.org",
      name: "Kim",
      role: "responder",
      password: "Kim-password-long",
    });
    const { report } = await t.services.reports.submit(reportFields({ email: "r@example.net" }), [], "api");
    const memberKey: StoredMemberKey = {
      armored: "-----BEGIN PGP PUBLIC KEY BLOCK-----\nmember\n-----END PGP PUBLIC KEY BLOCK-----",
      fingerprint: "A".repeat(40),
      userIds: ["Kim <kim@example.org>"],
      expiresAt: "2030-01-01T00:00:00.000Z",
      uploadedAt: "2026-03-01T10:00:00.000Z",
      uploadedBy: member.id,
    };
    const reporterKey: StoredReporterKey = {
      armored: "-----BEGIN PGP PUBLIC KEY BLOCK-----\nreporter\n-----END PGP PUBLIC KEY BLOCK-----",
      fingerprint: "B".repeat(40),
      userIds: [],
      expiresAt: null,
    };
    const intake: StoredIntakeKeys = {
      current: {
        fingerprint: "C".repeat(40),
        publicArmored: "pub-current",
        privateEnc: "v1.k.current",
        userIds: ["Security <security@example.org>"],
        createdAt: "2026-02-01T00:00:00.000Z",
        source: "imported",
      },
      previous: [
        {
          fingerprint: "D".repeat(40),
          publicArmored: "pub-old",
          privateEnc: "v1.k.old",
          userIds: ["Security <security@example.org>"],
          createdAt: "2025-01-01T00:00:00.000Z",
          source: "generated",
          retiredAt: "2026-02-01T00:00:00.000Z",
        },
      ],
    };
    await db.delete(intakeKeys);
    const now = new Date("2026-03-02T09:00:00Z");
    await db.insert(settings).values([
      { key: `pgp.member.${member.id}`, value: memberKey, updatedAt: now },
      { key: `pgp.reporter.${report.reporterId}`, value: reporterKey, updatedAt: now },
      { key: "pgp.intake", value: intake, updatedAt: now },
      // A key of a member deleted meanwhile has no row to go to and is dropped with the settings row.
      { key: "pgp.member.00000000-0000-4000-8000-000000000000", value: memberKey, updatedAt: now },
    ]);

    for (const statement of dataStatements()) await db.execute(sql.raw(statement));

    expect(await readMemberKey(db, member.id)).toEqual(memberKey);
    expect(await readReporterKey(db, report.reporterId)).toEqual(reporterKey);
    expect(await readIntakeKeys(db)).toEqual(intake);
    expect(await db.select().from(settings).where(like(settings.key, "pgp.%"))).toEqual([]);
    // Other settings are untouched.
    expect((await t.services.settings.org()).name).toBeTruthy();
  });
});
