import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportFields } from "../../../test/helpers/actors.ts";
import { DB_KINDS } from "../../../test/helpers/db.ts";
import { type FixWorld, openFixWorld } from "../../../test/helpers/fix-world.ts";
import { appFor, follow, get, ORIGIN, post, unescapeHtml } from "../../../test/helpers/http.ts";
import { fixBranches, fixRepositories } from "../../db/schema.ts";
import { describeEvent } from "../reports/timeline.views.ts";

describe.each(DB_KINDS)(
  "create_fix_branch on %s",
  (kind) => {
    let w: FixWorld;
    let t: FixWorld["t"];
    let team: FixWorld["team"];
    let alice: FixWorld["alice"];
    let repositoryId: string;
    let upstream: FixWorld["upstream"];
    const act: FixWorld["act"] = (...a) => w.act(...a);
    const refusal: FixWorld["refusal"] = (p) => w.refusal(p);
    const confirmedReport: FixWorld["confirmedReport"] = (asset) => w.confirmedReport(asset);
    const audit: FixWorld["audit"] = (action, id) => w.audit(action, id);

    beforeAll(async () => {
      w = await openFixWorld(kind);
      ({ t, team, alice, repositoryId, upstream } = w);
    }, 120_000);
    afterAll(() => w.close());

    describe("create_fix_branch", () => {
      it("creates the private repository from Confirmed, starts remediation and audits it", async () => {
        const { ref, id } = await confirmedReport();
        const result = await act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" });
        expect(result.state).toBe("remediation");
        const [row] = await t.database.db
          .select()
          .from(fixRepositories)
          .where(eq(fixRepositories.reportId, id));
        expect(row).toMatchObject({
          repositoryId,
          branch: `refs/heads/fix/${ref}`,
          baseRef: "refs/heads/main",
        });
        expect(row!.baseSha).toBe(upstream.main);
        const branches = await t.database.db.select().from(fixBranches).where(eq(fixBranches.reportId, id));
        expect(branches).toMatchObject([{ ref: `refs/heads/fix/${ref}`, headSha: upstream.main }]);
        const dir = t.services.fixes.repoDir(id);
        expect(fs.readFileSync(path.join(dir, "objects", "info", "alternates"), "utf8")).toContain("mirrors");
        const [event] = await audit("report.create_fix_branch", id);
        expect(event!.data).toMatchObject({
          from: "confirmed",
          to: "remediation",
          cloneUrl: `${ORIGIN}/git/${ref}.git`,
        });
        expect(describeEvent("report.create_fix_branch", event!.data as Record<string, unknown>)).toContain(
          `push to fix/${ref} at ${ORIGIN}/git/${ref}.git; state is now Remediation`,
        );
      });

      it("takes a tag as the base, and the asset's repository when none is named", async () => {
        const asset = await t.services.assets.create(team.admin.id, {
          name: "App",
          identifier: "app.example.org",
          kind: "web",
          inScope: "true",
          active: "true",
          repositoryId,
        });
        const assetId = asset.id;
        const { ref, id } = await confirmedReport(assetId);
        await act(team.alice, ref, { action: "create_fix_branch", base: "v1.0" });
        const [row] = await t.database.db
          .select()
          .from(fixRepositories)
          .where(eq(fixRepositories.reportId, id));
        expect(row).toMatchObject({ repositoryId, baseRef: "refs/tags/v1.0", baseSha: upstream.v1 });
      });

      it("refuses a report whose asset names no repository, a bad base and an unknown repository, storing nothing", async () => {
        const { ref, id } = await confirmedReport();
        const none = await refusal(act(team.alice, ref, { action: "create_fix_branch" }));
        expect(none.status).toBe(400);
        expect(none.fields?.repository).toContain("names no repository");
        const badBase = await refusal(
          act(team.alice, ref, {
            action: "create_fix_branch",
            repository: repositoryId,
            base: "no-such-branch",
          }),
        );
        expect(badBase.status).toBe(400);
        expect(badBase.fields?.base).toContain('no branch, tag or commit "no-such-branch"');
        for (const base of ["--upload-pack=evil", "a..b", "1".repeat(40)]) {
          const e = await refusal(
            act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app", base }),
          );
          expect(e.status).toBe(400);
        }
        const unknown = await refusal(
          act(team.alice, ref, { action: "create_fix_branch", repository: "acme/none" }),
        );
        expect(unknown.fields?.repository).toContain("acme/none");
        expect(
          await t.database.db.select().from(fixRepositories).where(eq(fixRepositories.reportId, id)),
        ).toEqual([]);
        expect((await t.services.reports.teamView(ref)).state).toBe("confirmed");
      });

      it("refuses a second fix repository with 409 naming the clone URL, and a report in the wrong state", async () => {
        const { ref } = await confirmedReport();
        await act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" });
        const twice = await refusal(
          act(team.alice, ref, { action: "create_fix_branch", repository: "acme/app" }),
        );
        expect(twice.status).toBe(409);
        expect(twice.userMessage).toContain(`${ORIGIN}/git/${ref}.git`);

        const { report } = await t.services.reports.submit(reportFields(), [], "web");
        const early = await refusal(
          act(team.alice, report.reference, { action: "create_fix_branch", repository: "acme/app" }),
        );
        expect(early.status).toBe(409);
        expect(early.userMessage).toContain("only possible when the report is Confirmed or Remediation");
      });

      it("offers the form on the report page, then shows the clone URL instead", async () => {
        const { ref } = await confirmedReport();
        const page = async () => (await get(appFor(t), `/reports/${ref}`, alice)).text();
        const before = await page();
        expect(before).toContain('name="action" value="create_fix_branch"');
        expect(before).toContain(`<option value="${repositoryId}">acme/app</option>`);
        await act(team.alice, ref, { action: "create_fix_branch", repository: repositoryId });
        const after = await page();
        expect(after).not.toContain('name="action" value="create_fix_branch"');
        // The fix panel shows where to clone it; the action is no longer offered.
        expect(after).toContain(
          `id="fix-clone-url" class="mono clone-url" type="text" readonly="" value="${ORIGIN}/git/${ref}.git"`,
        );
      });

      it("keeps what was typed and says why when the page's form is refused", async () => {
        const { ref } = await confirmedReport();
        const app = appFor(t);
        const res = await post(app, `/reports/${ref}/actions`, alice, {
          action: "create_fix_branch",
          repository: repositoryId,
          base: "no-such-tag",
        });
        const html = unescapeHtml(await (await follow(app, res, alice)).text());
        expect(html).toContain('acme/app has no branch, tag or commit "no-such-tag"');
        expect(html).toContain('value="no-such-tag"');
        expect((await t.services.reports.teamView(ref)).state).toBe("confirmed");
      });
    });
  },
  300_000,
);
