// A push that moves a fix branch past its verified head: through real git over HTTP, the fix-ready report returns
// to remediation in the push's own transaction, with its audit event, and a second verification of the new head
// makes it fix ready again.

import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_KINDS } from "../../../test/helpers/db.ts";
import { type FixWorld, git, openFixWorld } from "../../../test/helpers/fix-world.ts";
import { reports } from "../../db/schema.ts";

describe.each(DB_KINDS)("a push past a verified head on %s", (kind) => {
  let w: FixWorld;
  beforeAll(async () => {
    w = await openFixWorld(kind);
  }, 120_000);
  afterAll(() => w.close());

  const stateOf = async (id: string) =>
    (await w.t.database.db.select({ state: reports.state }).from(reports).where(eq(reports.id, id)))[0]
      ?.state;

  it("returns a fix-ready report to remediation, and a verification of the new head brings it back", async () => {
    const { team } = w;
    const { ref, id } = await w.confirmedReport();
    await w.act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" });
    const dir = path.join(w.root, `stale-${kind}`);
    expect((await git(w.root, "clone", "-q", w.url(ref, team.alice.token), dir)).ok).toBe(true);
    fs.writeFileSync(path.join(dir, "app.c"), "int check(int n) { return n > 0 ? n : 0; }\n");
    await git(dir, "commit", "-qam", "Clamp negative input");
    expect((await git(dir, "push", "-q", "origin", `HEAD:refs/heads/fix/${ref}`)).ok).toBe(true);
    const first = (await git(dir, "rev-parse", "HEAD")).out;

    await w.act(team.bob, ref, { action: "verify_fix", fix: first });
    expect(await stateOf(id)).toBe("fix_ready");

    fs.writeFileSync(path.join(dir, "app.c"), "int check(int n) { return n < 0 ? 0 : n; }\n");
    await git(dir, "commit", "-qam", "Simpler clamp");
    const push = await git(dir, "push", "-q", "origin", `HEAD:refs/heads/fix/${ref}`);
    expect(push.ok, push.err).toBe(true);
    const second = (await git(dir, "rev-parse", "HEAD")).out;

    expect(await stateOf(id)).toBe("remediation");
    const [stale] = await w.audit("report.fix_verification_stale", id);
    expect(stale).toBeDefined();
    // Release is refused until someone verifies the head as it stands now.
    const refused = await w.refusal(
      w.act(team.alice, ref, { action: "release", override_reason: "Shipped by hand." }),
    );
    expect(refused.status).toBe(409);

    await w.act(team.bob, ref, { action: "verify_fix", fix: second });
    expect(await stateOf(id)).toBe("fix_ready");
  }, 120_000);
});
