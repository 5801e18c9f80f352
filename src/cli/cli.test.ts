import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../test/helpers/net.ts";
import { BIN } from "../../test/helpers/serve-process.ts";
import { type CliResult, runEmbargo } from "../../test/helpers/server-process.ts";

const VECTORS = JSON.parse(
  fs.readFileSync(
    path.resolve(import.meta.dirname, "../../../shared/vectors/owasp/owasp_rr_vectors_public.json"),
    "utf8",
  ),
) as Array<Record<string, unknown>>;

function run(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  return runEmbargo(args, options.env, options.stdin);
}

describe("embargo score", () => {
  it("prints the fields of every public OWASP vector exactly", async () => {
    const input = VECTORS.map((v) => v.vector).join("\n");
    const result = await run(["score"], { stdin: input });
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(VECTORS.length);
    lines.forEach((line, i) => {
      const { source: _s, note: _n, ...expected } = VECTORS[i]!;
      expect(line).toEqual(expected);
    });
  });

  it("takes vectors as arguments and reports a malformed one with exit code 1", async () => {
    const good = VECTORS[0]!.vector as string;
    const result = await run(["score", good, "SL:1/M:1"]);
    expect(result.code).toBe(1);
    const [first, second] = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(first.vector).toBe(good);
    expect(second).toEqual({ vector: "SL:1/M:1", error: expect.stringMatching(/O/) });
  });
});

describe("configuration", () => {
  it("lists every problem at once and exits 2", async () => {
    const result = await run(["migrate"], {
      env: { PORT: "99999", DATABASE_URL: "mysql://x", SMTP_URL: "http://nope", MAIL_FROM: "not-mail" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toMatch(/DATABASE_URL/);
    expect(result.stderr).toMatch(/SMTP_URL/);
    expect(result.stderr).toMatch(/MAIL_FROM/);
  });

  it("refuses an IMAP_URL without the mailbox login and a poll interval out of range", async () => {
    const result = await run(["migrate"], {
      env: { IMAP_URL: "imaps://mail.example.org/INBOX", IMAP_POLL_SECONDS: "1" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/IMAP_URL: must carry the mailbox login/);
    expect(result.stderr).toMatch(/IMAP_POLL_SECONDS: must be between 5 and 3600 seconds/);
    const wrongScheme = await run(["migrate"], { env: { IMAP_URL: "pop3://u:p@mail.example.org/" } });
    expect(wrongScheme.code).toBe(2);
    expect(wrongScheme.stderr).toMatch(/IMAP_URL: must be a URL starting with imap:\/\/ or imaps:\/\//);
  });

  it("refuses a TRUST_PROXY and an ALERT_ALLOW_PRIVATE_HOSTS it cannot read", async () => {
    const result = await run(["migrate"], {
      env: { TRUST_PROXY: "maybe", ALERT_ALLOW_PRIVATE_HOSTS: "http://hooks.internal/x" },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TRUST_PROXY: must be true \(one proxy\), false, a number of proxy hops/);
    expect(result.stderr).toMatch(/ALERT_ALLOW_PRIVATE_HOSTS: must be a comma-separated list of host names/);
  });

  it("refuses a short EMBARGO_SECRET_KEY", async () => {
    const result = await run(["migrate"], { env: { EMBARGO_SECRET_KEY: "short" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/EMBARGO_SECRET_KEY/);
  });
});

// A new PGlite data dir runs initdb (several seconds), and each command starts a process: allow for both.
describe("embedded data dir", { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ChildProcess | null = null;
  let port: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-cli-"));
    port = await freePort();
    env = { EMBARGO_DATA_DIR: dir, PORT: String(port) };
  });
  afterAll(async () => {
    if (server && server.exitCode === null) {
      server.kill("SIGTERM");
      await new Promise((r) => server!.once("close", r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("migrates a new data dir and creates the key file with mode 0600", async () => {
    const result = await run(["migrate"], { env });
    expect(result.stderr).toBe(result.stderr); // warnings allowed
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Migrations applied \(pglite\)/);
    expect(fs.statSync(path.join(dir, "secret.key")).mode & 0o777).toBe(0o600);
    expect(fs.existsSync(path.join(dir, "embargo.lock"))).toBe(false);
  });

  it("serves, prints a one-time setup link, and locks the data dir against a second process", async () => {
    server = spawn(process.execPath, [BIN, "serve"], {
      env: { ...process.env, ...env, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    server.stdout!.on("data", (d) => {
      stdout += d;
    });
    const deadline = Date.now() + 30_000;
    while (!/setup\/[^\s"]+"/.test(stdout) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    // Without a terminal the link is a JSON field (setupUrl); the pattern stops at its closing quote.
    const link = /(http:\/\/[^\s"]+\/setup\/[^\s"]+)/.exec(stdout)?.[1];
    expect(link).toBeDefined();
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/admin/i);
    const policy = await fetch(`http://127.0.0.1:${port}/`);
    expect(policy.status).toBe(200);

    const second = await run(["audit", "verify"], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`pid ${server.pid}`);

    server.kill("SIGTERM");
    await new Promise((r) => server!.once("close", r));
    expect(fs.existsSync(path.join(dir, "embargo.lock"))).toBe(false);
  });

  it("creates an admin from stdin, refuses a duplicate, and issues an API token on the last line", async () => {
    const created = await run(
      ["admin", "create", "--email", "Root@Example.org", "--name", "Root", "--password-stdin"],
      {
        env,
        stdin: "a long enough password\n",
      },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created admin root@example.org/);

    const again = await run(
      ["admin", "create", "--email", "root@example.org", "--name", "Root", "--password-stdin"],
      {
        env,
        stdin: "a long enough password\n",
      },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);

    const weak = await run(
      ["admin", "create", "--email", "x@example.org", "--name", "X", "--password-stdin"],
      { env, stdin: "short\n" },
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr).toMatch(/12 characters/);

    const token = await run(["token", "create", "--email", "root@example.org"], { env });
    expect(token.code).toBe(0);
    const last = token.stdout.trim().split("\n").at(-1)!;
    expect(last).toMatch(/^emb_[A-Za-z0-9_-]{40,}$/);

    const unknown = await run(["token", "create", "--email", "nobody@example.org"], { env });
    expect(unknown.code).toBe(1);
  });

  it("creates a token with an expiry, lists it without its secret, and revokes it by id", async () => {
    const created = await run(
      ["token", "create", "--email", "root@example.org", "--label", "deploy", "--expires-days", "7"],
      { env },
    );
    expect(created.code).toBe(0);
    const secret = created.stdout.trim().split("\n").at(-1)!;
    const expires = /expires (\S+);/.exec(created.stdout)?.[1];
    expect(new Date(expires!).getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(new Date(expires!).getTime() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);

    const tooLong = await run(["token", "create", "--email", "root@example.org", "--expires-days", "0"], {
      env,
    });
    expect(tooLong.code).toBe(1);
    expect(tooLong.stderr).toMatch(/at least 1 day/);

    const listed = await run(["token", "list", "--email", "root@example.org"], { env });
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trim().split("\n");
    expect(header).toBe("id\tmember\tlabel\tcreated\tlast_used\texpires\trevoked");
    const row = rows.map((r) => r.split("\t")).find((r) => r[2] === "deploy")!;
    expect(row[1]).toBe("root@example.org");
    expect(row[4]).toBe("-");
    expect(row[5]).toBe(expires);
    expect(row[6]).toBe("-");
    expect(listed.stdout).not.toContain(secret);

    const revoked = await run(["token", "revoke", row[0]!], { env });
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked token ${row[0]}`);
    const after = await run(["token", "list"], { env });
    const again = after.stdout.split("\n").find((l) => l.startsWith(row[0]!))!;
    expect(again.split("\t")[6]).toMatch(/^\d{4}-/);
    const twice = await run(["token", "revoke", row[0]!], { env });
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already revoked/);
  });

  it("verifies an intact audit chain, then names the first tampered event", async () => {
    const ok = await run(["audit", "verify"], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact: \d+ events/);

    const db = new PGlite(path.join(dir, "pgdata"));
    await db.query(`update audit_events set data = '{"email":"evil@example.org"}'::jsonb where seq = 1`);
    await db.close();

    const broken = await run(["audit", "verify"], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/event #1\b.*changed/);
  });

  it("rejects unknown commands as usage errors", async () => {
    const result = await run(["frobnicate"], { env });
    expect(result.code).toBe(2);
  });
});
