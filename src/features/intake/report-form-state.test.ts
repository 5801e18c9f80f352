import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import {
  type App,
  appFor,
  countRows,
  followRefusal,
  formData,
  formFields,
  postForm,
  unescapeHtml,
} from "../../../test/helpers/public.ts";
import { formStates } from "../../db/schema.ts";

const PRIVATE_BLOCK =
  "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nsecret-material\n-----END PGP PRIVATE KEY BLOCK-----";

describe.each(DB_KINDS)("a refused report form: post/redirect/get on %s", (kind) => {
  let t: TestDb;
  let app: App;

  const refuse = (fields: Record<string, string>, files: { filename: string; content: string }[] = []) =>
    postForm(app, "/report", formData(formFields(fields), files));
  const stored = async () => ({
    reports: await countRows(t, "reports"),
    attachments: await countRows(t, "attachments"),
  });

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("redirects (303) to /report?form=<id>, with nothing to render and nothing stored", async () => {
    const before = await stored();
    const res = await refuse({ title: "x", email: "nope" }, [{ filename: "poc.txt", content: "proof" }]);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/report\?form=[A-Za-z0-9_-]{20,64}#error-summary$/);
    expect(res.headers.get("set-cookie")).toMatch(/embargo_form=[^;]+;.*HttpOnly/i);
    expect(await res.text()).toBe("");
    expect(await stored()).toEqual(before);
  });

  it("shows the summary in form order and every typed value, once, never cached", async () => {
    const typed = {
      title: 'Bad <b>"title"</b>',
      asset: "",
      weakness: "CWE-0",
      steps: "",
      cvss: "CVSS:3.1/AV:X",
      affectedVersions: "1.0\n1.1",
      email: "not-an-email",
      name: "Handle & co",
      credit: "handle",
    };
    const { location, cookie, page, html } = await followRefusal(app, await refuse(typed));
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    const text = unescapeHtml(html).replace(/\r\n/g, "\n");
    expect(text).toContain("<title>Error: Report a vulnerability");
    const summary = text.slice(text.indexOf('id="error-summary"'), text.indexOf("</ul>"));
    expect([...summary.matchAll(/<a href="#([A-Za-z]+)">/g)].map((m) => m[1])).toEqual([
      "asset",
      "weakness",
      "steps",
      "cvss",
      "email",
    ]);
    expect(text).toContain('value="Bad <b>"title"</b>"');
    expect(html).not.toContain("<b>&quot;title");
    expect(text).toContain('value="CVSS:3.1/AV:X"');
    expect(text).toContain("1.0\n1.1</textarea>");
    expect(text).toContain('value="not-an-email"');
    expect(text).toContain('value="Handle & co"');
    expect(text).toContain(formFields().description);
    expect(text).toMatch(/value="handle" id="credit-handle" checked=""/);
    // A fresh challenge, never the spent one.
    expect(html).toContain('data-pow="challenge"');
    expect(html).toMatch(/name="altcha" value=""/);

    // A reload shows the empty form: the state was read once, and a reload sends nothing.
    const before = await stored();
    const again = await app.request(location, { headers: cookie ? { cookie } : {} });
    expect(again.status).toBe(200);
    const againHtml = await again.text();
    expect(againHtml).not.toContain('id="error-summary"');
    expect(againHtml).not.toContain("not-an-email");
    expect(await stored()).toEqual(before);
  });

  it("keeps no files and no pasted private key, and asks for the files again", async () => {
    const res = await refuse({ title: "x", pgpKey: PRIVATE_BLOCK }, [
      { filename: "exploit-notes.txt", content: "the file's own words" },
    ]);
    const { html } = await followRefusal(app, res);
    expect(html).toContain('id="pgpKey-error"');
    expect(html).not.toContain("secret-material");
    expect(html).not.toContain("exploit-notes.txt");
    expect(html).not.toContain("the file&#39;s own words");
    expect(html).toContain('id="attachments-again"');
    expect(html).toContain('value="x"');
    // At rest, the state is sealed: neither the typed title nor the key's words appear in the row.
    const rows = await t.services.db.select().from(formStates);
    for (const row of rows) expect(JSON.stringify(row)).not.toMatch(/secret-material|exploit-notes/);
    // Without files the form does not ask for them again.
    const plain = await followRefusal(app, await refuse({ title: "x" }));
    expect(plain.html).not.toContain('id="attachments-again"');
  });

  it("shows the state only to the browser and page it was made for", async () => {
    const res = await refuse({ title: "x", name: "Only mine" });
    const location = res.headers.get("location")!;
    const stranger = await app.request(location, { headers: { cookie: "embargo_form=A".padEnd(40, "b") } });
    expect(await stranger.text()).not.toContain("Only mine");
    const bare = await app.request(location);
    expect(await bare.text()).not.toContain("Only mine");
    const { html } = await followRefusal(app, res);
    expect(html).toContain('value="Only mine"');
  });

  it("charges a forged anti-spam check to the hourly budget, so forged posts cannot store form after form", async () => {
    await raiseIntakeLimits(t, { reportsPerHourPerIp: 2 });
    const kept = await countRows(t, "form_states");
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await refuse({ title: `Forged check ${i}`, altcha: "Zm9yZ2Vk" })).status);
    expect(statuses).toEqual([303, 303, 429, 429, 429]);
    expect((await countRows(t, "form_states")) - kept).toBe(2);
    await raiseIntakeLimits(t);
  });

  it("keeps the 429 and Retry-After of the rate limit, which stores nothing either", async () => {
    // Every post of this suite so far counted against the limit, so one more is over it.
    await raiseIntakeLimits(t, { noJsReportsPerHourPerIp: 1 });
    const before = await stored();
    const limited = await refuse({ title: "A report over the limit" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await stored()).toEqual(before);
    await raiseIntakeLimits(t);
  });
});
