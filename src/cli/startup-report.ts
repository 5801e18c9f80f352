// What `embargo serve` says once it answers requests. One set of facts, two forms: plain sentences for a person
// at a terminal, pino-style JSON records for a log collector. Pure, so both are tested without a terminal.

import { countMails, securityTxtTransportWarning } from "../domain/mail-delivery.ts";

/** Everything the start-up output reports; collected by main.ts, secrets left out. */
export interface StartupFacts {
  /** PUBLIC_URL: where people reach this server. */
  url: string;
  /** The address and port the server listens on. */
  listen: { host: string; port: number };
  database:
    | { kind: "pglite"; dir: string }
    /** From DATABASE_URL, without user or password. */
    | { kind: "postgres"; host: string; port: string; name: string };
  /** The one-time link that creates the first admin, while there is none. */
  setup: { url: string; expiresAt: Date } | null;
  /** Where the data key came from; `file` is the key file to back up. */
  dataKey: { source: "env" | "file" | "new-file"; file?: string };
  mail: {
    /** The SMTP server's host:port, or null when SMTP_URL is unset and mail is held in the outbox. */
    smtp: string | null;
    /**
     * Mails waiting in the outbox now (counted up to the cap): without SMTP every unsent mail, with SMTP the mail
     * held before it was configured, which waits for an admin to send it.
     */
    held: number;
    /** The polled intake mailbox without its password, or null when IMAP intake is off. */
    imap: string | null;
  };
}

export type OutputMode = "text" | "json";

/**
 * Plain sentences only for a person: stdout is a terminal and LOG_FORMAT does not ask for JSON. LOG_FORMAT=text
 * asks for sentences where there is no terminal (a service manager's journal a person reads).
 */
export function startupOutputMode(input: {
  isTTY: boolean;
  logFormat: "json" | "text" | undefined;
}): OutputMode {
  if (input.logFormat === "json") return "json";
  if (input.logFormat === "text") return "text";
  return input.isTTY ? "text" : "json";
}

/** DATABASE_URL as it may be printed: host, port and database name, never the user or the password. */
export function describePostgres(databaseUrl: string): { host: string; port: string; name: string } {
  const url = new URL(databaseUrl);
  return {
    host: url.hostname || "localhost",
    port: url.port || "5432",
    name: decodeURIComponent(url.pathname.replace(/^\//, "")) || "(the user's default database)",
  };
}

/** SMTP_URL as it may be printed: host and port only. */
export function describeSmtp(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  const port = url.port || (url.protocol === "smtps:" ? "465" : "25");
  return `${url.hostname}:${port}`;
}

const outboxUrl = (facts: StartupFacts) => `${facts.url.replace(/\/+$/, "")}/admin/outbox`;

function databaseSentence(db: StartupFacts["database"]): string {
  return db.kind === "pglite"
    ? `Database: embedded PGlite, stored in ${db.dir}.`
    : `Database: PostgreSQL, database ${db.name} on ${db.host}:${db.port}.`;
}

/** The back-up warning as a box of lines, so it stands out among the others. */
function dataKeyBox(key: StartupFacts["dataKey"]): string[] {
  if (key.source === "env")
    return [
      "Data key: read from EMBARGO_SECRET_KEY. Keep a copy of that value somewhere safe, away from this machine:",
      "without it, the encrypted reports in the database and in every backup cannot be read.",
    ];
  const lines = [
    key.source === "new-file" ? "A NEW DATA KEY WAS CREATED. BACK IT UP NOW:" : "BACK UP THE DATA KEY:",
    `  ${key.file}`,
    "Reports, messages and attachments are encrypted with this key.",
    "Without it, neither this database nor any backup of it can be",
    "read again, and nobody can recover it for you. Keep a copy away",
    "from this machine, or move it into EMBARGO_SECRET_KEY.",
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const rule = `  +${"-".repeat(width + 2)}+`;
  return [rule, ...lines.map((l) => `  | ${l.padEnd(width)} |`), rule];
}

/** With SMTP configured, mail held before it waits for an admin: nothing sends it on its own. */
function heldBeforeSmtpSentence(facts: StartupFacts): string {
  const n = facts.mail.held;
  return `Held mail: ${countMails(n)} held before SMTP was configured ${n === 1 ? "waits" : "wait"} for an admin to send or discard ${n === 1 ? "it" : "them"}: ${outboxUrl(facts)}`;
}

/** The start-up output for a person: short paragraphs, warnings last so they are what stays on screen. */
export function startupText(facts: StartupFacts): string {
  const out: string[] = [];
  out.push(
    `Embargo is running at ${facts.url} (listening on ${facts.listen.host}:${facts.listen.port}).`,
    databaseSentence(facts.database),
  );
  if (facts.mail.smtp) out.push(`Mail: sent through the SMTP server ${facts.mail.smtp}.`);
  if (facts.mail.smtp && facts.mail.held > 0) out.push(heldBeforeSmtpSentence(facts));
  if (!facts.mail.smtp)
    out.push(
      `Mail: HELD. SMTP_URL is not set, so no mail leaves this server: it waits in the outbox for an admin (${countMails(facts.mail.held)} waiting now): ${outboxUrl(facts)}`,
    );
  out.push(
    facts.mail.imap
      ? `Mail intake: on, reading ${facts.mail.imap}.`
      : "Mail intake: off (set IMAP_URL to import reports sent to the security address).",
  );
  if (facts.setup) {
    out.push(
      "",
      `No admin exists yet. Create the first admin here (one-time link, valid until ${facts.setup.expiresAt.toISOString()}):`,
      `  ${facts.setup.url}`,
    );
  }
  out.push("", ...dataKeyBox(facts.dataKey));
  const http = securityTxtTransportWarning(facts.url);
  if (http) out.push("", `Warning: ${http}`);
  return `${out.join("\n")}\n`;
}

/** One pino record: its level name, its message, and the fields a collector may index. */
export interface StartupRecord {
  level: "info" | "warn";
  msg: string;
  fields: Record<string, unknown>;
}

/** The same facts as JSON records for `LOG_FORMAT=json` or a non-terminal stdout; the first keeps its old fields. */
export function startupRecords(facts: StartupFacts): StartupRecord[] {
  const db = facts.database;
  const records: StartupRecord[] = [
    {
      level: "info",
      msg: "Embargo is running",
      fields: {
        url: facts.url,
        port: facts.listen.port,
        host: facts.listen.host,
        database: db.kind,
        ...(db.kind === "pglite"
          ? { dataDir: db.dir }
          : { databaseHost: db.host, databasePort: db.port, databaseName: db.name }),
      },
    },
    facts.mail.smtp
      ? { level: "info", msg: "mail is sent through SMTP", fields: { smtp: facts.mail.smtp } }
      : {
          level: "warn",
          msg: "mail is held in the outbox: SMTP_URL is not set, so no mail leaves this server",
          fields: { held: facts.mail.held, outbox: outboxUrl(facts) },
        },
    ...(facts.mail.smtp && facts.mail.held > 0
      ? [
          {
            level: "warn" as const,
            msg: "mail held before SMTP was configured waits for an admin to send or discard it",
            fields: { held: facts.mail.held, outbox: outboxUrl(facts) },
          },
        ]
      : []),
    facts.mail.imap
      ? { level: "info", msg: "mail intake (IMAP) is on", fields: { mailbox: facts.mail.imap } }
      : { level: "info", msg: "mail intake (IMAP) is off", fields: {} },
  ];
  if (facts.setup)
    records.push({
      level: "warn",
      msg: "no admin exists yet: create the first admin with the one-time setup link",
      fields: { setupUrl: facts.setup.url, expiresAt: facts.setup.expiresAt.toISOString() },
    });
  if (facts.dataKey.source === "env")
    records.push({
      level: "info",
      msg: "the data key is read from EMBARGO_SECRET_KEY; keep a copy safe",
      fields: {},
    });
  else
    records.push({
      level: "warn",
      msg:
        facts.dataKey.source === "new-file"
          ? "created a new data key file; back it up, or move it to EMBARGO_SECRET_KEY"
          : "back up the data key file: without it the encrypted data cannot be read",
      fields: { file: facts.dataKey.file },
    });
  const http = securityTxtTransportWarning(facts.url);
  if (http)
    records.push({
      level: "warn",
      msg: "security.txt is served with http:// addresses, which RFC 9116 forbids: set PUBLIC_URL to an https:// address",
      fields: { publicUrl: facts.url, detail: http },
    });
  return records;
}
