import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { gpgEncryptedEntity, mailWith, mimeEntity } from "../../../test/helpers/mail.ts";
import { type Gpg, researcherGpg } from "../../../test/helpers/pgp.ts";
import { attachments, inboundEmails, messages, reports } from "../../db/schema.ts";
import { EMAIL_ATTACHMENT_LIMITS, MAX_INBOUND_BYTES } from "./inbound-open.adapter.ts";

const RITA = "Rita Reporter <rita@researcher.test>";
const MB = 1024 * 1024;
/** gpg compresses a run of spaces about a thousandfold: megabytes of plaintext in a few kilobytes of mail. */
const ZLIB = ["--compress-algo", "zlib"];

describe.each(DB_KINDS)("mail that unpacks past the intake's limits, on %s", (kind) => {
  let t: TestDb;
  let gpg: Gpg;
  let intakeFingerprint: string;

  const count = async () => {
    const n = async (table: typeof reports | typeof messages | typeof attachments) =>
      (await t.database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;
    return { reports: await n(reports), messages: await n(messages), attachments: await n(attachments) };
  };
  const inboundFor = async (messageId: string) =>
    (await t.database.db.select().from(inboundEmails).where(eq(inboundEmails.messageId, messageId)))[0];

  beforeAll(async () => {
    t = await createTestDb(kind);
    await makeTeam(t);
    await raiseIntakeLimits(t);
    ({ gpg, intakeFingerprint } = await researcherGpg(t, RITA));
  }, 60_000);
  afterAll(async () => {
    gpg?.close();
    await t?.close();
  });

  /** Imports a mail twice: refused and recorded the first time, then skipped without being opened again. */
  async function refusedOnce(raw: string, messageId: string) {
    const before = await count();
    const first = await t.services.mailIntake.importMessage(Buffer.from(raw, "latin1"));
    expect(await count()).toEqual(before);
    const row = await inboundFor(messageId);
    expect(row).toMatchObject({ status: "failed", errorCode: "too_large", attempts: 1 });
    const again = await t.services.mailIntake.importMessage(Buffer.from(raw, "latin1"));
    expect(again).toEqual({ outcome: "skipped", reason: row!.error });
    expect((await inboundFor(messageId))!.attempts).toBe(1);
    expect(await count()).toEqual(before);
    return first;
  }

  it("records a PGP/MIME mail whose encrypted part unpacks past the largest mail as failed, once", async () => {
    const entity = `${mimeEntity("Hello team,")}${" ".repeat(MAX_INBOUND_BYTES + MB)}`;
    const raw = mailWith(
      { from: RITA, subject: "Bomb", messageId: "bomb-mime@researcher.test" },
      gpgEncryptedEntity(gpg, entity, intakeFingerprint, undefined, ZLIB),
    );
    expect(raw.length).toBeLessThan(MB);
    const result = await refusedOnce(raw, "bomb-mime@researcher.test");
    expect(result).toMatchObject({ outcome: "failed", code: "too_large" });
    if (result.outcome !== "failed") return;
    expect(result.error).toContain("more than 35 MB");
    expect(result.error).toContain("Nothing was imported");
  });

  it("records a mail whose encrypted attachment unpacks past the attachment total as failed, once", async () => {
    const bomb = Buffer.from(
      gpg.run(
        ["--armor", ...ZLIB, "--trust-model", "always", "--encrypt", "--recipient", intakeFingerprint],
        Buffer.alloc(EMAIL_ATTACHMENT_LIMITS.maxTotalBytes + MB, " "),
      ),
    );
    expect(bomb.length).toBeLessThan(MB);
    const raw = mailWith(
      { from: RITA, subject: "Bomb attached", messageId: "bomb-file@researcher.test" },
      mimeEntity("The proof of concept is attached.", [
        { filename: "poc.txt.gpg", contentType: "application/octet-stream", data: bomb },
      ]),
    );
    const result = await refusedOnce(raw, "bomb-file@researcher.test");
    expect(result).toMatchObject({ outcome: "failed", code: "too_large" });
    if (result.outcome !== "failed") return;
    expect(result.error).toContain("poc.txt.gpg");
    expect(result.error).toContain("30 MB");
  });
});
