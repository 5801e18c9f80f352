import path from "node:path";
import { serve } from "@hono/node-server";
import { Command, CommanderError } from "commander";
import pino from "pino";
import { type ExportOptions, exportOptionsProblem, runExport } from "./cli/export.ts";
import { humanLogDestination } from "./cli/human-log.ts";
import { type RotateCliOptions, runRotateDataKey } from "./cli/rotate-data-key.ts";
import { scoreVectorLine } from "./cli/score.ts";
import {
  describePostgres,
  describeSmtp,
  type OutputMode,
  type StartupFacts,
  startupOutputMode,
  startupRecords,
  startupText,
} from "./cli/startup-report.ts";
import { readStdin } from "./cli/stdin.ts";
import { type Config, ConfigError, loadConfig } from "./config.ts";
import { AppError } from "./core/errors.ts";
import { DataDirLockedError } from "./db/lock.ts";
import { createApp } from "./http/app.tsx";
import { openRuntime, type Runtime } from "./runtime.ts";

/** Exit codes: 0 ok, 1 a command's own failure, 2 configuration or usage errors. */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);

  const config = () => {
    const cfg = loadConfig(process.env);
    return cfg;
  };
  const logger = (level?: string) =>
    pino(
      { level: level ?? process.env.LOG_LEVEL ?? "info", base: undefined },
      pino.destination({ dest: 2, sync: true }),
    );

  /** Opens the runtime for one command, closes it afterwards, and turns known errors into messages. */
  const withRuntime = async (fn: (rt: Awaited<ReturnType<typeof openRuntime>>) => Promise<number>) => {
    const cfg = config();
    const rt = await openRuntime(cfg, logger(cfg.LOG_LEVEL === "info" ? "warn" : cfg.LOG_LEVEL), {
      worker: false,
    });
    try {
      return await fn(rt);
    } finally {
      await rt.close();
    }
  };

  const program = new Command()
    .name("embargo")
    .description("Embargo: coordinated vulnerability disclosure, self-hosted.")
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  program
    .command("serve")
    .description("run the web server and the job worker")
    .action(async () => {
      const cfg = config();
      const mode = startupOutputMode({ isTTY: Boolean(process.stdout.isTTY), logFormat: cfg.LOG_FORMAT });
      // In a terminal the log speaks sentences too; elsewhere it stays pino JSON on stderr.
      const log =
        mode === "text"
          ? pino(
              { level: cfg.LOG_LEVEL, base: undefined },
              humanLogDestination((text) => process.stderr.write(text)),
            )
          : logger(cfg.LOG_LEVEL);
      const rt = await openRuntime(cfg, log, { worker: true, deferWorkers: true, reportsDataKey: true });
      const app = createApp(rt.services, log);
      const server = serve({ fetch: app.fetch, port: cfg.PORT, hostname: cfg.HOST });
      let stopped: Promise<void>;
      try {
        await new Promise<void>((resolve, reject) => {
          server.once("listening", () => resolve());
          server.once("error", reject);
        });
        // From the first answer on, a stop signal shuts down in order (also while the handlers register).
        stopped = new Promise<void>((resolve) => {
          process.once("SIGINT", () => resolve());
          process.once("SIGTERM", () => resolve());
        });
        // The job handlers register once requests are answered: a job queued meanwhile waits in its queue.
        await rt.startWorkers();
      } catch (error) {
        server.close();
        await rt.close();
        throw error;
      }
      await reportStartup(cfg, rt, mode);
      await stopped;
      log.info("shutting down");
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rt.close();
    });

  program
    .command("migrate")
    .description("apply database migrations, then exit")
    .action(async () => {
      await withRuntime(async (rt) => {
        out(`Migrations applied (${rt.database.kind}).`);
        return 0;
      });
    });

  const admin = program.command("admin").description("manage team members");
  admin
    .command("create")
    .description("create an admin; the password is read from stdin")
    .requiredOption("--email <email>", "the admin's email")
    .requiredOption("--name <name>", "the admin's name")
    .option("--password-stdin", "read the password from standard input (required)")
    .option("--role <role>", "admin, responder or viewer", "admin")
    .action(async (opts: { email: string; name: string; passwordStdin?: boolean; role: string }) => {
      if (!opts.passwordStdin)
        throw new AppError("usage", 400, "Pass --password-stdin and send the password on standard input.");
      const password = (await readStdin()).replace(/\r?\n$/, "");
      exitCode = await withRuntime(async (rt) => {
        const user = await rt.services.team.createMember(null, {
          email: opts.email,
          name: opts.name,
          role: opts.role,
          password,
        });
        if (!user.passwordHash)
          throw new AppError("invalid_input", 400, "The password is empty.", {
            password: "Send the password on stdin.",
          });
        out(`Created ${user.role} ${user.email}.`);
        return 0;
      });
    });

  const tokens = program.command("token").description("manage API tokens");
  tokens
    .command("create")
    .description("create an API bearer token for a member; printed once, as the last line")
    .requiredOption("--email <email>", "the member's email")
    .option("--label <label>", "what the token is for", "cli")
    .option("--expires-days <n>", "days until the token stops working (1 to 365)", "90")
    .action(async (opts: { email: string; label: string; expiresDays: string }) => {
      exitCode = await withRuntime(async (rt) => {
        const { token, user, expiresAt } = await rt.services.team.tokens.createForEmail(opts.email, {
          label: opts.label,
          expiresDays: opts.expiresDays,
        });
        out(
          `API token for ${user.email} (${user.role}), expires ${expiresAt.toISOString()}; it is shown only now:`,
        );
        out(token);
        return 0;
      });
    });
  tokens
    .command("list")
    .description("list API tokens (never their secrets), tab-separated with a header line")
    .option("--email <email>", "only this member's tokens")
    .action(async (opts: { email?: string }) => {
      exitCode = await withRuntime(async (rt) => {
        let userId: string | undefined;
        if (opts.email) {
          const user = await rt.services.team.byEmail(opts.email);
          if (!user) throw new AppError("not_found", 404, "Team member not found.");
          userId = user.id;
        }
        const iso = (d: Date | null) => (d ? d.toISOString() : "-");
        out(["id", "member", "label", "created", "last_used", "expires", "revoked"].join("\t"));
        for (const t of await rt.services.team.tokens.list(userId)) {
          out(
            [
              t.id,
              t.email,
              t.label,
              iso(t.createdAt),
              iso(t.lastUsedAt),
              iso(t.expiresAt),
              iso(t.revokedAt),
            ].join("\t"),
          );
        }
        return 0;
      });
    });
  tokens
    .command("revoke")
    .description("revoke an API token at once, by the id `token list` shows")
    .argument("<id>", "the token's id")
    .action(async (id: string) => {
      exitCode = await withRuntime(async (rt) => {
        const token = await rt.services.team.tokens.revoke(null, id);
        out(`Revoked token ${token.id} (${token.label || "no label"}) of ${token.email}.`);
        return 0;
      });
    });

  program
    .command("audit")
    .description("the audit log")
    .command("verify")
    .description("recompute the hash chain; exit 0 if intact, 1 naming the first bad event")
    .action(async () => {
      exitCode = await withRuntime(async (rt) => {
        const verdict = await rt.services.audit.verify();
        if (verdict.ok) {
          out(`Audit chain intact: ${verdict.count} events, head ${verdict.headHash.slice(0, 16)}…`);
          return 0;
        }
        err(
          `Audit chain BROKEN at ${verdict.seq === null ? "the head" : `event #${verdict.seq}`}${verdict.id ? ` (${verdict.id})` : ""}: ${verdict.problem}`,
        );
        return 1;
      });
    });

  program
    .command("bounties")
    .description("bounty awards")
    .command("export")
    .description(
      "write a year's awards as CSV to stdout: reference, date, amount, currency, state, payout method",
    )
    .requiredOption("--year <year>", "the year the awards were made, e.g. 2026")
    .action(async (opts: { year: string }) => {
      exitCode = await withRuntime(async (rt) => {
        if (!/^\d{4}$/.test(opts.year)) {
          err("Give the year as four digits, e.g. --year 2026.");
          return 2;
        }
        process.stdout.write(await rt.services.bounties.exportYear(Number(opts.year)));
        return 0;
      });
    });

  program
    .command("keys")
    .description("encryption keys")
    .command("rotate-data-key")
    .description(
      "re-encrypt all data at rest under a new data key, in batches; safe to interrupt, run again to resume",
    )
    .option("--batch-size <n>", "rows per transaction", "200")
    .option("--new-key-file <file>", "the new key (32 bytes, base64 or hex); default: a random key")
    .action(async (opts: RotateCliOptions) => {
      exitCode = await withRuntime((rt) => runRotateDataKey(rt.services.dataKey, config(), opts, out, err));
    });

  program
    .command("score")
    .description(
      "score CVSS 3.x/4.0 or OWASP Risk Rating vectors (arguments, or one per line on stdin); one JSON line each",
    )
    .argument("[vectors...]")
    .action(async (vectors: string[]) => {
      const lines =
        vectors.length > 0 ? vectors : (await readStdin()).split(/\r?\n/).filter((l) => l.trim() !== "");
      for (const line of lines) {
        const result = scoreVectorLine(line);
        out(JSON.stringify(result));
        if ("error" in result) exitCode = 1;
      }
    });

  program
    .command("export")
    .description(
      "write the published advisories as OSV, CVE JSON 5 or CSAF documents, as the site serves them",
    )
    .option("--format <format>", "osv, cve or csaf")
    .option("--advisory <id>", "one advisory (e.g. EMBSA-2026-0001); printed to stdout without --out")
    .option("--out <dir>", "write one file per advisory into this directory")
    .action(async (opts: ExportOptions) => {
      const problem = exportOptionsProblem(opts);
      if (problem) {
        err(problem);
        exitCode = 2;
        return;
      }
      exitCode = await withRuntime((rt) =>
        runExport(rt.services.publishedAdvisories, opts, { write: (t) => process.stdout.write(t), err }),
      );
    });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      err(error.message);
      return 2;
    }
    if (error instanceof DataDirLockedError) {
      err(error.message);
      return 1;
    }
    if (error instanceof AppError) {
      const fields = error.fields ? Object.entries(error.fields).map(([k, v]) => `  ${k}: ${v}`) : [];
      err([error.userMessage, ...fields].join("\n"));
      return error.code === "usage" ? 2 : 1;
    }
    err(`embargo: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** The facts `serve` reports once it answers: where, which database, the setup link, the data key, mail. */
async function startupFacts(cfg: Config, rt: Runtime): Promise<StartupFacts> {
  const smtp = cfg.SMTP_URL ? describeSmtp(cfg.SMTP_URL) : null;
  const setup = await rt.services.auth.createSetupLinkIfNeeded();
  const held = (await rt.services.outbox.heldMail(Boolean(smtp))).count;
  return {
    url: cfg.publicUrl,
    listen: { host: cfg.HOST, port: cfg.PORT },
    database: cfg.DATABASE_URL
      ? { kind: "postgres", ...describePostgres(cfg.DATABASE_URL) }
      : { kind: "pglite", dir: path.join(cfg.EMBARGO_DATA_DIR, "pgdata") },
    setup: setup ? { url: `${cfg.publicUrl}/setup/${setup.token}`, expiresAt: setup.expiresAt } : null,
    dataKey: rt.dataKey,
    mail: { smtp, held, imap: rt.services.deps.imapMailbox ?? null },
  };
}

/**
 * Tells the operator what started: sentences in a terminal, JSON records on stdout otherwise. Either way it is
 * printed whatever LOG_LEVEL says, as before: the setup link and the back-up warning must never be filtered out.
 */
async function reportStartup(cfg: Config, rt: Runtime, mode: OutputMode): Promise<void> {
  const facts = await startupFacts(cfg, rt);
  if (mode === "text") {
    process.stdout.write(startupText(facts));
    return;
  }
  const out = pino({ level: "info", base: undefined }, pino.destination({ dest: 1, sync: true }));
  for (const record of startupRecords(facts)) out[record.level](record.fields, record.msg);
}
