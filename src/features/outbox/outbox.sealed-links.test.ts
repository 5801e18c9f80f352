import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { type App, appFor, get, type Session, signedInTeam } from "../../../test/helpers/http.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { followReceipt, formData, formFields, postForm, tokenOf } from "../../../test/helpers/public.ts";
import { startSmtp } from "../../../test/helpers/smtp.ts";
import { outbox } from "../../db/schema.ts";
import { createMailTransport } from "../../mail/transport.ts";
import { createMailDeliveryHandler } from "./outbox.jobs.ts";

const EMAIL = "sealed-links@example.net";

/** Every file under a directory, recursively. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Quoted-printable soft line breaks undone, so a link split across lines reads whole. */
const unfold = (raw: string) => raw.replace(/=\r?\n/g, "").replace(/=3D/g, "=");

describe.each(DB_KINDS)("tracking links in the outbox are sealed at rest, on %s", (kind) => {
  let t: TestDb | undefined;
  let app: App;
  let admin: Session;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let dir: string | undefined;
  /** The tokens of the receipt's link and of the recovery mail's fresh link. */
  const tokens: string[] = [];

  beforeAll(async () => {
    dir = kind === "pglite" ? fs.mkdtempSync(path.join(os.tmpdir(), "embargo-sealed-")) : undefined;
    t = await createTestDb(kind, dir ? { pgliteDir: dir } : {});
    app = appFor(t);
    await raiseIntakeLimits(t);
    ({ admin } = await signedInTeam(app, t));
    smtp = await startSmtp();

    // A report through the public form, with an email address, and then a request for lost links.
    const res = await postForm(app, "/report", formData(formFields({ email: EMAIL })));
    const link = (await followReceipt(app, res)).trackingUrl;
    expect(link).toMatch(/\/r\/[A-Za-z0-9_-]{22}$/);
    tokens.push(tokenOf(link!));
    // Recovery mails only where SMTP is configured; the deliveries below choose their own transport.
    t.services.deps.smtpConfigured = true;
    const recovered = await postForm(app, "/r/recover", formData({ email: EMAIL }));
    t.services.deps.smtpConfigured = false;
    expect(recovered.status).toBe(303);
    expect(recovered.headers.get("location")).toBe("/r/recover/sent");
  });

  afterAll(async () => {
    await smtp?.close();
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const deliveryHandler = (transport: ReturnType<typeof createMailTransport>) =>
    createMailDeliveryHandler({
      db: t!.database.db,
      transport,
      clock: t!.clock,
      publicHost: "embargo.test",
      cipher: t!.services.deps.cipher,
      keys: t!.services.keys,
    });

  it("holds the mail without SMTP, then sends it later with the working links", async () => {
    const rows = await t!.database.db.select().from(outbox).where(eq(outbox.toAddress, EMAIL));
    // The receipt first, then the recovery mail (both were written at the same test-clock instant).
    const mails = [
      rows.find((m) => m.subject.endsWith("Update on your security report")),
      rows.find((m) => m.subject === "Your security report links"),
    ];
    expect(rows).toHaveLength(2);
    expect(mails.every(Boolean)).toBe(true);
    const held = deliveryHandler(createMailTransport(undefined, "security@embargo.test")); // no SMTP_URL
    for (const m of mails) await held({ outboxId: m!.id });
    const statuses = await t!.database.db
      .select({ s: outbox.status })
      .from(outbox)
      .where(eq(outbox.toAddress, EMAIL));
    expect(statuses.map((r) => r.s)).toEqual(["held", "held"]);

    const send = deliveryHandler(
      createMailTransport(`smtp://127.0.0.1:${smtp.port}`, "security@embargo.test"),
    );
    for (const m of mails) await send({ outboxId: m!.id });
    expect(smtp.mails).toHaveLength(2);
    const [receipt, recovery] = smtp.mails.map(unfold);
    expect(receipt).toContain(`http://embargo.test/r/${tokens[0]}`);
    expect(receipt).not.toContain("sealed]");
    const [, reference, fresh] =
      /(EMB-\d{4}-\d{4}): http:\/\/embargo\.test\/r\/([A-Za-z0-9_-]{22})/.exec(recovery!) ?? [];
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(tokens[0]);
    expect(recovery).not.toContain("sealed]");
    tokens.push(fresh!);
    // Both links work.
    for (const token of tokens) {
      const page = await get(app, `/r/${token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(reference!);
    }
  });

  it("leaves no tracking token in any table, the job queue's included", async () => {
    expect(tokens).toHaveLength(2);
    const db = t!.database.db;
    const tables = (await db.execute(
      sql`select table_schema as s, table_name as n from information_schema.tables
          where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`,
    )) as unknown as { rows: { s: string; n: string }[] };
    expect(tables.rows.map((r) => `${r.s}.${r.n}`)).toEqual(
      expect.arrayContaining(["public.outbox", "pgboss.job"]),
    );
    let dump = "";
    for (const { s, n } of tables.rows) {
      const result = (await db.execute(
        sql.raw(`select coalesce(string_agg(t::text, E'\\n'), '') as d from "${s}"."${n}" t`),
      )) as unknown as { rows: { d: string }[] };
      dump += `${result.rows[0]!.d}\n`;
    }
    expect(dump).toContain(EMAIL); // the dump does hold the mail
    expect(dump).toContain("mail-deliver"); // and its jobs
    for (const token of tokens) expect(dump).not.toContain(token);
  });

  it("shows admins a placeholder on /admin/outbox, never a live link", async () => {
    const res = await get(app, "/admin/outbox", admin);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(EMAIL);
    expect(html).toContain("[private tracking link 1, sealed]");
    for (const token of tokens) expect(html).not.toContain(token);
    expect(html).not.toMatch(/\/r\/[A-Za-z0-9_-]{22}/);
  });

  it.runIf(kind === "pglite")("leaves no tracking token in any file of PGlite's data directory", async () => {
    expect(tokens).toHaveLength(2);
    await t!.close(); // a clean shutdown writes every page out
    t = undefined;
    const files = filesUnder(dir!);
    const contents = files.map((f) => ({ f, data: fs.readFileSync(f) }));
    expect(contents.some(({ data }) => data.includes(EMAIL))).toBe(true); // the scan does see the data
    for (const token of tokens)
      expect(contents.filter(({ data }) => data.includes(token)).map((c) => c.f)).toEqual([]);
  });
});
