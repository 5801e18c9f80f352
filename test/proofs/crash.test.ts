import { randomBytes } from "node:crypto";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { INTERRUPTED_SEND, MAIL_DELIVER_CONCURRENCY } from "../../src/features/outbox/outbox.jobs.ts";
import { openRuntime } from "../../src/runtime.ts";
import { DB_KINDS } from "../helpers/db.ts";
import {
  prepareServer,
  runCli,
  type ServerProcess,
  type ServerSetup,
  startServer,
} from "../helpers/server-process.ts";
import { startSmtp, type TestSmtp } from "../helpers/smtp.ts";

/**
 * The crash proof: a real `embargo serve`, 200 reports sent at once over HTTP, and kill -9 when about half
 * have been answered 201. After a restart on the same data every answered report is there and readable, with
 * its audit event; the audit chain verifies; and the job queue resumes, so every stored report with a
 * reporter address gets its receipt mail exactly once.
 */

const SUBMISSIONS = 200;
const KILL_AFTER = 100;
/** Generous: the machine is shared and small. */
const MAIL_DEADLINE_MS = 45_000;

interface Sent {
  i: number;
  title: string;
  email: string | null;
}
interface Stored extends Sent {
  id: string;
  reference: string;
}

/** Every fourth reporter leaves no address: those reports must get no mail at all. */
function submission(kind: string, run: string, i: number): Sent {
  return {
    i,
    title: `Crash proof ${kind} ${run} report ${i}: stored XSS in the profile page`,
    email: i % 4 === 3 ? null : `reporter-${run}-${i}@example.org`,
  };
}

async function submit(
  baseUrl: string,
  sent: Sent,
): Promise<{ status: number; body: Record<string, string> }> {
  const res = await fetch(`${baseUrl}/api/v1/reports`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      title: sent.title,
      asset: "other",
      description: "The display name is rendered without escaping on the public profile page.",
      steps: "1. Set the display name to <script>alert(1)</script>. 2. Open the public profile page.",
      impact: "Script runs in the session of anyone who views the profile.",
      ...(sent.email ? { email: sent.email } : {}),
    }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

/** Runs `fn` over the items, `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The receipt mails the SMTP server holds, by recipient: their Message-IDs and the reference in the subject. */
function receipts(smtp: TestSmtp) {
  const byAddress = new Map<string, { messageId: string; reference: string }[]>();
  for (const raw of smtp.mails) {
    const head = raw.slice(0, raw.search(/\r?\n\r?\n/));
    const header = (name: string) =>
      new RegExp(`^${name}:\\s*(.*(?:\\r?\\n[ \\t].*)*)`, "im").exec(head)?.[1]?.replace(/\r?\n[ \t]+/g, " ");
    const subject = header("Subject") ?? "";
    const reference = /^\[([^\]]+)\] Update on your security report$/.exec(subject)?.[1];
    if (!reference || !/We received your security report/.test(raw)) continue;
    const to = (header("To") ?? "").replace(/.*</, "").replace(/>.*/, "").trim().toLowerCase();
    const list = byAddress.get(to) ?? [];
    list.push({ messageId: header("Message-ID") ?? "", reference });
    byAddress.set(to, list);
  }
  return byAddress;
}

async function poll(
  what: string,
  deadlineMs: number,
  done: () => Promise<boolean> | boolean,
  explain: () => string = () => "",
) {
  const until = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > until)
      throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}: ${explain()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Opens the stopped server's database in this process, the way the CLI does, and runs fn on its services. */
async function withStoppedServer<T>(
  setup: ServerSetup,
  fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<T>,
): Promise<T> {
  const rt = await openRuntime(loadConfig(setup.env), pino({ level: "silent" }), { worker: false });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

describe.each(DB_KINDS)("crash proof on %s", (kind) => {
  let smtp: TestSmtp | null = null;
  let setup: ServerSetup | null = null;
  let server: ServerProcess | null = null;

  afterEach(async () => {
    await server?.kill("SIGKILL");
    await setup?.dispose();
    await smtp?.close();
    server = null;
    setup = null;
    smtp = null;
  });

  it("keeps every answered report, its audit event and its one receipt mail through kill -9", async () => {
    smtp = await startSmtp();
    setup = await prepareServer(kind, { smtpPort: smtp.port });
    const s = setup;
    const run = randomBytes(3).toString("hex");

    // The public intake allows 10 reports an hour per address; the proof sends 200 from one, so an admin
    // raises the limit through the settings service, as the intake limits page does.
    const token = await withStoppedServer(s, async (rt) => {
      const admin = await rt.services.team.createMember(null, {
        email: "admin@embargo.test",
        name: "Proof Admin",
        role: "admin",
        password: "a long enough password for the proof",
      });
      await rt.services.settings.updateIntake(admin.id, { reportsPerHourPerIp: 10_000 });
      return (await rt.services.team.tokens.createForEmail(admin.email, { label: "crash proof" })).token;
    });

    server = await startServer(s);
    const killed = server;
    const answered: Stored[] = [];
    const failed: string[] = [];
    let kill: Promise<unknown> | null = null;
    await Promise.all(
      Array.from({ length: SUBMISSIONS }, async (_, i) => {
        const sent = submission(kind, run, i);
        try {
          const { status, body } = await submit(s.baseUrl, sent);
          if (status !== 201) {
            failed.push(`#${i}: ${status} ${JSON.stringify(body)}`);
            return;
          }
          answered.push({ ...sent, id: body.id!, reference: body.reference! });
          if (answered.length === KILL_AFTER) kill = killed.kill("SIGKILL");
        } catch (error) {
          failed.push(`#${i}: ${(error as Error).message}`);
        }
      }),
    );
    const exit = (await kill) as { signal: string } | null;
    expect(exit?.signal, `the server was not killed; output:\n${killed.output()}`).toBe("SIGKILL");
    // Only the kill may lose an answer: no request was refused for any other reason.
    expect(failed.filter((f) => /: \d{3} /.test(f))).toEqual([]);
    expect(answered.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(answered.length, "the kill came after every answer, so it proved nothing").toBeLessThan(
      SUBMISSIONS,
    );

    server = await startServer(s);
    const auth = { authorization: `Bearer ${token}` };

    // Every answered report is there and reads back as it was sent, through the team's API.
    await eachLimited(answered, 8, async (a) => {
      const res = await fetch(`${s.baseUrl}/api/v1/reports/${a.id}`, { headers: auth });
      expect(res.status, `report ${a.reference}`).toBe(200);
      const view = (await res.json()) as {
        reference: string;
        title: string;
        reporter: { email: string | null };
      };
      expect(view.reference).toBe(a.reference);
      expect(view.title).toBe(a.title);
      expect(view.reporter.email).toBe(a.email);
    });

    // Every stored report: the answered ones and any that committed while their answer was cut off.
    const list = await fetch(`${s.baseUrl}/api/v1/reports?perPage=200&sort=reference`, { headers: auth });
    expect(list.status).toBe(200);
    const stored = ((await list.json()) as { items: { id: string; reference: string; title: string }[] })
      .items;
    expect(stored.map((r) => r.id)).toEqual(expect.arrayContaining(answered.map((a) => a.id)));
    const expectedMail = new Map<string, string>(); // reporter address -> reference
    for (const r of stored) {
      const i = Number(/report (\d+):/.exec(r.title)?.[1]);
      const email = submission(kind, run, i).email;
      if (email) expectedMail.set(email, r.reference);
    }

    // The queue resumed: every receipt arrives, including the one whose job the kill interrupted.
    await poll(
      "every receipt mail",
      MAIL_DEADLINE_MS,
      () => {
        const got = receipts(smtp!);
        return [...expectedMail.keys()].every((address) => got.has(address));
      },
      () => {
        const got = receipts(smtp!);
        const missing = [...expectedMail].filter(([address]) => !got.has(address)).map(([, ref]) => ref);
        return `${missing.length} missing (${missing.slice(0, 5).join(", ")}); server output:\n${server?.output()}`;
      },
    );
    const stopped = await server.kill("SIGTERM");
    server = null;
    expect(stopped.code).toBe(0);

    const facts = await withStoppedServer(s, async (rt) => {
      const exec = rt.database.executor;
      const audit = await exec.executeSql(
        "select report_id from audit_events where action = 'report.received' and report_id is not null",
      );
      const jobs = await exec.executeSql(
        "select count(*)::int as n from pgboss.job where name = 'mail-deliver' and state in ('created', 'retry', 'active')",
      );
      const outbox = await exec.executeSql("select id, status, last_error from outbox");
      return {
        audited: audit.rows.map((r) => r.report_id as string),
        pendingMailJobs: Number(jobs.rows[0]!.n),
        outbox: outbox.rows.map((r) => ({
          id: r.id as string,
          status: r.status as string,
          lastError: r.last_error,
        })),
      };
    });
    // The queue is drained, so no second copy can still be on its way.
    expect(facts.pendingMailJobs).toBe(0);
    expect(facts.outbox.filter((o) => o.status !== "sent")).toEqual([]);
    for (const r of stored)
      expect(
        facts.audited.filter((id) => id === r.id),
        r.reference,
      ).toHaveLength(1);

    // Exactly one receipt per stored report with an address, about that report; none to anyone else. The one
    // exception is the honest at-least-once window of outbox.jobs.ts: a mail the kill cut off between the SMTP
    // server taking it and the row saying "sent" goes again, the row says so, and both copies are one message.
    const got = receipts(smtp);
    expect([...got.keys()].sort()).toEqual([...expectedMail.keys()].sort());
    const resent: string[] = [];
    for (const [address, reference] of expectedMail) {
      const mails = got.get(address)!;
      expect(new Set(mails.map((m) => m.reference)), address).toEqual(new Set([reference]));
      const ids = new Set(mails.map((m) => m.messageId));
      expect(ids.size, `${address} got different mails`).toBe(1);
      if (mails.length === 1) continue;
      const outboxId = /^<([0-9a-f-]{36})@/.exec(mails[0]!.messageId)?.[1];
      const row = facts.outbox.find((o) => o.id === outboxId);
      expect(row?.lastError, `${address} got ${mails.length} copies`).toBe(INTERRUPTED_SEND);
      expect(mails).toHaveLength(2);
      resent.push(address);
    }
    // At most the mails in flight at the kill: one per concurrent delivery.
    expect(resent.length).toBeLessThanOrEqual(MAIL_DELIVER_CONCURRENCY);
    console.info(
      `crash proof on ${kind}: ${answered.length} of ${SUBMISSIONS} answered 201 before the kill, ${stored.length} stored, ` +
        `${expectedMail.size} receipts, ${resent.length} sent twice in the at-least-once window`,
    );

    const verify = await runCli(s, ["audit", "verify"]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/Audit chain intact/);
  }, 300_000); // PGlite creates and migrates a fresh data dir in a child process; slow on a loaded machine
});
