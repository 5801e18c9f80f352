/**
 * `npm run bench`: measures the paths a busy inbox exercises, on PGlite and PostgreSQL.
 * Numbers are printed, never asserted: timing belongs here, not in unit tests.
 */
import { performance } from "node:perf_hooks";
import { makeTeam, reportFields } from "../helpers/actors.ts";
import { createTestDb, DB_KINDS } from "../helpers/db.ts";

const REPORTS = Number(process.env.BENCH_REPORTS ?? 300);

async function time<T>(label: string, n: number, fn: (i: number) => Promise<T>): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const ms = performance.now() - start;
  console.log(
    `  ${label.padEnd(44)} ${n.toString().padStart(5)} × ${(ms / n).toFixed(2).padStart(8)} ms  (${(n / (ms / 1000)).toFixed(0)}/s)`,
  );
}

for (const kind of DB_KINDS) {
  console.log(`\n${kind}`);
  const t = await createTestDb(kind);
  try {
    const team = await makeTeam(t);
    const ids: string[] = [];
    await time("intake (submit, encrypted, audited)", REPORTS, async (i) => {
      const { report } = await t.services.reports.submit(
        reportFields({ title: `Benchmark report number ${i}` }),
        [],
        "api",
      );
      ids.push(report.id);
    });
    await time("acknowledge (action + audit + mail queued)", Math.min(100, REPORTS), async (i) => {
      await t.services.reports.act(team.alice, ids[i]!, { action: "acknowledge" });
    });
    await time("inbox page (25 rows, SLA per row)", 50, async () => {
      await t.services.reports.inbox({});
    });
    await time("inbox text filter", 50, async (i) => {
      await t.services.reports.inbox({ q: `number ${i}` });
    });
    await time("report page view (decrypt, timeline)", 50, async (i) => {
      await t.services.reports.teamView(ids[i]!);
    });
    await time("audit verify (whole chain)", 5, async () => {
      const verdict = await t.services.audit.verify();
      if (!verdict.ok) throw new Error("chain broken");
    });
  } finally {
    await t.close();
  }
}
