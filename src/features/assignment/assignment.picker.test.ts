import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import {
  type App,
  appFor,
  follow,
  get,
  login,
  post,
  type Session,
  signedInTeam,
  unescapeHtml,
} from "../../../test/helpers/http.ts";
import { userKeys } from "../../db/schema.ts";
import { memberKeyUsability } from "../../domain/member-key.ts";

/** The assign picker's option for a member, as the page renders it. */
function optionOf(html: string, email: string): string {
  const match = new RegExp(`<option value="${email.replace(/[.]/g, "\\.")}"[^>]*>[^<]*</option>`).exec(html);
  if (!match) throw new Error(`No option for ${email}.`);
  return unescapeHtml(match[0]);
}

describe.each(DB_KINDS)("the assign picker on %s", (kind) => {
  let t: TestDb;
  let app: App;
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let admin: Session;
  let alice: Session;
  let nora: { id: string; email: string };
  let eve: { id: string; email: string };

  beforeAll(async () => {
    t = await createTestDb(kind);
    app = appFor(t);
    ({ team, admin, alice } = await signedInTeam(app, t));
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, autoAssign: "off" });
    // Nora never uploaded a key; Eve's key expired after it was uploaded.
    nora = await t.services.team.createMember(team.admin.id, {
      email: "nora@example.org",
      name: "Nora",
      role: "responder",
      password: "nora-password-long",
    });
    eve = await t.services.team.createMember(team.admin.id, {
      email: "eve@example.org",
      name: "Eve",
      role: "admin",
      password: "eve-password-long",
    });
    await t.database.db.insert(userKeys).values({
      userId: eve.id,
      fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567",
      armored: "(expired key)",
      expiresAt: new Date("2026-01-15T00:00:00Z"),
      uploadedAt: new Date("2025-01-15T00:00:00Z"),
      uploadedBy: eve.id,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  const submit = async () => (await t.services.reports.submit(reportFields(), [], "web")).report.reference;

  it("shows members without a usable key as not assignable, with the reason and a link to fix it", async () => {
    const ref = await submit();
    const html = await (await get(app, `/reports/${ref}`, admin)).text();
    const noraOption = optionOf(html, nora.email);
    expect(noraOption).toContain("disabled");
    expect(noraOption).toContain("Nora (responder): not assignable, no OpenPGP key");
    expect(optionOf(html, eve.email)).toContain("not assignable, OpenPGP key expired on 2026-01-15");
    expect(optionOf(html, team.alice.email)).not.toContain("disabled");
    expect(html).toContain('id="assign-blocked"');
    expect(html).toContain(`href="/admin/team/${nora.id}/key"`);
    expect(html).toContain(`href="/admin/team/${eve.id}/key"`);
    // A responder may not change another member's key: no admin link, only who can fix it.
    const forAlice = await (await get(app, `/reports/${ref}`, alice)).text();
    expect(forAlice).not.toContain(`/admin/team/${nora.id}/key`);
    expect(forAlice).toContain("They or an admin can upload one.");
    // The member themself is sent to their own key page.
    const noraSession = await login(app, nora.email, "nora-password-long");
    const forNora = await (await get(app, `/reports/${ref}`, noraSession)).text();
    expect(forNora).toContain('href="/account/key"');
  });

  it("offers exactly those the assign action accepts: the picker and the refusal share one rule", async () => {
    const ref = await submit();
    const options = await t.services.assignment.picker();
    expect(options.map((o) => o.name).sort()).toEqual(["Ada", "Alice", "Bob", "Eve", "Nora"]);
    for (const option of options) {
      const res = await post(app, `/reports/${ref}/actions`, admin, {
        action: "assign",
        assignee: option.email,
      });
      expect(res.status).toBe(303);
      const accepted = res.headers.get("location")!.includes("done=assign");
      expect(accepted, option.name).toBe(option.assignable);
      if (!option.assignable) {
        const page = unescapeHtml(await (await follow(app, res, admin)).text());
        const key =
          option.id === eve.id
            ? {
                fingerprint: "0123456789ABCDEF0123456789ABCDEF01234567",
                expiresAt: "2026-01-15T00:00:00.000Z",
              }
            : null;
        const verdict = memberKeyUsability(key, t.clock());
        if (verdict.usable) throw new Error("expected a refusal");
        expect(option.notAssignableBecause).toBe(verdict.short);
        expect(page).toContain(`${option.name} cannot be assigned reports yet. ${verdict.sentence}`);
      }
    }
    expect((await t.services.reports.teamView(ref)).assignee).toBe(
      options.filter((o) => o.assignable).at(-1)!.email,
    );
  });

  it("keeps the placeholder chosen when the current Response Manager lost their key", async () => {
    const ref = await submit();
    const res = await post(app, `/reports/${ref}/actions`, admin, {
      action: "assign",
      assignee: team.bob.email,
    });
    expect(res.headers.get("location")).toContain("done=assign");
    await t.database.db.delete(userKeys).where(eq(userKeys.userId, team.bob.id));
    const html = await (await get(app, `/reports/${ref}`, admin)).text();
    expect(html).toMatch(/<option value="" selected="">Choose a responder…<\/option>/);
    const bobOption = optionOf(html, team.bob.email);
    expect(bobOption).toContain("disabled");
    expect(bobOption).not.toContain("selected");
  });
});
