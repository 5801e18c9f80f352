// The road of issue 13, end to end on the real services: a critical report goes from fix_ready to disclosed
// through a scheduled security release. The pre-notification list gets its encrypted mail at prenotifyAt (gpg
// decrypts it), the advisory approved by a second member becomes public at publishAt and not a second before,
// its OSV, CVE 5.1 and CSAF documents validate with the official tools, and the reporter is told.

import fs from "node:fs";
import path from "node:path";
import * as basic from "@secvisogram/csaf-validator-lib/basic.js";
import validateStrict from "@secvisogram/csaf-validator-lib/validateStrict.js";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsPlugin from "ajv-formats";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csafPath } from "../../src/domain/export-csaf.ts";
import { createMailDeliveryHandler } from "../../src/features/outbox/outbox.jobs.ts";
import { createMailTransport } from "../../src/mail/transport.ts";
import { makeTeam, reportFields } from "../helpers/actors.ts";
import { advisoryBody } from "../helpers/advisory-drafts.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../helpers/db.ts";
import { type App, appFor } from "../helpers/http.ts";
import { raiseIntakeLimits } from "../helpers/intake-limits.ts";
import { type Gpg, gpgKey, makeGpg } from "../helpers/pgp.ts";
import { CRITICAL_OWASP } from "../helpers/release-world.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

const VECTORS = path.resolve(import.meta.dirname, "../../../shared/vectors");
const readJson = (p: string) => JSON.parse(fs.readFileSync(path.join(VECTORS, p), "utf8"));
const addFormats = addFormatsPlugin as unknown as (ajv: object) => void;
const osvAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(osvAjv);
const validOsv = osvAjv.compile(readJson("osv/schema.json"));
const cveAjv = new Ajv({ strict: false, allErrors: true });
addFormats(cveAjv);
const validCve = cveAjv.compile(readJson("cve-json-5/CVE_JSON_bundled_5.1.1.json"));

const CNA = "b3476cb9-2e3d-41a6-98d0-0f47421a65b6";
const PUBLISH_AT = new Date("2026-03-20T14:00:00Z");
const PRENOTIFY_AT = new Date("2026-03-19T14:00:00Z");

describe.each(DB_KINDS)("a critical report through a scheduled security release, on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let smtp: TestSmtp;
  let gpg: Gpg;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    await raiseIntakeLimits(t);
    team = await makeTeam(t);
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off", cnaOrgId: CNA });
    smtp = await startSmtp();
    await t.services.keys.ensureIntakeKey();
    gpg = makeGpg();
    gpg.run(["--import"], (await t.services.keys.intakeOverview()).current.publicArmored);
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.close();
  });

  const get = (p: string) => app.request(`http://embargo.test${p}`);

  it("pre-notifies at prenotifyAt, publishes at publishAt and not before, with valid exports, and tells the reporter", async () => {
    const { alice, bob } = team;
    // A critical report, confirmed, fixed by Alice and verified by Bob: fix_ready.
    const { report, token } = await t.services.reports.submit(reportFields(), [], "web");
    const ref = report.reference;
    for (const body of [
      { action: "acknowledge" },
      { action: "assign", assignee: alice.email },
      { action: "start_triage" },
      { action: "set_severity", owasp: CRITICAL_OWASP },
      { action: "confirm" },
      { action: "start_remediation" },
      { action: "add_fix", url: "https://git.example.org/app/commit/abc123" },
    ])
      await t.services.reports.act(alice, ref, body);
    const fixId = (await t.services.reports.teamView(ref)).fixes[0]!.id;
    await t.services.reports.act(bob, ref, { action: "verify_fix", fix: fixId });
    expect((await t.services.reports.teamView(ref)).state).toBe("fix_ready");

    // The advisory: drafted by Alice, approved by Bob (Alice, its last editor, may not).
    const advisory = await t.services.advisories.create(
      alice,
      advisoryBody([ref], { cveId: "CVE-2026-31337", noCveReason: null }),
    );
    await t.services.advisories.act(alice, advisory.id, { action: "submit" });
    await expect(t.services.advisories.act(alice, advisory.id, { action: "approve" })).rejects.toThrow();
    await t.services.advisories.act(bob, advisory.id, { action: "approve" });

    // The downstream list, with a key gpg holds the secret half of.
    const key = gpgKey(gpg, "Distro Security <security@distro.example>");
    const list = await t.services.notifications.create(team.admin.id, {
      name: "Distributions",
      mode: "full",
      members: [{ name: "Distro Security", email: "security@distro.example", pgpKey: key.publicArmored }],
    });

    // The release: the policy's security track, pre-notified 24 hours before by default.
    const planned = await t.services.releases.create(alice, {
      version: "2.4.1",
      reports: [ref],
      publishAt: PUBLISH_AT.toISOString(),
      notify: [list.id],
    });
    expect(planned.track).toBe("security");
    expect(planned.prenotifyAt?.toISOString()).toBe(PRENOTIFY_AT.toISOString());
    const release = planned.id;
    await t.services.releases.act(alice, release, {
      action: "waive_package_verification",
      report: ref,
      reason: "The fix ships as a source patch; the tarball is built by the distributions.",
    });
    await t.services.releases.act(alice, release, {
      action: "waive_consultation",
      report: ref,
      reason: "The reporter asked not to be involved further.",
    });
    const ready = await t.services.releases.get(release);
    const open = ready.checklist.filter((i) => !i.done).map((i) => i.key);
    await t.services.releases.act(
      alice,
      release,
      open.length > 0
        ? { action: "schedule", openItemsReason: `Accepted open items: ${open.join(", ")}` }
        : { action: "schedule" },
    );
    expect((await t.services.releases.get(release)).state).toBe("scheduled");

    // Pre-notification: not a second early; at prenotifyAt one encrypted, signed mail per member.
    const job = { releaseId: release, prenotifyAt: PRENOTIFY_AT.toISOString() };
    t.clock.set(new Date(PRENOTIFY_AT.getTime() - 1000));
    expect(await t.services.prenotify.runDue(job)).not.toBe("sent");
    t.clock.set(PRENOTIFY_AT);
    expect(await t.services.prenotify.runDue(job)).toBe("sent");
    const deliver = createMailDeliveryHandler({
      db: t.database.db,
      transport: createMailTransport(`smtp://127.0.0.1:${smtp.port}`, "security@embargo.test"),
      clock: t.clock,
      publicHost: "embargo.test",
      cipher: t.services.deps.cipher,
      keys: t.services.keys,
      onOutcome: (tx, source, outcome) => t.services.prenotify.recordDelivery(tx, source, outcome),
    });
    const queued = (
      (await t.database.db.execute(
        sql`select data from pgboss.job where name = 'mail-deliver' and data->'source'->>'kind' = 'prenotification'`,
      )) as unknown as { rows: { data: Record<string, unknown> }[] }
    ).rows;
    expect(queued).toHaveLength(1);
    for (const q of queued) await deliver(q.data);
    const mail = smtp.mails.find((m) => /^To: security@distro\.example\r?$/im.test(m));
    expect(mail).toContain("multipart/encrypted");
    expect(mail).not.toContain("CVE-2026-31337");
    const armored = /-----BEGIN PGP MESSAGE-----[\s\S]+?-----END PGP MESSAGE-----/.exec(mail!)![0];
    const out = path.join(gpg.home, "prenotice.txt");
    const decrypted = gpg.try(
      ["--status-fd", "1", "--yes", "--output", out, "--decrypt"],
      armored.replace(/\r\n/g, "\n"),
    );
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toMatch(/GOODSIG|VALIDSIG/);
    const plain = fs.readFileSync(out, "utf8").replace(/=\r?\n/g, "");
    expect(plain).toContain("2.4.1");
    expect(plain).toContain("2026-03-20");

    // Nothing is public before publishAt, and the job a second early publishes nothing.
    const publicId = advisory.publicId;
    const routes = [
      `/advisories/${publicId}`,
      `/advisories/${publicId}/osv.json`,
      `/advisories/${publicId}/cve.json`,
    ];
    t.clock.set(new Date(PUBLISH_AT.getTime() - 1000));
    expect(await t.services.releases.publish(release)).toMatchObject({ published: false, why: "early" });
    for (const route of routes) expect((await get(route)).status, route).toBe(404);
    expect(await (await get("/advisories.atom")).text()).not.toContain(publicId);

    // At publishAt: one transaction makes the release, the advisory and the report public.
    t.clock.set(PUBLISH_AT);
    expect(await t.services.releases.publish(release)).toMatchObject({
      published: true,
      lateSeconds: 0,
      advisories: [publicId],
    });
    expect((await t.services.releases.get(release)).state).toBe("published");
    expect((await t.services.reports.teamView(ref)).state).toBe("disclosed");
    for (const route of routes) expect((await get(route)).status, route).toBe(200);
    expect(await (await get("/advisories.atom")).text()).toContain(publicId);
    expect(await (await get("/advisories")).text()).toContain(publicId);

    // The documents validate with the official schemas and the CSAF validator.
    const osv = await (await get(`/advisories/${publicId}/osv.json`)).json();
    expect(validOsv(osv), JSON.stringify(validOsv.errors)).toBe(true);
    expect(osv.aliases).toEqual(["CVE-2026-31337"]);
    const cve = await (await get(`/advisories/${publicId}/cve.json`)).json();
    expect(validCve(cve), JSON.stringify(validCve.errors)).toBe(true);
    const published = await t.services.publishedAdvisories.get(publicId);
    const csafUrl = csafPath(published!.record);
    const csafRes = await get(csafUrl);
    expect(csafRes.status).toBe(200);
    const csaf = await validateStrict(Object.values(basic), await csafRes.json());
    expect(csaf.isValid, JSON.stringify(csaf.tests.filter((x) => !x.isValid))).toBe(true);

    // The reporter is told, with the advisory's link.
    const view = await t.services.reports.reporterView(token);
    const told = JSON.stringify(view);
    expect(told).toContain(`/advisories/${publicId}`);
    expect(told).toContain("2.4.1");

    // Closing sends the final feedback: the release, the advisory link and how they are credited.
    await t.services.reports.act(alice, ref, { action: "close", message: "Thank you for the report." });
    const final = JSON.stringify(await t.services.reports.reporterView(token));
    expect(final).toContain("Release: Release, version 2.4.1");
    expect(final).toContain("Thank you for the report.");
    expect(final).toContain(`/advisories/${publicId}`);
  });
});
