import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { tarGz, zipArchive } from "../../../test/helpers/archives.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  ORIGIN,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import {
  type Gpg,
  gpgKey,
  MEMBER_KEY_FINGERPRINT,
  MEMBER_PRIVATE_KEY,
  makeGpg,
} from "../../../test/helpers/pgp.ts";
import { makeReleaseRepo, type ReleaseRepo, releaseFile } from "../../../test/helpers/release-repo.ts";
import {
  auditEvents,
  fixBranches,
  fixes,
  fixVerifications,
  packageVerifications,
  reports,
  repositories,
} from "../../db/schema.ts";
import { RELEASE_NEEDS } from "../../domain/workflow.ts";
import { registerVerificationRun } from "./verifications.jobs.ts";
import { VERIFICATION_RUN } from "./verifications-queue.jobs.ts";

type Team = Awaited<ReturnType<typeof signedInTeam>>;

describe.each(DB_KINDS)("package verification on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Team;
  let gpg: Gpg;
  let repo: ReleaseRepo;
  const refs: Record<"merge" | "pick" | "squash" | "link" | "release", { id: string; reference: string }> =
    {} as never;

  const api = (method: string, path: string, token: string | null, body?: unknown) =>
    app.request(path, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  /** Starts a verification through the API as Alice, runs its job, and reads it back through the API. */
  const verify = async (tag: string, reportKeys: (keyof typeof refs)[], artifact?: unknown) => {
    const res = await api("POST", "/api/v1/verifications", team.team.alice.token, {
      repository: "acme/app",
      tag,
      reports: reportKeys.map((k) => refs[k].reference),
      ...(artifact ? { artifact } : {}),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await t.services.verifications.run(id);
    const read = await api("GET", `/api/v1/verifications/${id}`, team.team.viewer.token);
    expect(read.status).toBe(200);
    return (await read.json()) as {
      id: string;
      status: string;
      checks: { kind: string; subject: string; result: string; detail: string }[];
      artifactSha256?: string;
      error?: string;
    };
  };
  const upload = (filename: string, archive: Buffer) => ({ filename, content: archive.toString("base64") });
  const check = (v: Awaited<ReturnType<typeof verify>>, kind: string, subject?: RegExp) =>
    v.checks.find((c) => c.kind === kind && (!subject || subject.test(c.subject)));

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    team = await signedInTeam(app, t);
    gpg = makeGpg();
    gpg.run(["--import"], MEMBER_PRIVATE_KEY);
    gpgKey(gpg, "Mallory <mallory@example.net>", { algo: "ed25519", usage: "sign" });
    repo = makeReleaseRepo({ gpg });
    const tag = (name: string, ...args: string[]) =>
      repo.git("tag", ...args, "-m", `Release ${name}`, name, repo.sha.v11);
    tag("v1.1-annotated", "-a");
    tag("v1.1-signed", "-s", "-u", MEMBER_KEY_FINGERPRINT);
    tag("v1.1-mallory", "-s", "-u", "mallory@example.net");
    // A signed tag whose message was changed afterwards: the signature no longer matches what it signs.
    const signed = repo.git("cat-file", "tag", "v1.1-signed");
    const forged = execFileSync("git", ["mktag"], {
      cwd: repo.work,
      input: `${signed.replace("Release v1.1-signed", "Release v6.6-signed")}\n`,
      encoding: "utf8",
    }).trim();
    repo.git("update-ref", "refs/tags/v1.1-forged", forged);
    // A signed tag whose message is Latin-1, not UTF-8.
    const latin1 = path.join(repo.root, "latin1.txt");
    fs.writeFileSync(latin1, Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]));
    repo.git("tag", "-s", "-u", MEMBER_KEY_FINGERPRINT, "-F", latin1, "v1.1-latin1", repo.sha.v11);
    repo.publish();
    await t.services.repositories.register(team.team.admin.id, {
      name: "acme/app",
      upstreamUrl: repo.upstream,
    });
    for (const key of ["merge", "pick", "squash", "link"] as const) {
      const { report } = await t.services.reports.submit(reportFields({ title: `Bug ${key}` }), [], "api");
      refs[key] = { id: report.id, reference: report.reference };
    }
    const commitFix = (key: "merge" | "pick" | "squash", files: string[]) =>
      t.database.db.insert(fixes).values({
        reportId: refs[key].id,
        kind: "commit",
        sha: repo.sha[key],
        branch: `refs/heads/fix/${refs[key].reference}`,
        subject: `Fix ${key}`,
        files,
        authorId: team.team.alice.id,
      });
    await commitFix("merge", ["src/a.c", "tests/a_test.c"]);
    await commitFix("pick", ["src/b.c"]);
    await commitFix("squash", ["src/c.c"]);
    await t.database.db.insert(fixes).values({
      reportId: refs.link.id,
      kind: "link",
      url: "https://git.example.org/app/pull/7",
      authorId: team.team.alice.id,
    });
  }, 120_000);
  afterAll(async () => {
    await t.close();
    repo.cleanup();
    gpg.close();
  });

  describe("ancestry", () => {
    it("passes a fix merged into the release", async () => {
      const v = await verify("v1.1", ["merge"]);
      expect(v.status).toBe("passed");
      expect(check(v, "ancestry")).toMatchObject({
        subject: `${refs.merge.reference} ${repo.sha.merge.slice(0, 12)}`,
        result: "pass",
        detail: expect.stringMatching(/is in the history of v1\.1$/),
      });
    });

    it("passes a cherry-picked fix by its patch-id, naming the commit that carries it", async () => {
      const v = await verify("v1.2", ["pick"]);
      expect(v.status).toBe("passed");
      const c = check(v, "ancestry")!;
      expect(c.result).toBe("pass");
      expect(c.detail).toContain(`commit ${repo.sha.picked} has the same patch-id`);
    });

    it("fails a squash that changed the patch-id, and says so", async () => {
      const v = await verify("v1.3", ["squash"]);
      expect(v.status).toBe("failed");
      const c = check(v, "ancestry")!;
      expect(c.result).toBe("fail");
      expect(c.detail).toMatch(/not in the history of v1\.3, and none of the 1 commit\(s\).*same patch-id/);
      expect(c.detail).toMatch(/squash/);
    });

    it("fails a tag that does not contain the fix", async () => {
      const v = await verify("v0.9", ["merge", "pick"]);
      expect(v.status).toBe("failed");
      expect(v.checks.filter((c) => c.kind === "ancestry").map((c) => c.result)).toEqual(["fail", "fail"]);
    });

    it("skips a link fix without a SHA, saying it cannot be checked", async () => {
      const v = await verify("v1.1", ["link", "merge"]);
      expect(v.status).toBe("passed");
      expect(check(v, "ancestry", /pull\/7/)).toMatchObject({
        result: "skip",
        detail: expect.stringMatching(/external link without a commit SHA.*cannot be checked/),
      });
    });

    it("is an error, with a clear detail, when the tag is not upstream", async () => {
      const v = await verify("v9.9", ["merge"]);
      expect(v.status).toBe("error");
      expect(v.error).toMatch(/The tag v9\.9 is not in the upstream/);
      expect(v.checks).toEqual([]);
    });
  });

  describe("artifact_file", () => {
    const tarball = (a: string) =>
      tarGz([
        { name: "app-1.1/", type: "5" },
        { name: "app-1.1/src/a.c", content: a },
        { name: "app-1.1/README", content: "app 1.1\n" },
      ]);

    it("passes a tarball with the fixed file, warns for a file not packaged, and names the archive's hash", async () => {
      const archive = tarball(releaseFile.fixed("a"));
      const v = await verify("v1.1", ["merge"], upload("app-1.1.tar.gz", archive));
      expect(v.status).toBe("passed");
      expect(check(v, "artifact_file", /^src\/a\.c$/)?.result).toBe("pass");
      expect(check(v, "artifact_file", /^tests\/a_test\.c$/)).toMatchObject({
        result: "warn",
        detail: "tests/a_test.c is not packaged",
      });
      expect(v.artifactSha256).toMatch(/^[0-9a-f]{64}$/);
      // The upload was sealed only until the job read it.
      const [row] = await t.database.db
        .select()
        .from(packageVerifications)
        .where(eq(packageVerifications.id, v.id));
      expect(row?.artifactEnc).toBeNull();
    });

    it("fails a tarball with the old file, naming it", async () => {
      const v = await verify("v1.1", ["merge"], upload("app-1.1.tgz", tarball(releaseFile.old("a"))));
      expect(v.status).toBe("failed");
      expect(check(v, "artifact_file", /^src\/a\.c$/)).toMatchObject({
        result: "fail",
        detail: expect.stringMatching(/^src\/a\.c in the artifact differs from the file at the tag/),
      });
    });

    it("reads a zip", async () => {
      const zip = zipArchive([{ name: "package/src/b.c", content: releaseFile.fixed("b") }]);
      const v = await verify("v1.2", ["pick"], upload("app-1.2.zip", zip));
      expect(v.status).toBe("passed");
      expect(check(v, "artifact_file", /^src\/b\.c$/)?.result).toBe("pass");
    });

    it("refuses to download an artifact from a private address, as a failed check", async () => {
      const v = await verify("v1.1", ["merge"], { url: "https://127.0.0.1:9/app-1.1.tar.gz" });
      expect(v.status).toBe("failed");
      expect(check(v, "artifact_file")).toMatchObject({
        result: "fail",
        detail: expect.stringMatching(/^The artifact could not be downloaded: /),
      });
    });

    it("refuses a hostile archive as a failed check, reading nothing from it", async () => {
      const evil = tarGz([
        { name: "app/src/a.c", content: releaseFile.fixed("a") },
        { name: "app/../../etc/cron.d/x", content: "* * * * * root sh\n" },
      ]);
      const v = await verify("v1.1", ["merge"], upload("app.tar.gz", evil));
      expect(v.status).toBe("failed");
      expect(v.checks.find((c) => c.kind === "artifact_file")).toMatchObject({
        subject: "app.tar.gz",
        result: "fail",
        detail: expect.stringMatching(/^app\.tar\.gz was not read: /),
      });
    });
  });

  describe("tag_signature", () => {
    it("passes a tag signed with a member's key, naming the signer", async () => {
      const v = await verify("v1.1-signed", ["merge"]);
      expect(v.status).toBe("passed");
      expect(check(v, "tag_signature")).toMatchObject({
        result: "pass",
        detail: expect.stringMatching(
          new RegExp(`signed by \\w+ <\\w+@example\\.org> \\(key ${MEMBER_KEY_FINGERPRINT}\\)`),
        ),
      });
    });

    it("warns for a tag signed by a key nobody registered, naming the key", async () => {
      const v = await verify("v1.1-mallory", ["merge"]);
      expect(v.status).toBe("passed");
      expect(check(v, "tag_signature")).toMatchObject({
        result: "warn",
        detail: expect.stringMatching(/signed by key [0-9A-F]{16}, which is neither a team member's key nor/),
      });
    });

    it("fails a bad signature", async () => {
      const v = await verify("v1.1-forged", ["merge"]);
      expect(v.status).toBe("failed");
      expect(check(v, "tag_signature")).toMatchObject({
        result: "fail",
        detail: expect.stringMatching(/bad signature.*altered/),
      });
    });

    it("does not judge the signature of a tag whose text is not UTF-8", async () => {
      expect(check(await verify("v1.1-latin1", ["merge"]), "tag_signature")).toMatchObject({
        result: "warn",
        detail: "v1.1-latin1 holds text that is not UTF-8, so its signature was not checked",
      });
    });

    it("warns for an unsigned annotated tag and for a lightweight one", async () => {
      expect(check(await verify("v1.1-annotated", ["merge"]), "tag_signature")).toMatchObject({
        result: "warn",
        detail: "v1.1-annotated is not signed, so who made it is unproved",
      });
      expect(check(await verify("v1.1", ["merge"]), "tag_signature")?.result).toBe("warn");
    });

    it("trusts the repository's release-signing key", async () => {
      const armored = gpg.run(["--armor", "--export", "mallory@example.net"]);
      await t.database.db.update(repositories).set({ releaseSigningKey: armored });
      try {
        expect(check(await verify("v1.1-mallory", ["merge"]), "tag_signature")).toMatchObject({
          result: "pass",
          detail: expect.stringContaining("signed by the release-signing key of acme/app"),
        });
      } finally {
        await t.database.db.update(repositories).set({ releaseSigningKey: null });
      }
    });
  });

  describe("the API", () => {
    const body = (overrides: Record<string, unknown> = {}) => ({
      repository: "acme/app",
      tag: "v1.1",
      reports: [refs.merge.reference],
      ...overrides,
    });
    const count = async () => (await t.database.db.select().from(packageVerifications)).length;

    it("answers 202 with an id, queues the job and puts a line on the report's timeline", async () => {
      const res = await api("POST", "/api/v1/verifications", team.team.bob.token, body());
      expect(res.status).toBe(202);
      const { id } = await res.json();
      const jobs = (await t.database.db.execute(
        sql`select data from pgboss.job where name = ${VERIFICATION_RUN}`,
      )) as unknown as { rows: { data: { verificationId: string } }[] };
      expect(jobs.rows.map((r) => r.data.verificationId)).toContain(id);
      const queued = await (await api("GET", `/api/v1/verifications/${id}`, team.team.bob.token)).json();
      expect(queued).toMatchObject({ id, status: "queued", checks: [], reports: [refs.merge.reference] });
      const events = await t.database.db
        .select()
        .from(auditEvents)
        .where(
          and(eq(auditEvents.reportId, refs.merge.id), eq(auditEvents.action, "verification.requested")),
        );
      expect(events.some((e) => (e.data as { verificationId: string }).verificationId === id)).toBe(true);
    });

    it.each([
      [{ repository: "acme/nope" }, "repository", /No repository named acme\/nope/],
      [{ reports: ["EMB-1999-9999"] }, "reports", /No report EMB-1999-9999/],
      [{ reports: [] }, "reports", /at least one/],
      [{ tag: "v1..2" }, "tag", /\.\./],
      [{ tag: "-v1" }, "tag", /"-"/],
      [{ tag: "refs/tags/v1" }, "tag", /not a ref/],
      [{ artifact: { url: "http://example.org/app.tar.gz" } }, "artifact", /https:\/\//],
      [
        { artifact: { filename: "app.rar", content: "AAAA" } },
        "artifact.filename",
        /\.tar\.gz, \.tgz or \.zip/,
      ],
      [{ artifact: { filename: "app.zip", content: "not base64!" } }, "artifact.content", /base64/],
      [{ extra: 1 }, "_", /extra/],
    ])("refuses %j with a 400 naming %s, storing nothing", async (overrides, field, problem) => {
      const before = await count();
      const res = await api("POST", "/api/v1/verifications", team.team.alice.token, body(overrides));
      expect(res.status).toBe(400);
      const { error } = await res.json();
      expect(field === "_" ? JSON.stringify(error) : error.fields?.[field]).toMatch(problem);
      expect(await count()).toBe(before);
    });

    it("lets only members who act on reports start one, and answers 404 for an unknown id", async () => {
      const before = await count();
      expect((await api("POST", "/api/v1/verifications", team.team.viewer.token, body())).status).toBe(403);
      expect((await api("POST", "/api/v1/verifications", null, body())).status).toBe(401);
      expect(await count()).toBe(before);
      for (const id of ["00000000-0000-4000-8000-000000000000", "not-an-id"])
        expect((await api("GET", `/api/v1/verifications/${id}`, team.team.alice.token)).status).toBe(404);
      expect(
        (await api("GET", "/api/v1/verifications/00000000-0000-4000-8000-000000000000", null)).status,
      ).toBe(401);
    });
  });

  describe("the release guard", () => {
    it("needs a passed verification covering the report, and records which one", async () => {
      const { report } = await t.services.reports.submit(
        reportFields({ title: "Bug to release" }),
        [],
        "api",
      );
      refs.release = { id: report.id, reference: report.reference };
      // A pushed fix whose branch head a second member verified: the fix-ready guard holds.
      const branch = "refs/heads/fix/release";
      const [fix] = await t.database.db
        .insert(fixes)
        .values({
          reportId: report.id,
          kind: "commit",
          sha: repo.sha.pick,
          branch,
          files: ["src/b.c"],
          authorId: team.team.alice.id,
        })
        .returning();
      await t.database.db
        .insert(fixBranches)
        .values({ reportId: report.id, ref: branch, headSha: repo.sha.pick, updatedAt: new Date() });
      await t.database.db
        .insert(fixVerifications)
        .values({ fixId: fix!.id, verifierId: team.team.bob.id, sha: repo.sha.pick });
      await t.database.db.update(reports).set({ state: "fix_ready" }).where(eq(reports.id, report.id));
      const release = (body: Record<string, unknown>) =>
        api("POST", `/api/v1/reports/${report.reference}/actions`, team.team.alice.token, body);
      await verify("v0.9", ["release"]); // failed: does not count
      const refused = await release({ action: "release" });
      expect(refused.status).toBe(409);
      expect((await refused.json()).error.message).toBe(RELEASE_NEEDS);
      const passed = await verify("v1.2", ["release"]);
      expect(passed.status).toBe("passed");
      const released = await release({ action: "release" });
      expect(released.status).toBe(200);
      expect((await released.json()).release).toEqual({ verification: "passed", overrideReason: null });
      const [event] = await t.database.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.reportId, report.id), eq(auditEvents.action, "report.release")));
      expect(event?.data).toMatchObject({ verificationId: passed.id, tag: "v1.2" });
    });
  });

  describe("the report page", () => {
    let alice: Session;
    let viewer: Session;
    beforeAll(() => {
      ({ alice, viewer } = team);
    });

    it("starts a verification from the form with an uploaded tarball, then shows each check", async () => {
      const archive = tarGz([{ name: "app-1.2/src/b.c", content: releaseFile.fixed("b") }]);
      const form = new FormData();
      for (const [name, value] of Object.entries({
        _csrf: alice.csrf,
        repository: "acme/app",
        tag: "v1.2",
        reports: refs.pick.reference,
        artifact_url: "",
      }))
        form.append(name, value);
      form.append("artifact", new File([new Uint8Array(archive)], "app-1.2.tar.gz"));
      const res = await app.request(`/reports/${refs.pick.reference}/verifications`, {
        method: "POST",
        headers: { origin: ORIGIN, cookie: alice.cookie },
        body: form,
      });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe(
        `/reports/${refs.pick.reference}?done=verification#verification`,
      );
      const [latest] = await t.database.db
        .select()
        .from(packageVerifications)
        .where(eq(packageVerifications.artifactName, "app-1.2.tar.gz"));
      expect(latest?.status).toBe("queued");
      await t.services.verifications.run(latest!.id);
      const done = await t.services.verifications.get(latest!.id);
      expect(done.status).toBe("passed");
      const html = unescapeHtml(await (await get(app, `/reports/${refs.pick.reference}`, alice)).text());
      expect(html).toContain("Package verification");
      expect(html).toContain(`has the same patch-id`);
      expect(html).toContain("app-1.2.tar.gz");
      expect(html).toMatch(/src\/b\.c in the artifact is the file at the tag/);
      expect(html).toContain(`sha256:${done.artifactSha256}`);
    });

    it("keeps what was typed and says why when the form is refused", async () => {
      const res = await post(app, `/reports/${refs.pick.reference}/verifications`, alice, {
        repository: "acme/app",
        tag: "bad..tag",
        reports: refs.pick.reference,
      });
      expect(res.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, alice)).text());
      expect(html).toContain('may not contain ".."');
      expect(html).toContain('value="bad..tag"');
    });

    it("shows an archive problem next to the artifact field, asking for the file again", async () => {
      const form = new FormData();
      for (const [name, value] of Object.entries({ _csrf: alice.csrf, repository: "acme/app", tag: "v1.2" }))
        form.append(name, value);
      form.append("artifact", new File([new Uint8Array([1, 2, 3])], "app-1.2.rar"));
      const res = await app.request(`/reports/${refs.pick.reference}/verifications`, {
        method: "POST",
        headers: { origin: ORIGIN, cookie: alice.cookie },
        body: form,
      });
      expect(res.status).toBe(303);
      const html = unescapeHtml(await (await follow(app, res, alice)).text());
      expect(html).toContain('id="verification-artifact-error"');
      expect(html).toContain("The artifact must be a .tar.gz, .tgz or .zip file");
    });

    it("shows viewers the results but no form, and refuses their post", async () => {
      const html = await (await get(app, `/reports/${refs.pick.reference}`, viewer)).text();
      expect(html).toContain("Package verification");
      expect(html).not.toContain("Verify the release");
      const res = await post(app, `/reports/${refs.pick.reference}/verifications`, viewer, {
        repository: "acme/app",
        tag: "v1.2",
      });
      expect(res.status).toBe(403);
    });
  });

  describe("the durable job", () => {
    it("is picked up by the worker, which runs the verification once", async () => {
      await registerVerificationRun({ jobs: t.jobs, verifications: t.services.verifications });
      const res = await api("POST", "/api/v1/verifications", team.team.alice.token, {
        repository: "acme/app",
        tag: "v1.2",
        reports: [refs.pick.reference],
      });
      const { id } = (await res.json()) as { id: string };
      let status = "queued";
      for (let i = 0; i < 300 && (status === "queued" || status === "running"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = (await t.services.verifications.get(id)).status;
      }
      expect(status).toBe("passed");
      const finished = await t.database.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, "verification.finished"));
      expect(
        finished.filter((e) => (e.data as { verificationId: string }).verificationId === id),
      ).toHaveLength(1);
    }, 60_000);
  });
});
