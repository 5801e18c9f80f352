/**
 * `npm run bench`: the pages and paths a busy programme exercises, at a seeded scale, on PGlite and PostgreSQL.
 * Numbers are printed, never asserted: timing belongs here, not in unit tests.
 *
 *   BENCH_SCALE=1000,100000  report counts to seed (each with about three messages); default 1000,10000
 *   BENCH_DB=postgres        only one engine (pglite or postgres); default both
 *   BENCH_SAMPLES=40         timed runs per line (after two untimed warm-ups)
 *   BENCH_KEEP=/var/tmp/b    seed each engine and scale once and keep it there (see kept.ts)
 *   BENCH_ONLY=sla,search    time only the lines whose label contains one of these (a kept database re-measured)
 *
 * Each table is Markdown, ready for the README's Performance section.
 */
import * as openpgp from "openpgp";
import { reportFields } from "../helpers/actors.ts";
import { createTestDb, DB_KINDS, type DbKind, type TestDb } from "../helpers/db.ts";
import { appFor, get, type Session } from "../helpers/http.ts";
import { mailWith, mimeEntity } from "../helpers/mail.ts";
import { VOCABULARY, words } from "./corpus.ts";
import { keptDatabase, seededTeam } from "./kept.ts";

const SCALES = (process.env.BENCH_SCALE ?? "1000,10000").split(",").map((s) => Number(s.trim()));
const KINDS = (process.env.BENCH_DB ? process.env.BENCH_DB.split(",") : DB_KINDS) as DbKind[];
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(",").map((s) => s.trim()) : null;
/** Message-IDs unique to this run: a kept database still holds the mails of earlier runs. */
const RUN = Date.now().toString(36);

interface Row {
  label: string;
  p50: number;
  p95: number;
  n: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Untimed warm-ups (two), then `n` timed runs; fn gets the run's index, so runs can vary their input. */
async function measure(
  rows: Row[],
  label: string,
  fn: (i: number) => Promise<unknown>,
  n = SAMPLES,
  warmups = 2,
) {
  if (ONLY && !ONLY.some((part) => label.includes(part))) return;
  for (let i = 0; i < warmups; i++) await fn(n + i);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const row = { label, p50: percentile(times, 50), p95: percentile(times, 95), n };
  rows.push(row);
  console.error(
    `    ${label.padEnd(52)} p50 ${row.p50.toFixed(1).padStart(7)}  p95 ${row.p95.toFixed(1).padStart(7)} ms`,
  );
}

/** A page must answer 200; anything else would time an error page. */
async function page(app: ReturnType<typeof appFor>, path: string, session: Session) {
  const res = await get(app, path, session);
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  await res.text();
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function benchScale(kind: DbKind, scale: number) {
  const rows: Row[] = [];
  const t: TestDb = await createTestDb(kind, keptDatabase(kind, scale));
  try {
    const app = appFor(t);
    const { team, alice, seeded, kept } = await seededTeam(app, t, scale);
    const seedLine = kept
      ? `a kept database of ${seeded.ids.length} reports, ${seeded.messages} messages, ${seeded.events} audit events`
      : `seeded ${scale} reports, ${seeded.messages} messages, ${seeded.events} audit events in ${(seeded.ms / 1000).toFixed(1)} s`;
    console.error(`  ${kind} at ${scale}: ${seedLine}`);
    const inbox = (query: string) => () => page(app, `/inbox${query}`, alice);

    await measure(rows, "inbox (open reports, newest first)", inbox(""));
    for (const [label, query] of [
      ["state=all", "?state=all"],
      ["state=new", "?state=new"],
      ["state=closed", "?state=closed"],
      ["severity=critical", "?severity=critical"],
      ["severity=none", "?severity=none"],
      ["assignee=alice", `?assignee=${encodeURIComponent(team.alice.email)}`],
      ["assignee=none", "?assignee=none"],
      ["sla=overdue", "?sla=overdue"],
      ["sla=waiting", "?sla=waiting"],
      ["sla=team", "?sla=team"],
      ["sla=team state=all sort=-severity", "?sla=team&state=all&sort=-severity"],
      ["state=rejected (spam shown)", "?state=rejected&spam=1"],
    ] as const) {
      await measure(rows, `inbox ${label}`, inbox(query));
    }
    for (const sort of ["received", "updated", "-updated", "severity", "-severity", "reference", "state"]) {
      await measure(rows, `inbox state=all sort=${sort}`, inbox(`?state=all&sort=${sort}`));
    }
    await measure(rows, "inbox state=all, page 20", inbox("?state=all&page=20"));
    await measure(rows, "search, one word", (i) =>
      page(app, `/inbox?state=all&q=${VOCABULARY[i % VOCABULARY.length]}`, alice),
    );
    await measure(rows, "search, three words", (i) =>
      page(app, `/inbox?state=all&q=${encodeURIComponent(words(i * 31, 3))}`, alice),
    );
    await measure(rows, "search, three words, open, by severity", (i) =>
      page(app, `/inbox?q=${encodeURIComponent(words(i * 37, 3))}&sort=-severity`, alice),
    );
    await measure(rows, "search, a reference", (i) =>
      page(app, `/inbox?state=all&q=${seeded.references[(i * 7919) % scale]}`, alice),
    );
    await measure(rows, "similar reports (the report page's panel)", (i) =>
      t.services.search.similar(seeded.ids[(i * 7919) % scale]!),
    );
    await measure(rows, "report page", (i) =>
      page(app, `/reports/${seeded.references[(i * 104729) % scale]}`, alice),
    );

    const newIds: string[] = [];
    await measure(rows, "intake (encrypted, audited, duplicates ranked)", async (i) => {
      const { report } = await t.services.reports.submit(
        reportFields({
          title: `${words(i + 5000, 5)} ${i}`,
          description: `${words(i + 5001, 60)} unique${i}`,
          steps: words(i + 5002, 40),
          impact: words(i + 5003, 15),
        }),
        [],
        "api",
      );
      newIds.push(report.id);
    });
    await measure(
      rows,
      "acknowledge (action, audit, mail queued)",
      (i) => t.services.reports.act(team.alice, newIds[i % newIds.length]!, { action: "acknowledge" }),
      Math.min(SAMPLES, newIds.length - 2),
    );
    await mailIntake(t, rows);

    global.gc?.();
    const before = process.memoryUsage();
    let peakRss = before.rss;
    let peakHeap = before.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 5);
    await measure(
      rows,
      `audit verify (${seeded.events} events)`,
      async () => {
        const verdict = await t.services.audit.verify();
        if (!verdict.ok) throw new Error(`chain broken: ${verdict.problem}`);
      },
      // The whole chain is long at scale; two runs, no warm-up, and the memory sampler watches both.
      2,
      0,
    );
    clearInterval(sampler);
    const memory = `audit verify memory: heap ${mb(before.heapUsed)} before, peak ${mb(peakHeap)}; RSS ${mb(before.rss)} before, peak ${mb(peakRss)}`;
    console.error(`    ${memory}`);
    return { rows, seedLine, memory };
  } finally {
    await t.close();
  }
}

/** Mail intake: new reports by plain mail and PGP/MIME, replies by In-Reply-To, a repeat, a hostile HTML mail. */
async function mailIntake(t: TestDb, rows: Row[]) {
  const n = Math.min(SAMPLES, 20);
  const intakeKey = (await t.services.keys.intakeOverview()).current.publicArmored;
  const pgpMime = async (text: string) => {
    const armored = await openpgp.encrypt({
      message: await openpgp.createMessage({ text: mimeEntity(text) }),
      encryptionKeys: await openpgp.readKey({ armoredKey: intakeKey }),
    });
    return `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n${armored}\r\n--b--\r\n`;
  };
  const plain = (i: number) =>
    Buffer.from(
      mailWith(
        {
          from: `r${i}@researcher.test`,
          subject: `Mail report ${words(i, 4)}`,
          messageId: `bench-${RUN}-${i}@r`,
        },
        mimeEntity(words(i + 7, 80)),
      ),
    );
  const expect = (outcome: string) => (r: { outcome: string }) => {
    if (r.outcome !== outcome) throw new Error(JSON.stringify(r));
  };
  await measure(
    rows,
    "mail intake: new report, plain mail",
    async (i) => expect("created")(await t.services.mailIntake.importMessage(plain(i))),
    n,
  );
  const encrypted = await Promise.all(
    Array.from({ length: n + 2 }, async (_, i) =>
      Buffer.from(
        mailWith(
          {
            from: `e${i}@researcher.test`,
            subject: `Encrypted ${words(i, 4)}`,
            messageId: `bench-enc-${RUN}-${i}@r`,
          },
          await pgpMime(words(i + 9, 80)),
        ),
      ),
    ),
  );
  await measure(
    rows,
    "mail intake: new report, PGP/MIME",
    async (i) => expect("created")(await t.services.mailIntake.importMessage(encrypted[i]!)),
    n,
  );
  await measure(
    rows,
    "mail intake: reply by In-Reply-To",
    async (i) => {
      const raw = mailWith(
        {
          from: `r${i}@researcher.test`,
          subject: "Re: more",
          messageId: `bench-re-${RUN}-${i}@r`,
          inReplyTo: `bench-${RUN}-${i}@r`,
        },
        mimeEntity(words(i + 11, 30)),
      );
      expect("appended")(await t.services.mailIntake.importMessage(Buffer.from(raw)));
    },
    n,
  );
  await measure(
    rows,
    "mail intake: same message again (no-op)",
    (i) => t.services.mailIntake.importMessage(plain(i)),
    n,
  );
  // Any sender can write an HTML-only mail of unclosed tags; reading it must stay linear (it took minutes).
  const hostileHtml = `<p>Hostile</p>${"<a".repeat(512 * 1024)}`;
  await measure(
    rows,
    "mail intake: 1 MB HTML of unclosed tags",
    async (i) => {
      const raw = mailWith(
        { from: `h${i}@researcher.test`, subject: "Hostile HTML", messageId: `bench-html-${RUN}-${i}@r` },
        `Content-Type: text/html; charset=utf-8\r\n\r\n${hostileHtml}`,
      );
      expect("created")(await t.services.mailIntake.importMessage(Buffer.from(raw)));
    },
    3,
  );
}

const results = new Map<string, Awaited<ReturnType<typeof benchScale>>>();
for (const kind of KINDS) {
  for (const scale of SCALES) {
    results.set(`${kind}:${scale}`, await benchScale(kind, scale));
  }
}

// One table per engine: each scale's p50/p95 side by side, and the growth from the smallest to the largest.
const cores = (await import("node:os")).cpus();
console.log(`\nMachine: ${cores.length} × ${cores[0]?.model ?? "unknown CPU"}, Node ${process.version}`);
for (const kind of KINDS) {
  const runs = SCALES.map((s) => results.get(`${kind}:${s}`)!);
  const first = SCALES[0]!;
  const last = SCALES.at(-1)!;
  console.log(`\n#### ${kind === "pglite" ? "PGlite" : "PostgreSQL"}\n`);
  for (const [i, run] of runs.entries()) console.log(`- ${SCALES[i]}: ${run.seedLine}; ${run.memory}`);
  const header = SCALES.map((s) => `${s.toLocaleString("en")} p50 | p95`).join(" | ");
  console.log(`\n| ms | ${header} |${SCALES.length > 1 ? ` p95 ×, ${last}/${first} |` : ""}`);
  console.log(`|---|${SCALES.map(() => "---:|---:").join("|")}|${SCALES.length > 1 ? "---:|" : ""}`);
  for (const [i, row] of runs[0]!.rows.entries()) {
    const cells = runs.map((r) => `${r.rows[i]!.p50.toFixed(1)} | ${r.rows[i]!.p95.toFixed(1)}`).join(" | ");
    const growth = SCALES.length > 1 ? ` ${(runs.at(-1)!.rows[i]!.p95 / row.p95).toFixed(1)} |` : "";
    console.log(`| ${row.label.replace(/\(\d+ events\)/, "(whole chain)")} | ${cells} |${growth}`);
  }
}
