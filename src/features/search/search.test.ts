import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTeam, reportFields } from "../../../test/helpers/actors.ts";
import { createTestDb, DB_KINDS, type TestDb } from "../../../test/helpers/db.ts";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import { transaction } from "../../core/db.ts";
import { can } from "../../domain/permissions.ts";
import { tokenize } from "../../domain/search-text.ts";
import {
  LIKELY_DUPLICATE_SCORE,
  rankIntakeDuplicates,
  recordIntakeSuggestions,
  suggestDuplicates,
} from "./duplicates.service.ts";
import { parseSearch, textFilterCondition } from "./search.service.ts";
import { searchHasher } from "./search-index.service.ts";

type Team = Awaited<ReturnType<typeof makeTeam>>;

const systemEvent = { actorType: "system" as const, actorId: null, reportId: null, data: {} };

describe.each(DB_KINDS)("search on %s", (kind) => {
  let t: TestDb;
  let team: Team;
  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
  });
  afterAll(async () => {
    await t?.close();
  });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const submit = async (overrides: Record<string, unknown>) =>
    (await t.services.reports.submit(reportFields(overrides), [], "web")).report;
  const search = (q: string, reader = team.alice, extra: Record<string, unknown> = {}) =>
    t.services.reports.inbox({ q, state: "all", ...extra }, reader);
  const refs = (result: Awaited<ReturnType<typeof search>>) => result.items.map((i) => i.reference);

  it("indexes a report at intake with keyed hashes, never its words", async () => {
    const report = await submit({
      title: "Quartzite overflow in the uploader",
      description: "The zephyrine parser trusts the declared length and overflows the buffer.",
      steps: "Upload a crafted archive with a declared length of 4294967295 bytes to reproduce it.",
    });
    const [row] = await rows(sql`select search_index::text as idx from reports where id = ${report.id}`);
    const idx = String(row!.idx);
    expect(idx.length).toBeGreaterThan(0);
    for (const word of [
      "quartzite",
      "zephyrine",
      "parser",
      "overflow",
      "archive",
      "4294967295",
      "uploader",
    ]) {
      expect(idx).not.toContain(word);
    }
    // Every lexeme is 16 hash letters with a weight; the title's words weigh A.
    for (const lexeme of idx.split(" ")) expect(lexeme).toMatch(/^'[a-p]{16}':[\d,ABC]+$/);
    const hash = searchHasher(t.services.deps.cipher).hash(tokenize("Quartzite")[0]!);
    expect(idx).toMatch(new RegExp(`'${hash}':1A`));
  });

  it("indexes team messages, internal notes and reporter replies as they are posted", async () => {
    const { report, token } = await t.services.reports.submit(
      reportFields({ title: "Message indexing check" }),
      [],
      "web",
    );
    await t.services.reports.postMessage(team.alice, report.id, {
      body: "Internal: the obsidianite gadget is involved.",
      visibility: "internal",
    });
    await t.services.reports.replyAsReporter(token, { body: "Reporter adds a peridotite detail." });
    await t.services.reports.act(team.alice, report.id, { action: "acknowledge" });
    const stored = await rows(
      sql`select search_index::text as idx from messages where report_id = ${report.id}`,
    );
    expect(stored).toHaveLength(3);
    for (const m of stored) {
      expect(m.idx).not.toBeNull();
      expect(String(m.idx)).not.toMatch(/obsidianite|peridotite|gadget/);
    }
  });

  it("finds words that are only in the body or only in a message, with highlighted, escaped snippets", async () => {
    const report = await submit({
      title: "Preview renders comments",
      description: "The moonstone renderer copies <b>raw</b> markup & scripts into the preview page.",
    });
    await t.services.reports.postMessage(team.alice, report.id, {
      body: "Reporter-visible: we traced the <script> to the tourmaline template.",
      visibility: "reporter",
    });
    const body = await search("moonstone");
    expect(refs(body)).toEqual([report.reference]);
    expect(body.items[0]!.snippet).toMatchObject({ from: "report" });
    expect(body.items[0]!.snippet!.html).toContain("<mark>moonstone</mark>");
    expect(body.items[0]!.snippet!.html).toContain("&lt;b&gt;raw&lt;/b&gt; markup &amp; scripts");

    const message = await search("Tourmaline templates");
    expect(refs(message)).toEqual([report.reference]);
    expect(message.items[0]!.snippet).toMatchObject({ from: "message", visibility: "reporter" });
    expect(message.items[0]!.snippet!.html).toContain("<mark>tourmaline</mark> <mark>template</mark>");
    expect(message.items[0]!.snippet!.html).toContain("&lt;script&gt;");
  });

  it("needs every word of the query, finds references, and title words through the index", async () => {
    const report = await submit({
      title: "Garnetfield login bypass",
      description: "The garnetfield session check can be skipped with a forged header value.",
    });
    expect(refs(await search("garnetfield forged"))).toEqual([report.reference]);
    expect(refs(await search("garnetfield unicorns"))).toEqual([]);
    expect(refs(await search(report.reference))).toEqual([report.reference]);
    expect(refs(await search(report.reference.toLowerCase()))).toEqual([report.reference]);
    // Title words are in the index (weight A); a fragment of a word would need every title read, so it finds
    // nothing, while a query with no word to look up (stop words only) still matches title substrings.
    expect(refs(await search("Garnetfield"))).toEqual([report.reference]);
    expect(refs(await search("Garnetfie"))).toEqual([]);
    expect(refs(await search("by"))).toContain(report.reference);
  });

  it("never breaks on hostile queries", async () => {
    await submit({
      title: "Hostile query target",
      description: "Contains the word jasperine for searching.",
    });
    for (const q of [
      "jasperine & | ! ( ) : *",
      "'jasperine'",
      '"jasperine"',
      "jasperine:*",
      "!jasperine",
      "(jasperine | x",
      "& | ! ( ) : *",
      "'; drop table reports; --",
      "\\",
      "%_%",
      "the of and",
      "<mark>jasperine</mark>",
      "\u0000jasperine",
      "x".repeat(200),
    ]) {
      const result = await search(q);
      expect(result.total).toBeGreaterThanOrEqual(0);
    }
    expect((await search("jasperine & | ! ( ) : *")).total).toBe(1);
    expect((await search("!jasperine")).total).toBe(1); // "!" is a separator, not NOT
    expect((await search("%_%")).total).toBe(0);
    expect((await search("& | ! ( ) : *")).total).toBe(0);
  });

  it("combines search with the state, severity and assignee filters, sorting and paging", async () => {
    const a = await submit({ title: "Amberlight one", description: "The amberlight endpoint leaks tokens." });
    const b = await submit({
      title: "Amberlight two",
      description: "The amberlight endpoint leaks sessions.",
    });
    const c = await submit({
      title: "Amberlight three",
      description: "The amberlight endpoint leaks cookies.",
    });
    await t.services.reports.act(team.alice, b.id, { action: "assign", assignee: team.bob.email });
    await t.services.reports.act(team.alice, c.id, { action: "reject", reason: "invalid", message: "No." });

    expect(new Set(refs(await search("amberlight")))).toEqual(
      new Set([a.reference, b.reference, c.reference]),
    );
    expect(refs(await search("amberlight", team.alice, { state: "open", sort: "reference" }))).toEqual([
      a.reference,
      b.reference,
    ]);
    expect(refs(await search("amberlight", team.alice, { assignee: team.bob.email }))).toEqual([b.reference]);
    expect(refs(await search("amberlight", team.alice, { state: "rejected" }))).toEqual([c.reference]);
    expect(refs(await search("amberlight", team.alice, { severity: "high" }))).toEqual([]);
    const page2 = await search("amberlight", team.alice, { sort: "reference", perPage: 5, page: 1 });
    expect(page2.total).toBe(3);
    const paged = await search("amberlight", team.alice, { sort: "-reference", perPage: 5, page: 2 });
    expect(paged.items).toEqual([]);
    expect(paged.total).toBe(3);
  });

  it("searches internal notes only for roles that may read them: a viewer finds what a viewer may see", async () => {
    const report = await submit({
      title: "Access-controlled search",
      description: "Nothing special here at all.",
    });
    await t.services.reports.postMessage(team.alice, report.id, {
      body: "Internal only: the beryllonite exploit chain.",
      visibility: "internal",
    });
    for (const member of [team.viewer, team.alice]) {
      const found = refs(await search("beryllonite", member));
      // The viewer sees exactly what the report page shows a viewer.
      expect(found).toEqual(can(member.role, "report.read_internal") ? [report.reference] : []);
      const view = await t.services.reports.teamView(report.id);
      const pageShowsNote = view.messages.some((m) => m.body.includes("beryllonite"));
      expect(found.length > 0).toBe(pageShowsNote && can(member.role, "report.read_internal"));
    }
    // Without the capability (no reader, or a role lacking it), internal notes are not searched.
    expect(refs(await t.services.reports.inbox({ q: "beryllonite", state: "all" }))).toEqual([]);
    const narrow = textFilterCondition(t.services.deps.cipher, parseSearch("beryllonite"), false)!;
    const hits = await rows(sql`select reference from reports where ${narrow}`);
    expect(hits).toEqual([]);
    const wide = textFilterCondition(t.services.deps.cipher, parseSearch("beryllonite"), true)!;
    expect(await rows(sql`select reference from reports where ${wide}`)).toEqual([
      { reference: report.reference },
    ]);
  });

  it("backfills rows without an index, in batches, and is idempotent", async () => {
    const a = await submit({
      title: "Backfill alpha",
      description: "Carnelianite appears in the body text.",
    });
    const b = await submit({ title: "Backfill beta", description: "Also carnelianite, in another report." });
    await t.services.reports.postMessage(team.alice, a.id, {
      body: "Chrysoberyl note.",
      visibility: "internal",
    });
    await t.database.db.execute(sql`update reports set search_index = null where id in (${a.id}, ${b.id})`);
    await t.database.db.execute(sql`update messages set search_index = null where report_id = ${a.id}`);
    expect(refs(await search("carnelianite"))).toEqual([]);
    const first = await t.services.search.backfill(1);
    expect(first.reports).toBeGreaterThanOrEqual(2);
    expect(first.messages).toBeGreaterThanOrEqual(1);
    expect(new Set(refs(await search("carnelianite")))).toEqual(new Set([a.reference, b.reference]));
    expect(refs(await search("chrysoberyl"))).toEqual([a.reference]);
    expect(await t.services.search.backfill()).toEqual({ reports: 0, messages: 0 });
    const nulls = await rows(
      sql`select (select count(*)::int from reports where search_index is null) as r,
                 (select count(*)::int from messages where search_index is null) as m`,
    );
    expect(nulls[0]).toEqual({ r: 0, m: 0 });
  });

  it("keeps no plaintext word of the body anywhere in the index", async () => {
    const words = ["vesuvianite", "labradorite", "spodumene", "kunzite", "heliodor"];
    const report = await submit({
      title: "Plaintext check",
      description: `The ${words.join(" and the ")} components leak.`,
      steps: `Open ${words[0]} then ${words[1]}, observe the leak in the response body.`,
      impact: `Everything in ${words[2]}.`,
    });
    await t.services.reports.postMessage(team.alice, report.id, {
      body: words.join(" "),
      visibility: "internal",
    });
    const dump = JSON.stringify([
      await rows(sql`select search_index::text from reports`),
      await rows(sql`select search_index::text from messages`),
    ]);
    for (const word of [...words, "components", "observe", "response"]) expect(dump).not.toContain(word);
  });
});

describe.each(DB_KINDS)("duplicates on %s", (kind) => {
  let t: TestDb;
  let team: Team;
  let assetId: string;
  beforeAll(async () => {
    t = await createTestDb(kind);
    team = await makeTeam(t);
    const asset = await t.services.assets.create(team.admin.id, {
      name: "Customer portal",
      identifier: "portal.example.org",
      kind: "web",
      inScope: "true",
      description: "",
      tags: "web",
      active: "true",
    });
    assetId = asset.id;
  });
  afterAll(async () => {
    await t?.close();
  });
  const rows = async (q: ReturnType<typeof sql>) =>
    ((await t.database.db.execute(q)) as unknown as { rows: Record<string, unknown>[] }).rows;
  const submit = async (overrides: Record<string, unknown>) =>
    (await t.services.reports.submit(reportFields(overrides), [], "web")).report;

  it("ranks the real duplicate first on a crafted corpus and records it at intake", async () => {
    const original = await submit({
      title: "SQL injection in the portal login form",
      asset: assetId,
      description:
        "The username parameter of the portal login form is concatenated into an SQL query without escaping.",
      steps: "1. Open /login\n2. Enter ' OR 1=1 -- as the username\n3. You are signed in as the first user.",
      impact: "Full database read access and account takeover.",
      name: "First Finder",
      credit: "name",
    });
    await submit({
      title: "Stored XSS in the portal comment preview",
      asset: assetId,
      description: "Comments on the portal are rendered without escaping, so script tags run in the preview.",
    });
    await submit({
      title: "Login rate limit missing",
      asset: "other",
      description: "The login form of the mobile app has no rate limit, so passwords can be guessed quickly.",
      steps: "Send 10,000 login requests with different passwords; none is refused or slowed down.",
    });
    await submit({
      title: "Open redirect after logout",
      description:
        "The logout endpoint redirects to any URL given in the next parameter without checking it.",
    });
    t.clock.advance(3600_000);
    const { report: duplicate, token } = await t.services.reports.submit(
      reportFields({
        title: "SQLi on login page (username field)",
        asset: assetId,
        description:
          "The login form's username field is put into the SQL query unescaped: classic SQL injection in the portal.",
        steps: "Type ' OR 1=1 -- into the username field of /login and submit; you are signed in.",
        impact: "Attackers can read the whole database.",
      }),
      [],
      "web",
    );
    const similar = await suggestDuplicates(t.database.db, t.services.deps.cipher, duplicate.id);
    expect(similar[0]!.reference).toBe(original.reference);
    expect(similar[0]!.sameAsset).toBe(true);
    expect(similar[0]!.score).toBeGreaterThanOrEqual(60);
    for (const other of similar.slice(1)) expect(other.score).toBeLessThan(similar[0]!.score);
    expect(similar.every((s) => s.score >= 0 && s.score <= 100)).toBe(true);
    expect(similar.map((s) => s.id)).not.toContain(duplicate.id);

    const [event] = await rows(
      sql`select actor_type, data from audit_events where report_id = ${duplicate.id} and action = 'report.duplicates_suggested'`,
    );
    expect(event!.actor_type).toBe("system");
    const data = event!.data as { suggestions: { reference: string; score: number }[] };
    expect(data.suggestions[0]!.reference).toBe(original.reference);
    // The best candidate, scored at intake, is stored on the report for the inbox to read.
    const [stored] = await rows(
      sql`select likely_duplicate_of_id, likely_duplicate_score from reports where id = ${duplicate.id}`,
    );
    expect(stored!.likely_duplicate_of_id).toBe(original.id);
    expect(Number(stored!.likely_duplicate_score)).toBe(data.suggestions[0]!.score);
    expect(Number(stored!.likely_duplicate_score)).toBeGreaterThanOrEqual(LIKELY_DUPLICATE_SCORE);
    const view = await t.services.reports.teamView(duplicate.id);
    expect(view.timeline.map((e) => e.text).join("\n")).toContain(
      `Possible duplicate of ${original.reference}`,
    );
    // The reporter never sees it.
    const reporterView = await t.services.reports.reporterView(token);
    expect(JSON.stringify(reporterView)).not.toContain(original.reference);
    expect(reporterView!.timeline.map((e) => e.text)).toEqual(["Report received"]);
  });

  it("ranks only the newest reports sharing a word, up to a cap, so its cost does not grow with the table", async () => {
    const original = await submit({
      title: "Heliodor widget cache poisoning",
      description:
        "The heliodor widget caches responses keyed without the host header, so one user poisons it.",
    });
    // Newer reports that share common words with it.
    const newer = [];
    for (let i = 0; i < 3; i++) {
      newer.push(
        await submit({
          title: `Unrelated finding ${i} about responses`,
          description: "Responses are cached keyed without the host header in another product entirely.",
        }),
      );
    }
    const duplicate = await submit({
      title: "Cache poisoning in the heliodor widget",
      description: "Poisoned cache entries of the heliodor widget are served to everyone.",
    });
    const similar = (recentCandidates?: number) =>
      suggestDuplicates(
        t.database.db,
        t.services.deps.cipher,
        duplicate.id,
        recentCandidates === undefined ? {} : { recentCandidates },
      );
    // Within the cap, the original ranks first.
    expect((await similar())[0]!.id).toBe(original.id);
    expect((await similar(4))[0]!.id).toBe(original.id);
    // A cap of two ranks only the two newest reports sharing a word: the original is older than both.
    const capped = await similar(2);
    expect(capped.map((s) => s.id).sort()).toEqual([newer[1]!.id, newer[2]!.id].sort());
  });

  it("keeps the intake transaction usable when ranking duplicates fails, and the audit chain stays intact", async () => {
    // The ranking's SQL fails (the id is no uuid); its savepoint rolls back alone, and what the transaction
    // appended before and after it commits. The suggestions' own audit event is written with the transaction's
    // other events at its commit, so only the ranking can fail here.
    const text = { a: "Savepoint check: header injection in mailer", b: "CRLF in the subject adds headers." };
    const now = t.clock();
    await transaction(t.database.db, async (tx) => {
      await appendAuditEvent(tx, { ...systemEvent, action: "test.before_ranking" }, now);
      const found = await rankIntakeDuplicates(tx, t.services.deps.cipher, {
        id: "not-a-uuid",
        title: text.a,
        assetId: null,
        text,
      });
      expect(found).toEqual({ suggestions: [], likely: null });
      await recordIntakeSuggestions(tx, "not-a-uuid", found, now);
      await tx.execute(sql`select 1`);
      await appendAuditEvent(tx, { ...systemEvent, action: "test.after_ranking" }, now);
    });
    const recorded = await rows(sql`select action from audit_events where action like 'test.%' order by seq`);
    expect(recorded).toEqual([{ action: "test.before_ranking" }, { action: "test.after_ranking" }]);
    expect((await t.services.audit.verify()).ok).toBe(true);
  });

  it("suggests nothing for a report unlike any other and never suggests spam", async () => {
    const lonely = await submit({
      title: "Zirconium quasar kettle",
      description: "Quasar kettle zirconium harmonics resonate unexpectedly in the flux capacitor housing.",
      steps: "Tune the flux capacitor to 88 and observe the zirconium kettle harmonics in the housing.",
      impact: "Kettle boils over.",
      email: "",
    });
    const events = await rows(
      sql`select 1 from audit_events where report_id = ${lonely.id} and action = 'report.duplicates_suggested'`,
    );
    expect(events).toEqual([]);
    const [unlike] = await rows(sql`select likely_duplicate_of_id from reports where id = ${lonely.id}`);
    expect(unlike!.likely_duplicate_of_id).toBeNull();
    const spam = await submit({
      title: "Zirconium quasar kettle copy",
      description: "Quasar kettle zirconium harmonics resonate unexpectedly in the flux capacitor housing.",
    });
    await t.services.reports.act(team.alice, spam.id, { action: "reject", reason: "spam" });
    const similar = await suggestDuplicates(t.database.db, t.services.deps.cipher, lonely.id);
    expect(similar.map((s) => s.id)).not.toContain(spam.id);
  });

  it("marks a duplicate both ways, tells the reporter neutrally by default, and credits the first reporter", async () => {
    const first = await submit({
      title: "Path traversal in export",
      description:
        "The export endpoint accepts ../ in the file name and serves files outside the export dir.",
      name: "Early Bird",
      credit: "name",
      email: "early@example.net",
    });
    t.clock.advance(86_400_000);
    const second = await submit({
      title: "Export path traversal",
      description: "Using ../../etc/passwd as the export file name returns the system password file.",
      email: "second@example.net",
      credit: "anonymous",
    });
    await t.services.reports.act(team.alice, second.id, {
      action: "mark_duplicate",
      of: first.reference,
      message: "Thanks, we already know about this issue.",
    });
    const dupView = await t.services.reports.teamView(second.id);
    expect(dupView.duplicateOf).toEqual({ id: first.id, reference: first.reference });
    const toReporter = dupView.messages.find((m) => m.visibility === "reporter" && m.kind === "rejection")!;
    expect(toReporter.body).toContain("Thanks, we already know about this issue.");
    expect(toReporter.body).toContain("had already been reported");
    expect(toReporter.body).not.toContain(first.reference);

    const links = await t.services.search.duplicateLinks(first.id);
    expect(links.duplicates.map((d) => d.reference)).toEqual([second.reference]);
    expect(links.firstReported).toMatchObject({ reference: first.reference, credit: "Early Bird" });

    const [event] = await rows(
      sql`select data from audit_events where report_id = ${second.id} and action = 'report.mark_duplicate'`,
    );
    expect((event!.data as { firstReported: unknown }).firstReported).toMatchObject({
      reportId: first.id,
      reference: first.reference,
      credit: "Early Bird",
    });
  });

  it("tells the original's reference when the organisation allows it, and credits an earlier duplicate", async () => {
    const org = await t.services.settings.org();
    await t.services.settings.updateOrg(team.admin.id, { ...org, revealDuplicateReference: "true" });
    const earlier = await submit({
      title: "Cache poisoning via Host header",
      description: "An unkeyed Host header ends up in cached pages and redirects users to another site.",
      credit: "anonymous",
    });
    t.clock.advance(3_600_000);
    const later = await submit({
      title: "Host header cache poisoning",
      description: "Host header is reflected into cached responses; everyone then gets the poisoned page.",
      name: "Later Person",
      credit: "name",
    });
    // The team keeps the later report as the original; the credit still goes to whoever came first.
    await t.services.reports.act(team.alice, earlier.id, {
      action: "mark_duplicate",
      of: later.reference,
      message: "Duplicate.",
    });
    const view = await t.services.reports.teamView(earlier.id);
    const body = view.messages.find((m) => m.kind === "rejection")!.body;
    expect(body).toContain(`reported to us earlier as ${later.reference}`);
    const links = await t.services.search.duplicateLinks(later.id);
    expect(links.firstReported).toMatchObject({ reference: earlier.reference, credit: "anonymous" });
    await t.services.settings.updateOrg(team.admin.id, { ...org, revealDuplicateReference: false });
    expect((await t.services.settings.org()).revealDuplicateReference).toBe("false");
  });

  it("refuses a report as a duplicate of itself or of one of its own duplicates", async () => {
    const a = await submit({
      title: "Cycle A report",
      description: "Cycle test report number one, long enough.",
    });
    const b = await submit({
      title: "Cycle B report",
      description: "Cycle test report number two, long enough.",
    });
    await expect(
      t.services.reports.act(team.alice, a.id, { action: "mark_duplicate", of: a.reference, message: "x" }),
    ).rejects.toMatchObject({ status: 409, fields: { of: expect.stringContaining("itself") } });
    await t.services.reports.act(team.alice, b.id, {
      action: "mark_duplicate",
      of: a.reference,
      message: "x",
    });
    // b is closed as duplicate of a; reopening b keeps a's link cleared, so build the loop a → b → a another way:
    await t.services.reports.act(team.alice, b.id, { action: "close", message: "Closing." });
    await t.database.db.execute(sql`update reports set state = 'triage' where id = ${b.id}`);
    await t.database.db.execute(sql`update reports set duplicate_of_id = ${a.id} where id = ${b.id}`);
    await expect(
      t.services.reports.act(team.alice, a.id, { action: "mark_duplicate", of: b.reference, message: "x" }),
    ).rejects.toMatchObject({
      status: 409,
      fields: {
        of: expect.stringContaining(`${b.reference} is already marked as a duplicate of ${a.reference}`),
      },
    });
    const after = await t.services.reports.teamView(a.id);
    expect(after.state).toBe("new");
    expect(after.duplicateOf).toBeNull();
  });
});
