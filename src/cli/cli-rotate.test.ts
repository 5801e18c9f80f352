import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { reportFields } from "../../test/helpers/actors.ts";
import { loadConfig } from "../config.ts";
import { createDataCipher, dataKeyId, keyFiles, loadDataKeys } from "../crypto/data-key.ts";
import { openRuntime, type Runtime } from "../runtime.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/embargo.js");
const REPORTS = 8;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnCli(dir: string, args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [BIN, ...args], {
    env: {
      ...env,
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      LOG_LEVEL: "warn",
      EMBARGO_DATA_DIR: dir,
      // The sources under test, not a dist/ built before them.
      EMBARGO_RUN_SOURCES: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function run(dir: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(dir, args, env);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a rotation and SIGKILLs it as soon as it has printed its first progress line. */
function runAndKill(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(dir, args);
    let stderr = "";
    child.stderr.on("data", (d) => {
      stderr += d;
      if (/^reports \d+\/\d+$/m.test(stderr)) child.kill("SIGKILL");
    });
    child.on("error", reject);
    child.on("close", () => resolve(stderr));
  });
}

const rows = async (rt: Runtime, query: ReturnType<typeof sql>) =>
  ((await rt.database.db.execute(query)) as unknown as { rows: Record<string, string>[] }).rows;

/** Every envelope in the data, with where it lives. */
async function envelopes(rt: Runtime): Promise<string[]> {
  const all = await rows(
    rt,
    sql`select body_enc as e from reports union all select body_enc from messages
        union all select data_enc from attachments union all select config_enc from alert_channels
        union all select private_enc from intake_keys`,
  );
  return all.map((r) => r.e!);
}

describe("embargo keys rotate-data-key", { timeout: 240_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-rotate-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = loadConfig({ EMBARGO_DATA_DIR: dir, LOG_LEVEL: "silent" });
  const logger = pino({ level: "silent" });
  const files = keyFiles(dir);
  const open = () => openRuntime(config, logger, { worker: false });

  /** Reads every report (body, messages) and attachment as the team would, and decrypts the intake key. */
  async function readEverything(rt: Runtime) {
    const { key, previous } = loadDataKeys({}, dir);
    const cipher = createDataCipher(key, previous);
    const refs = await rows(rt, sql`select id from reports order by seq`);
    expect(refs).toHaveLength(REPORTS);
    for (const { id } of refs) {
      const view = await rt.services.reports.teamView(id!);
      expect(JSON.stringify(view)).toContain("preview renders HTML");
    }
    const atts = await rows(rt, sql`select id, report_id from attachments`);
    expect(atts).toHaveLength(REPORTS * 2);
    for (const a of atts) {
      const file = await rt.services.reports.attachmentForTeam(a.report_id!, a.id!);
      expect(file.data.toString("utf8")).toMatch(/^proof/);
    }
    for (const m of await rows(rt, sql`select body_enc from messages`))
      expect(cipher.decryptText(m.body_enc!)).toMatch(/^Here is more/);
    for (const c of await rows(rt, sql`select config_enc from alert_channels`))
      expect(cipher.decryptJson<{ url: string }>(c.config_enc!).url).toBe("https://hooks.example.org/x");
    const intake = await rows(rt, sql`select private_enc from intake_keys where retired_at is null`);
    expect(intake).toHaveLength(1);
    expect(cipher.decryptText(intake[0]!.private_enc!)).toContain("BEGIN PGP PRIVATE KEY BLOCK");
  }

  it("re-encrypts everything, survives a kill midway, resumes, and is a no-op afterwards", async () => {
    // Setup through the service layer: reports with an attachment, reporter replies with one, the intake key.
    const setup = await open();
    try {
      for (let i = 0; i < REPORTS; i++) {
        const description = `The comment preview renders HTML unescaped${i === 3 ? " near the chrysoberyl widget" : ""}.`;
        const { token } = await setup.services.reports.submit(
          reportFields({ title: `Report number ${i}`, description }),
          [{ filename: "poc.txt", data: Buffer.from(`proof ${i}`) }],
          "web",
        );
        await setup.services.reports.replyAsReporter(
          token,
          { body: `Here is more about the tourmaline ${i}.` },
          [{ filename: "more.txt", data: Buffer.from(`proof more ${i}`) }],
        );
      }
      await setup.services.keys.ensureIntakeKey();
      const { key } = loadDataKeys({}, dir);
      await setup.database.db.execute(
        sql`insert into alert_channels (kind, name, config_enc, updated_at) values ('webhook', 'Hook', ${createDataCipher(key).encryptJson({ url: "https://hooks.example.org/x" })}, now())`,
      );
    } finally {
      await setup.close();
    }
    const oldKey = fs.readFileSync(files.current, "utf8");
    const oldId = dataKeyId(loadDataKeys({}, dir).key);

    // A server holds the data dir: the rotation refuses, clearly, and writes nothing.
    const server = await open();
    try {
      const refused = await run(dir, ["keys", "rotate-data-key"]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/in use by another Embargo process/);
      expect(fs.existsSync(files.next)).toBe(false);
    } finally {
      await server.close();
    }

    // Killed after its first batch: the new key file exists, and the data is half old, half new.
    const progress = await runAndKill(dir, ["keys", "rotate-data-key", "--batch-size", "1"]);
    expect(progress).toMatch(/^reports 1\/8$/m);
    expect(fs.existsSync(files.next)).toBe(true);
    expect(fs.statSync(files.next).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(files.current, "utf8")).toBe(oldKey);
    const newId = dataKeyId(loadDataKeys({}, dir).key);
    expect(newId).not.toBe(oldId);

    // A normal start reads every row, old and new.
    const middle = await open();
    try {
      const ids = (await envelopes(middle)).map((e) => e.split(".")[1]);
      expect(ids).toContain(oldId);
      expect(ids).toContain(newId);
      await readEverything(middle);
    } finally {
      await middle.close();
    }

    // Resumed: it finishes, swaps the key files, and prints a summary.
    const resumed = await run(dir, ["keys", "rotate-data-key", "--batch-size", "3"]);
    expect(resumed.stderr).toMatch(/Resuming the rotation/);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(
      /Data key rotated to [0-9a-f]{12}: \d+ reports, \d+ messages, \d+ attachments/,
    );
    expect(fs.existsSync(files.next)).toBe(false);
    expect(fs.readFileSync(files.old, "utf8")).toBe(oldKey);
    expect(dataKeyId(loadDataKeys({}, dir).key)).toBe(newId);

    const after = await open();
    let auditCount = 0;
    try {
      for (const e of await envelopes(after)) expect(e.startsWith(`v1.${newId}.`)).toBe(true);
      await readEverything(after);
      const found = await after.services.reports.inbox({ q: "chrysoberyl", state: "all" });
      expect(found.total).toBe(1);
      const messagesFound = await after.services.reports.inbox({ q: "tourmaline", state: "all" });
      expect(messagesFound.total).toBeGreaterThan(0);
      const verdict = await after.services.audit.verify();
      expect(verdict.ok).toBe(true);
      const events = await rows(
        after,
        sql`select action, actor_type from audit_events where action like 'data_key.%'`,
      );
      expect(events.filter((e) => e.action === "data_key.rotation_started")).toHaveLength(2);
      expect(events.filter((e) => e.action === "data_key.rotated")).toHaveLength(1);
      expect(events.every((e) => e.actor_type === "system")).toBe(true);
      auditCount = (await rows(after, sql`select count(*)::int as n from audit_events`))[0]!
        .n as unknown as number;
    } finally {
      await after.close();
    }

    // Again, to the key now in use: nothing changes, no file moves, no audit event.
    const again = await run(dir, ["keys", "rotate-data-key", "--new-key-file", files.current]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to rotate/);
    expect(fs.existsSync(files.next)).toBe(false);
    expect(fs.readFileSync(files.old, "utf8")).toBe(oldKey);
    const last = await open();
    try {
      expect((await rows(last, sql`select count(*)::int as n from audit_events`))[0]!.n).toBe(auditCount);
      expect((await last.services.audit.verify()).ok).toBe(true);
    } finally {
      await last.close();
    }
  });

  it("with EMBARGO_SECRET_KEY, needs the new key, rotates to EMBARGO_NEW_SECRET_KEY and says what to change", async () => {
    const envDir = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-rotate-env-"));
    const oldKey = randomBytes(32).toString("base64");
    const newKey = randomBytes(32).toString("hex");
    try {
      const setup = await openRuntime(
        loadConfig({ EMBARGO_DATA_DIR: envDir, EMBARGO_SECRET_KEY: oldKey, LOG_LEVEL: "silent" }),
        logger,
        { worker: false },
      );
      try {
        await setup.services.reports.submit(
          reportFields({ description: "Near the spessartine gate." }),
          [],
          "web",
        );
      } finally {
        await setup.close();
      }
      const missing = await run(envDir, ["keys", "rotate-data-key"], { EMBARGO_SECRET_KEY: oldKey });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--new-key-file <file> or EMBARGO_NEW_SECRET_KEY/);

      const rotated = await run(envDir, ["keys", "rotate-data-key"], {
        EMBARGO_SECRET_KEY: oldKey,
        EMBARGO_NEW_SECRET_KEY: newKey,
      });
      expect(rotated.code).toBe(0);
      expect(rotated.stderr).toMatch(/^reports 1\/1$/m);
      expect(rotated.stdout).toMatch(/Now set EMBARGO_SECRET_KEY to the new key/);
      expect(fs.readdirSync(envDir).filter((f) => f.startsWith("secret.key"))).toEqual([]);

      const after = await openRuntime(
        loadConfig({ EMBARGO_DATA_DIR: envDir, EMBARGO_SECRET_KEY: newKey, LOG_LEVEL: "silent" }),
        logger,
        { worker: false },
      );
      try {
        const found = await after.services.reports.inbox({ q: "spessartine", state: "all" });
        expect(found.total).toBe(1);
        expect(JSON.stringify(await after.services.reports.teamView(found.items[0]!.id))).toContain(
          "spessartine",
        );
      } finally {
        await after.close();
      }
    } finally {
      fs.rmSync(envDir, { recursive: true, force: true });
    }
  });
});
