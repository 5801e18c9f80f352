import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { follow } from "../../../test/helpers/http.ts";
import { type App, appFor, formData, postForm, unescapeHtml } from "../../../test/helpers/public.ts";
import { myReportsTokens, outbox } from "../../db/schema.ts";

describe.each(DB_KINDS)("My reports (/r/mine) on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let ip = 0;

  /** Each request from its own client address, unless one is given (the per-IP limit is tested on its own). */
  const ask = (email: string, from = `198.51.100.${++ip}`) =>
    app.request("/r/mine", {
      method: "POST",
      body: formData({ email }),
      headers: { origin: "http://embargo.test", "x-forwarded-for": from },
    });
  const mailTo = async (address: string) =>
    t.database.db
      .select()
      .from(outbox)
      .where(sql`${outbox.toAddress} = ${address} and ${outbox.subject} = 'Your security reports'`);
  /** The link in the newest mail to the address: the sealed secret, as the delivery job would put it in. */
  const linkFor = async (address: string) => {
    const rows = await mailTo(address);
    const sealed = rows.at(-1)!.secretsEnc!;
    const [url] = JSON.parse(t.cipher.decryptText(sealed)) as string[];
    return new URL(url!).pathname;
  };
  const open = (path: string) =>
    app.request(path, { method: "POST", headers: { origin: "http://embargo.test" } });
  const cookieOf = (res: Response) => /embargo_mine=[^;]+/.exec(res.headers.get("set-cookie") ?? "")![0];

  beforeAll(async () => {
    t = await createTestDb(kind);
    // Behind one proxy, so each test request can come from its own client address.
    t.services.deps.trustProxy = { kind: "hops", hops: 1 };
    app = appFor(t);
    await t.services.reports.submit(
      reportFields({ email: "known@example.net", title: "First report" }),
      [],
      "web",
    );
    await t.services.reports.submit(
      reportFields({ email: "Known@Example.net", title: "Second report", credit: "anonymous", name: "" }),
      [],
      "web",
    );
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it("answers the same page and status whether the address has reports or not; only a known address gets mail", async () => {
    const known = await ask("known@example.net");
    const unknown = await ask("nobody@example.net");
    expect(known.status).toBe(303);
    expect(unknown.status).toBe(303);
    expect(known.headers.get("location")).toBe("/r/mine/sent");
    expect(unknown.headers.get("location")).toBe("/r/mine/sent");
    const a = await follow(app, known);
    const b = await follow(app, unknown);
    expect(a.status).toBe(b.status);
    expect(await a.text()).toBe(await b.text());
    // The same work either way: one token row per request; only the mail differs.
    const rows = await t.database.db.select().from(myReportsTokens);
    expect(rows.filter((r) => r.email === "known@example.net")).toHaveLength(1);
    expect(rows.filter((r) => r.email === "nobody@example.net")).toHaveLength(1);
    expect(await mailTo("known@example.net")).toHaveLength(1);
    expect(await mailTo("nobody@example.net")).toHaveLength(0);
    // The stored mail holds no live link; the token itself is stored only hashed.
    const [mail] = await mailTo("known@example.net");
    expect(mail!.body).not.toContain("/r/mine/open/");
    const path = await linkFor("known@example.net");
    const token = path.split("/").at(-1)!;
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
  });

  it("refuses a malformed address with a field error and keeps it", async () => {
    const back = await follow(app, await ask("not-an-address"));
    const html = unescapeHtml(await back.text());
    expect(html).toContain("Enter a valid email address.");
    expect(html).toContain('value="not-an-address"');
  });

  it("opens once with the link, lists every report from the address with state, deadlines and credit", async () => {
    t.clock.set("2026-03-02T09:00:00Z");
    await ask("known@example.net");
    const path = await linkFor("known@example.net");
    // Visiting the link (a mail scanner) does not use it.
    expect((await app.request(path)).status).toBe(200);
    const opened = await open(path);
    expect(opened.status).toBe(303);
    const cookie = cookieOf(opened);
    expect(opened.headers.get("set-cookie")).toMatch(/HttpOnly/i);
    const list = await app.request("/r/mine/reports", { headers: { cookie } });
    expect(list.status).toBe(200);
    expect(list.headers.get("cache-control")).toBe("no-store");
    const html = unescapeHtml(await list.text());
    expect(html).toContain("First report");
    expect(html).toContain("Second report");
    expect(html).toContain("r3searcher");
    expect(html).toContain("Anonymous");
    expect(html).toContain("Acknowledge by");
    // One-time: the second use is refused.
    const again = await open(path);
    expect(again.status).toBe(404);
    expect(await again.text()).toContain("expired or was already used");
  });

  it("expires the link and the session after one hour, by the test clock", async () => {
    t.clock.set("2026-03-03T09:00:00Z");
    await ask("known@example.net");
    const late = await linkFor("known@example.net");
    t.clock.advance(60 * 60 * 1000 + 1);
    expect((await open(late)).status).toBe(404);

    t.clock.set("2026-03-04T09:00:00Z");
    await ask("known@example.net");
    const path = await linkFor("known@example.net");
    t.clock.advance(30 * 60 * 1000);
    const cookie = cookieOf(await open(path));
    expect((await app.request("/r/mine/reports", { headers: { cookie } })).status).toBe(200);
    t.clock.advance(30 * 60 * 1000 + 1);
    const expired = await app.request("/r/mine/reports", { headers: { cookie } });
    expect(expired.status).toBe(401);
    expect(await expired.text()).toContain("Ask for a new link");
  });

  it("sets a credit once on every report whose credit is neither confirmed nor public", async () => {
    t.clock.set("2026-03-05T09:00:00Z");
    const r = await t.services.reports.submit(reportFields({ email: "defaults@example.net" }), [], "web");
    const confirmed = await t.services.reports.submit(
      reportFields({ email: "defaults@example.net", name: "keep", credit: "handle" }),
      [],
      "web",
    );
    await t.services.credits.confirmCreditAsReporter(confirmed.token);
    await ask("defaults@example.net");
    const cookie = cookieOf(await open(await linkFor("defaults@example.net")));
    const bad = await app.request("/r/mine/credit", {
      method: "POST",
      body: formData({ display: "handle", handle: "zed", url: "http://zed.example" }),
      headers: { origin: "http://embargo.test", cookie },
    });
    expect(bad.status).toBe(303);
    const badPage = await follow(app, bad, null, cookie);
    expect(unescapeHtml(await badPage.text())).toContain("must start with https://");
    const res = await app.request("/r/mine/credit", {
      method: "POST",
      body: formData({ display: "handle", handle: "zed", url: "https://zed.example", hallOfFame: "on" }),
      headers: { origin: "http://embargo.test", cookie },
    });
    expect(res.headers.get("location")).toBe("/r/mine/reports?applied=1");
    expect(await t.services.credits.creditChoiceFor(t.database.db, r.report.id)).toMatchObject({
      handle: "zed",
    });
    expect(await t.services.credits.creditChoiceFor(t.database.db, confirmed.report.id)).toMatchObject({
      handle: "keep",
    });
    // Without the session, nothing is set.
    const anonymous = await postForm(app, "/r/mine/credit", formData({ display: "anonymous" }));
    expect(anonymous.status).toBe(401);
  });

  it("sends an address at most three links an hour, answering the same; and limits requests per client address", async () => {
    t.clock.set("2026-03-06T09:00:00Z");
    const before = (await mailTo("known@example.net")).length;
    for (let i = 0; i < 5; i++)
      expect((await ask("known@example.net")).headers.get("location")).toBe("/r/mine/sent");
    expect((await mailTo("known@example.net")).length - before).toBe(3);

    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await ask(`x${i}@example.net`, "203.0.113.9")).status);
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses[10]).toBe(429);
  });
});
