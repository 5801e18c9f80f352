import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeActor, makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { listReportEvents } from "../../audit/audit-log.ts";
import { AppError } from "../../core/errors.ts";
import { bountyAwards, payoutDetails, reports } from "../../db/schema.ts";
import { listOutbox } from "../outbox/outbox.repo.ts";

/** A valid EIP-55 address and IBAN (the domain's tests prove the checksums). */
const ETH = "0x52908400098527886E0F7030069857D2E4169EE7";
const IBAN = "DE89370400440532013000";

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (error) {
    if (error instanceof AppError)
      return { status: error.status, code: error.code, fields: error.fields ?? {} };
    throw error;
  }
  throw new Error("expected a refusal");
}

/** Every row of every table, the job queue's included, as one text. */
async function dumpAll(t: TestDb): Promise<string> {
  const db = t.database.db;
  const tables = (await db.execute(
    sql`select table_schema as s, table_name as n from information_schema.tables
        where table_schema in ('public', 'pgboss') and table_type = 'BASE TABLE'`,
  )) as unknown as { rows: { s: string; n: string }[] };
  let dump = "";
  for (const { s, n } of tables.rows) {
    const result = (await db.execute(
      sql.raw(`select coalesce(string_agg(t::text, E'\\n'), '') as d from "${s}"."${n}" t`),
    )) as unknown as { rows: { d: string }[] };
    dump += `${result.rows[0]!.d}\n`;
  }
  return dump;
}

/** Every file under a directory as one buffer's text (latin1 keeps bytes). */
function readTree(dir: string): string {
  let out = "";
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out += readTree(p);
    else if (entry.isFile()) out += fs.readFileSync(p).toString("latin1");
  }
  return out;
}

const POLICY = {
  currency: "EUR",
  ranges: {
    critical: { min: 300000, max: 1000000 },
    high: { min: 100000, max: 300000 },
    medium: { min: 25000, max: 100000 },
  },
  noBountyScope: "Self-XSS, missing headers without impact.",
  explorers: { ethereum: "https://etherscan.io/tx/{tx}" },
};

describe.each(DB_KINDS)("bounties on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let second: Awaited<ReturnType<typeof makeActor>>;
  let dataDir: string;

  const submit = async (title: string, severity: string | null = "high") => {
    const r = await t.services.reports.submit(reportFields({ title }), [], "web");
    await t.database.db.update(reports).set({ severity }).where(eq(reports.id, r.report.id));
    return { id: r.report.id, reference: r.report.reference, token: r.token };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-bounty-"));
    t = await createTestDb(kind, kind === "pglite" ? { pgliteDir: dataDir } : {});
    team = await makeTeam(t);
    second = await makeActor(t, "admin", "Grace");
    await t.services.bounties.setPolicy(team.admin, POLICY);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a wrong policy naming every field, and keeps the stored one", async () => {
    const r = await refusal(
      t.services.bounties.setPolicy(team.admin, {
        currency: "euro",
        ranges: {
          critical: { min: 5, max: 1 },
          low: { min: 999999, max: 9999999 },
          bogus: { min: 1, max: 2 },
        },
        explorers: {
          ethereum: "http://etherscan.io/tx/{tx}",
          bitcoin: "https://mempool.space/tx/",
          doge: "x",
        },
      }),
    );
    expect(r.status).toBe(400);
    expect(Object.keys(r.fields).sort()).toEqual(
      [
        "currency",
        "explorers.bitcoin",
        "explorers.doge",
        "explorers.ethereum",
        "ranges.bogus",
        "ranges.critical",
        "ranges.low",
      ].sort(),
    );
    expect(await refusal(t.services.bounties.setPolicy(team.alice, POLICY))).toMatchObject({ status: 403 });
    expect(await t.services.bounties.policy()).toMatchObject({
      currency: "EUR",
      explorers: POLICY.explorers,
    });
  });

  it("takes an award from proposal to payment, approved by a second admin, every step audited", async () => {
    const r = await submit("Paid bounty");
    const b = t.services.bounties;
    const award = await b.propose(team.admin, r.id, { message: "Thank you for the clear report." });
    expect(award.state).toBe("proposed");
    const panel = await b.panel(r.id);
    expect(panel.awards[0]).toMatchObject({ amount: 100000, currency: "EUR", display: "EUR 1,000.00" });
    // Before the offer the reporter sees nothing.
    expect((await b.bountyForReporter(r.id)).award).toBeNull();
    expect(await refusal(b.act(team.admin, award.id, { action: "approve" }))).toMatchObject({
      status: 409,
      code: "guard_failed",
    });
    expect(await refusal(b.act(team.alice, award.id, { action: "approve" }))).toMatchObject({ status: 403 });
    expect(await refusal(b.act(second, award.id, { action: "offer" }))).toMatchObject({
      status: 409,
      code: "invalid_transition",
    });
    await b.act(second, award.id, { action: "approve" });
    const mailsBefore = (await listOutbox(t.database.db, 1000)).filter((m) => m.reportId === r.id).length;
    await b.act(team.admin, award.id, { action: "offer" });
    expect((await listOutbox(t.database.db, 1000)).filter((m) => m.reportId === r.id).length).toBe(
      mailsBefore + 1,
    );
    expect((await b.bountyForReporter(r.id)).award).toMatchObject({
      state: "offered",
      display: "EUR 1,000.00",
    });
    await b.acceptAsReporter(r.token);
    // Paying needs the reporter's payout details, and a reference.
    expect(
      await refusal(b.act(team.admin, award.id, { action: "mark_paid", reference: "0xabc" })),
    ).toMatchObject({
      status: 409,
    });
    await b.setPayoutAsReporter(r.token, { method: "ethereum", address: ETH });
    expect((await b.bountyForReporter(r.id)).payout).toEqual({ method: "ethereum", hint: "…9EE7" });
    expect(await b.payoutForPayment(team.admin, r.id)).toMatchObject({ address: ETH });
    expect(await refusal(b.payoutForPayment(team.alice, r.id))).toMatchObject({ status: 403 });
    expect(await refusal(b.act(team.admin, award.id, { action: "mark_paid" }))).toMatchObject({
      status: 400,
      fields: { reference: expect.any(String) },
    });
    expect(
      await refusal(
        b.act(team.admin, award.id, { action: "mark_paid", reference: "0xabc", date: "yesterday" }),
      ),
    ).toMatchObject({ fields: { date: expect.any(String) } });
    await b.act(team.admin, award.id, {
      action: "mark_paid",
      reference: "0xfeed01",
      date: "2026-03-05",
      amount: 100000,
    });
    const paid = (await b.panel(r.id)).awards[0]!;
    expect(paid.state).toBe("paid");
    expect(paid.payment).toMatchObject({
      paidOn: "2026-03-05",
      reference: "0xfeed01",
      method: "ethereum",
      explorerUrl: "https://etherscan.io/tx/0xfeed01",
    });
    const actions = (await listReportEvents(t.database.db, r.id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith("bounty."))).toEqual([
      "bounty.propose",
      "bounty.approve",
      "bounty.offer",
      "bounty.accept",
      "bounty.payout_details",
      "bounty.mark_paid",
    ]);
  });

  it("needs a reason for an amount outside the policy, a severity without a bounty, or another currency", async () => {
    const b = t.services.bounties;
    const r = await submit("Out of range");
    expect(await refusal(b.propose(team.admin, r.id, { amount: 5000000, message: "x" }))).toMatchObject({
      status: 400,
      fields: { reason: expect.stringMatching(/range for high/) },
    });
    expect(
      await refusal(b.propose(team.admin, r.id, { amount: 150000, currency: "USD", message: "x" })),
    ).toMatchObject({ fields: { reason: expect.stringMatching(/pays in EUR/) } });
    expect(await refusal(b.propose(team.admin, r.id, { amount: "100", message: "x" }))).toMatchObject({
      fields: { amount: expect.any(String) },
    });
    expect(await refusal(b.propose(team.admin, r.id, { amount: 150000 }))).toMatchObject({
      fields: { message: expect.any(String) },
    });
    const low = await submit("Low severity", "low");
    expect(await refusal(b.propose(team.admin, low.id, { message: "x" }))).toMatchObject({
      fields: { amount: expect.any(String) },
    });
    expect(await refusal(b.propose(team.admin, low.id, { amount: 5000, message: "x" }))).toMatchObject({
      fields: { reason: expect.stringMatching(/no bounty for this severity/) },
    });
    expect(await t.database.db.select().from(bountyAwards).where(eq(bountyAwards.reportId, r.id))).toEqual(
      [],
    );
    const ok = await b.propose(team.admin, r.id, {
      amount: 5000000,
      message: "Exceptional find.",
      reason: "Remote code execution across every tenant.",
    });
    expect(ok.state).toBe("proposed");
    expect(await refusal(b.propose(team.admin, r.id, { message: "again" }))).toMatchObject({ status: 409 });
    expect(await refusal(b.act(team.admin, ok.id, { action: "cancel" }))).toMatchObject({
      fields: { reason: expect.any(String) },
    });
    await b.act(team.admin, ok.id, { action: "cancel", reason: "Proposed on the wrong report." });
  });

  it("lets the reporter decline or donate to a charity they name, and refuses a second answer", async () => {
    const b = t.services.bounties;
    for (const answer of ["decline", "donate"] as const) {
      const r = await submit(`Reporter ${answer}s`);
      const a = await b.propose(team.admin, r.id, { message: "Offer." });
      await b.act(second, a.id, { action: "approve" });
      expect(await refusal(b.acceptAsReporter(r.token))).toMatchObject({ status: 404 });
      await b.act(team.admin, a.id, { action: "offer" });
      if (answer === "donate") {
        expect(await refusal(b.donateAsReporter(r.token, { charity: " " }))).toMatchObject({
          fields: { charity: expect.any(String) },
        });
        await b.donateAsReporter(r.token, { charity: "=Free Software Foundation" });
        expect((await b.bountyForReporter(r.id)).award).toMatchObject({ state: "donated" });
      } else {
        await b.declineAsReporter(r.token);
        expect((await b.bountyForReporter(r.id)).award).toMatchObject({ state: "declined" });
      }
      expect(await refusal(b.acceptAsReporter(r.token))).toMatchObject({ status: 409 });
    }
  });

  it("checks payout details with their checksum and names the problem in fields.address", async () => {
    const r = await submit("Payout checks");
    const b = t.services.bounties;
    expect(
      await refusal(b.setPayoutAsReporter(r.token, { method: "ethereum", address: ETH.toLowerCase() })),
    ).toMatchObject({ status: 400, fields: { address: expect.stringMatching(/EIP-55/) } });
    expect(
      await refusal(b.setPayoutAsReporter(r.token, { method: "iban", address: "DE89370400440532013001" })),
    ).toMatchObject({ fields: { address: expect.any(String) } });
    expect(await refusal(b.setPayoutAsReporter(r.token, { method: "gold", address: "x" }))).toMatchObject({
      fields: { method: expect.any(String) },
    });
    expect(await refusal(b.setPayoutAsReporter(r.token, { method: "iban" }))).toMatchObject({
      fields: { address: "Give the address." },
    });
    expect(
      await refusal(b.setPayoutAsReporter("Z".repeat(22), { method: "iban", address: IBAN })),
    ).toMatchObject({
      status: 404,
    });
    expect(await t.database.db.select().from(payoutDetails).where(eq(payoutDetails.reportId, r.id))).toEqual(
      [],
    );
    expect(await b.setPayoutAsReporter(r.token, { method: "iban", address: IBAN })).toEqual({
      method: "iban",
      hint: "…3000",
    });
  });

  it("keeps every payout address sealed: no table, queued mail, data file or CSV holds it in plaintext", async () => {
    const csv = await t.services.bounties.exportYear(2026);
    const dump = await dumpAll(t);
    for (const secret of [ETH, ETH.toLowerCase(), IBAN, "DE89 3704 0044 0532 0130 00", "0532013000"]) {
      expect(dump.includes(secret), `a table holds ${secret}`).toBe(false);
      expect(csv.includes(secret)).toBe(false);
      for (const mail of await listOutbox(t.database.db, 1000))
        expect(mail.body.includes(secret)).toBe(false);
    }
    if (kind === "pglite") {
      await t.database.db.execute(sql`checkpoint`);
      const files = readTree(dataDir);
      expect(files.length).toBeGreaterThan(0);
      for (const secret of [ETH, IBAN, "DE89 3704 0044"])
        expect(files.includes(secret), `the data dir holds ${secret}`).toBe(false);
    }
  });

  it("exports the year's awards as CSV without addresses, safe to open in a spreadsheet", async () => {
    const csv = await t.services.bounties.exportYear(2026);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe('"reference","date","amount","currency","state","payout method"');
    expect(lines.some((l) => /"2026-03-05","1000.00","EUR","paid","ethereum"$/.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('"cancelled"'))).toBe(true);
    expect(await t.services.bounties.exportYear(2025)).toBe(`${lines[0]}\r\n`);
    expect(await refusal(t.services.bounties.exportYear(Number.NaN))).toMatchObject({ status: 400 });
  });
});
