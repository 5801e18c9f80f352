import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam } from "../../../test/helpers/actors.ts";
import { advisoryBody, confirmedReportWithCvss } from "../../../test/helpers/advisory-drafts.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { git } from "../../../test/helpers/fix-world.ts";
import { raiseIntakeLimits } from "../../../test/helpers/intake-limits.ts";
import { AppError } from "../../core/errors.ts";

describe.each(DB_KINDS)("an advisory's git range on %s", (kind) => {
  let t: TestDb;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let root: string;
  let bare: string;
  let commits: { first: string; second: string };
  let report: { ref: string };

  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    await raiseIntakeLimits(t);
    report = await confirmedReportWithCvss(t, team.alice);
    root = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-advisory-git-"));
    const work = path.join(root, "work");
    fs.mkdirSync(work);
    await git(work, "init", "-q", "-b", "main");
    fs.writeFileSync(path.join(work, "a.c"), "int a;\n");
    await git(work, "add", "a.c");
    await git(work, "commit", "-q", "-m", "First");
    const first = (await git(work, "rev-parse", "HEAD")).out;
    fs.writeFileSync(path.join(work, "a.c"), "int a = 1;\n");
    await git(work, "commit", "-q", "-am", "Fix");
    const second = (await git(work, "rev-parse", "HEAD")).out;
    commits = { first, second };
    bare = path.join(root, "app.git");
    await git(root, "clone", "-q", "--bare", work, bare);
    const repo = await t.services.repositories.register(team.admin.id, {
      name: "acme/app",
      upstreamUrl: bare,
    });
    const fetched = await t.services.repositories.fetch(repo.id);
    if (!fetched.ok) throw new Error(`The mirror did not fetch: ${fetched.error}`);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const gitRange = (introduced: string, fixed: string) =>
    advisoryBody([report.ref], {
      affected: [{ product: "Acme App", repository: `${bare}/`, ranges: [{ introduced, fixed }] }],
    });

  it("accepts commits that are in the registered repository's mirror", async () => {
    const created = await t.services.advisories.create(team.alice, gitRange(commits.first, commits.second));
    expect(created.state).toBe("draft");
  });

  it("refuses a full SHA that is not in the mirror, naming the range's field", async () => {
    const error = await t.services.advisories.create(team.alice, gitRange("0", "1".repeat(40))).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).fields?.["affected.0.ranges.0.fixed"]).toMatch(/not in acme\/app's mirror/);
  });

  it("refuses a short SHA in a git range", async () => {
    const error = (await t.services.advisories
      .create(team.alice, gitRange("0", commits.second.slice(0, 12)))
      .catch((e: unknown) => e)) as AppError;
    expect(error.fields?.["affected.0.ranges.0.fixed"]).toMatch(/full 40-character SHA/);
  });
});
