/**
 * `npm run bench`: measures the paths a busy inbox exercises, on PGlite and PostgreSQL.
 * Numbers are printed, never asserted: timing belongs here, not in unit tests.
 */
import { performance } from "node:perf_hooks";
import * as openpgp from "openpgp";
import { makeTeam, reportFields } from "../helpers/actors.ts";
import { createTestDb, DB_KINDS } from "../helpers/db.ts";
import { mailWith, mimeEntity } from "../helpers/mail.ts";

const REPORTS = Number(process.env.BENCH_REPORTS ?? 300);
/** The corpus the search cases run over; intake itself ranks duplicates, so building it is measured too. */
const SEARCH_REPORTS = Number(process.env.BENCH_SEARCH_REPORTS ?? 2000);

/** Report text drawn from a fixed vocabulary, so searches and duplicate ranking meet realistic overlap. */
const VOCABULARY = (
  "injection xss csrf ssrf redirect traversal token session cookie header login logout password reset upload " +
  "export import invoice profile comment preview search api endpoint parameter admin user account role tenant " +
  "cache proxy template render escape sanitize parser buffer overflow deserialization webhook oauth saml jwt " +
  "signature certificate rate limit brute force enumeration timing leak exposure disclosure secret key config"
).split(" ");
function words(seed: number, n: number): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(VOCABULARY[x % VOCABULARY.length]!);
  }
  return out.join(" ");
}

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
    await time(`intake with duplicate ranking, to ${SEARCH_REPORTS}`, SEARCH_REPORTS - REPORTS, async (i) => {
      const n = i + REPORTS;
      const { report } = await t.services.reports.submit(
        reportFields({
          title: `${words(n, 5)} ${n}`,
          description: `${words(n + 1, 60)} unique${n}`,
          steps: words(n + 2, 40),
          impact: words(n + 3, 15),
        }),
        [],
        "api",
      );
      ids.push(report.id);
    });
    await time(`inbox search, one word (${SEARCH_REPORTS} reports)`, 50, async (i) => {
      await t.services.reports.inbox({ q: VOCABULARY[i % VOCABULARY.length], state: "all" }, team.alice);
    });
    await time("inbox search, three words + filters", 50, async (i) => {
      await t.services.reports.inbox({ q: words(i, 3), state: "open", sort: "-severity" }, team.alice);
    });
    await time("inbox search, a word in one report only", 50, async (i) => {
      await t.services.reports.inbox({ q: `unique${REPORTS + i}`, state: "all" }, team.alice);
    });
    await time("similar reports (report page panel)", 50, async (i) => {
      await t.services.search.similar(ids[ids.length - 1 - i]!);
    });
    // Mail intake: a new report by plain mail, one by PGP/MIME (decrypted with the intake key), replies by
    // In-Reply-To, and the same message again (the idempotency check only).
    const MAILS = Math.min(100, REPORTS);
    const intakeKey = (await t.services.keys.intakeOverview()).current.publicArmored;
    const pgpMime = async (text: string) => {
      const armored = await openpgp.encrypt({
        message: await openpgp.createMessage({ text: mimeEntity(text) }),
        encryptionKeys: await openpgp.readKey({ armoredKey: intakeKey }),
      });
      return `Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="b"\r\n\r\n--b\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--b\r\nContent-Type: application/octet-stream\r\n\r\n${armored}\r\n--b--\r\n`;
    };
    const plainMails = Array.from({ length: MAILS }, (_, i) =>
      Buffer.from(
        mailWith(
          { from: `r${i}@researcher.test`, subject: `Mail report ${words(i, 4)}`, messageId: `bench-${i}@r` },
          mimeEntity(words(i + 7, 80)),
        ),
      ),
    );
    const encryptedMails = await Promise.all(
      Array.from({ length: MAILS }, async (_, i) =>
        Buffer.from(
          mailWith(
            {
              from: `e${i}@researcher.test`,
              subject: `Encrypted ${words(i, 4)}`,
              messageId: `bench-enc-${i}@r`,
            },
            await pgpMime(words(i + 9, 80)),
          ),
        ),
      ),
    );
    const created: string[] = [];
    await time("mail intake: new report, plain mail", MAILS, async (i) => {
      const r = await t.services.mailIntake.importMessage(plainMails[i]!);
      if (r.outcome !== "created") throw new Error(JSON.stringify(r));
      created.push(`bench-${i}@r`);
    });
    await time("mail intake: new report, PGP/MIME", MAILS, async (i) => {
      const r = await t.services.mailIntake.importMessage(encryptedMails[i]!);
      if (r.outcome !== "created") throw new Error(JSON.stringify(r));
    });
    await time("mail intake: reply by In-Reply-To", MAILS, async (i) => {
      const raw = mailWith(
        {
          from: `r${i}@researcher.test`,
          subject: "Re: more",
          messageId: `bench-re-${i}@r`,
          inReplyTo: created[i]!,
        },
        mimeEntity(words(i + 11, 30)),
      );
      const r = await t.services.mailIntake.importMessage(Buffer.from(raw));
      if (r.outcome !== "appended") throw new Error(JSON.stringify(r));
    });
    await time("mail intake: same message again (no-op)", MAILS, async (i) => {
      await t.services.mailIntake.importMessage(plainMails[i]!);
    });
    // Any sender can write an HTML-only mail of unclosed tags; reading it must stay linear (it took minutes).
    const hostileHtml = `<p>Hostile</p>${"<a".repeat(512 * 1024)}`;
    await time("mail intake: 1 MB HTML of unclosed tags", 5, async (i) => {
      const raw = mailWith(
        { from: `h${i}@researcher.test`, subject: "Hostile HTML", messageId: `bench-html-${i}@r` },
        `Content-Type: text/html; charset=utf-8\r\n\r\n${hostileHtml}`,
      );
      const r = await t.services.mailIntake.importMessage(Buffer.from(raw));
      if (r.outcome !== "created") throw new Error(JSON.stringify(r));
    });
    await time("audit verify (whole chain)", 5, async () => {
      const verdict = await t.services.audit.verify();
      if (!verdict.ok) throw new Error("chain broken");
    });
  } finally {
    await t.close();
  }
}
