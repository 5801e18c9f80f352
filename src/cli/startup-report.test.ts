import { describe, expect, it } from "vitest";
import { humanLogLine } from "./human-log.ts";
import {
  describePostgres,
  describeSmtp,
  type StartupFacts,
  startupOutputMode,
  startupRecords,
  startupText,
} from "./startup-report.ts";

const BASE: StartupFacts = {
  url: "https://security.example.org",
  listen: { host: "0.0.0.0", port: 8080 },
  database: { kind: "pglite", dir: "/srv/embargo/data/pgdata" },
  setup: null,
  dataKey: { source: "file", file: "/srv/embargo/data/secret.key" },
  mail: { smtp: "mail.example.org:465", held: 0, imap: null },
};
const facts = (over: Partial<StartupFacts> = {}): StartupFacts => ({ ...BASE, ...over });

describe("startupOutputMode", () => {
  it("speaks sentences only to a terminal, unless LOG_FORMAT says otherwise", () => {
    expect(startupOutputMode({ isTTY: true, logFormat: undefined })).toBe("text");
    expect(startupOutputMode({ isTTY: false, logFormat: undefined })).toBe("json");
    expect(startupOutputMode({ isTTY: true, logFormat: "json" })).toBe("json");
    expect(startupOutputMode({ isTTY: false, logFormat: "json" })).toBe("json");
    expect(startupOutputMode({ isTTY: false, logFormat: "text" })).toBe("text");
    expect(startupOutputMode({ isTTY: true, logFormat: "text" })).toBe("text");
  });
});

describe("describePostgres and describeSmtp", () => {
  it("keep host, port and name, and never the user or the password", () => {
    const db = describePostgres("postgres://embargo:s3cret%21@db.internal:6543/embargo_prod?sslmode=require");
    expect(db).toEqual({ host: "db.internal", port: "6543", name: "embargo_prod" });
    expect(JSON.stringify(db)).not.toMatch(/s3cret|embargo:/);
    expect(describePostgres("postgresql://db.internal/")).toEqual({
      host: "db.internal",
      port: "5432",
      name: "(the user's default database)",
    });
    expect(describeSmtp("smtps://mailer:hunter2@mail.example.org")).toBe("mail.example.org:465");
    expect(describeSmtp("smtp://127.0.0.1:2525")).toBe("127.0.0.1:2525");
  });
});

describe("startupText, for a person at a terminal", () => {
  it("says where it runs, the database, and the mail status in sentences", () => {
    const text = startupText(facts());
    expect(text).toMatch(
      /^Embargo is running at https:\/\/security\.example\.org \(listening on 0\.0\.0\.0:8080\)\.\n/,
    );
    expect(text).toContain("Database: embedded PGlite, stored in /srv/embargo/data/pgdata.");
    expect(text).toContain("Mail: sent through the SMTP server mail.example.org:465.");
    expect(text).toContain("Mail intake: off (set IMAP_URL");
    expect(text).not.toContain("{");
    expect(text).not.toContain("Warning:");
  });

  it("names a PostgreSQL database by host and name", () => {
    const text = startupText(
      facts({ database: { kind: "postgres", host: "db.internal", port: "5432", name: "embargo" } }),
    );
    expect(text).toContain("Database: PostgreSQL, database embargo on db.internal:5432.");
  });

  it("says plainly that mail is held, how much waits and where, when SMTP is not set", () => {
    const text = startupText(
      facts({ mail: { smtp: null, held: 3, imap: "imaps://intake@mail.example.org:993/INBOX" } }),
    );
    expect(text).toContain(
      "Mail: HELD. SMTP_URL is not set, so no mail leaves this server: it waits in the outbox for an admin (3 mails waiting now): https://security.example.org/admin/outbox",
    );
    expect(text).toContain("Mail intake: on, reading imaps://intake@mail.example.org:993/INBOX.");
  });

  it("with SMTP configured, names the mail held before it in one sentence with the outbox link", () => {
    const text = startupText(facts({ mail: { smtp: "mail.example.org:465", held: 4, imap: null } }));
    expect(text).toContain("Mail: sent through the SMTP server mail.example.org:465.");
    expect(text).toContain(
      "Held mail: 4 mails held before SMTP was configured wait for an admin to send or discard them: https://security.example.org/admin/outbox",
    );
    expect(startupText(facts({ mail: { smtp: "m:25", held: 1, imap: null } }))).toContain(
      "Held mail: 1 mail held before SMTP was configured waits for an admin to send or discard it:",
    );
    expect(startupText(facts())).not.toContain("Held mail");
    expect(text).not.toContain("HELD.");
    const records = startupRecords(facts({ mail: { smtp: "mail.example.org:465", held: 4, imap: null } }));
    expect(records.find((r) => /held before SMTP/.test(r.msg))).toMatchObject({
      level: "warn",
      fields: { held: 4, outbox: "https://security.example.org/admin/outbox" },
    });
    expect(startupRecords(facts()).some((r) => /held before SMTP/.test(r.msg))).toBe(false);
  });

  it("prints the one-time setup link while there is no admin, and nothing about it after", () => {
    const expiresAt = new Date("2026-03-03T09:00:00Z");
    const text = startupText(facts({ setup: { url: "https://security.example.org/setup/abc", expiresAt } }));
    expect(text).toContain(
      "No admin exists yet. Create the first admin here (one-time link, valid until 2026-03-03T09:00:00.000Z):\n  https://security.example.org/setup/abc\n",
    );
    expect(startupText(facts())).not.toContain("/setup/");
  });

  it("boxes the warning to back up the key file, naming the file, on every start", () => {
    for (const source of ["new-file", "file"] as const) {
      const text = startupText(facts({ dataKey: { source, file: "/srv/embargo/data/secret.key" } }));
      const box = text.split("\n").filter((l) => l.startsWith("  |"));
      expect(box.join("\n")).toContain("/srv/embargo/data/secret.key");
      expect(box.join("\n")).toMatch(
        source === "new-file" ? /A NEW DATA KEY WAS CREATED\. BACK IT UP NOW/ : /BACK UP THE DATA KEY/,
      );
      expect(box.join("\n")).toContain("nobody can recover it for you");
      // The box is square: every line has the same width, and it fits an 80-column terminal.
      expect(new Set(box.map((l) => l.length)).size).toBe(1);
      expect(box[0]!.length).toBeLessThanOrEqual(80);
    }
  });

  it("with the key in EMBARGO_SECRET_KEY, asks to keep that value safe instead", () => {
    const text = startupText(facts({ dataKey: { source: "env" } }));
    expect(text).toContain(
      "Data key: read from EMBARGO_SECRET_KEY. Keep a copy of that value somewhere safe",
    );
    expect(text).not.toContain("secret.key");
  });

  it("warns last about an http PUBLIC_URL, because security.txt then breaks RFC 9116", () => {
    const text = startupText(facts({ url: "http://localhost:8080" }));
    const lastLine = text.trimEnd().split("\n").at(-1)!;
    expect(lastLine).toMatch(/^Warning: PUBLIC_URL is http:\/\/localhost:8080, which is not https/);
    expect(lastLine).toContain("RFC 9116");
  });
});

describe("startupRecords, for a log collector", () => {
  it("keeps the running record's fields (msg, url, port, database) and adds the others as records", () => {
    const records = startupRecords(
      facts({ url: "http://localhost:8080", mail: { smtp: null, held: 2, imap: null } }),
    );
    expect(records[0]).toEqual({
      level: "info",
      msg: "Embargo is running",
      fields: {
        url: "http://localhost:8080",
        port: 8080,
        host: "0.0.0.0",
        database: "pglite",
        dataDir: "/srv/embargo/data/pgdata",
      },
    });
    const byMsg = (pattern: RegExp) => records.find((r) => pattern.test(r.msg));
    expect(byMsg(/mail is held/)).toMatchObject({
      level: "warn",
      fields: { held: 2, outbox: "http://localhost:8080/admin/outbox" },
    });
    expect(byMsg(/mail intake \(IMAP\) is off/)?.level).toBe("info");
    expect(byMsg(/back up the data key file/)).toMatchObject({
      level: "warn",
      fields: { file: "/srv/embargo/data/secret.key" },
    });
    expect(byMsg(/RFC 9116/)).toMatchObject({
      level: "warn",
      fields: { publicUrl: "http://localhost:8080" },
    });
    expect(byMsg(/setup link/)).toBeUndefined();
  });

  it("gives the setup link and expiry as fields, and PostgreSQL without credentials", () => {
    const records = startupRecords(
      facts({
        database: { kind: "postgres", ...describePostgres("postgres://u:pw-not-shown@db:5432/embargo") },
        setup: { url: "https://security.example.org/setup/tok", expiresAt: new Date("2026-03-03T09:00:00Z") },
      }),
    );
    expect(records.find((r) => /setup link/.test(r.msg))?.fields).toEqual({
      setupUrl: "https://security.example.org/setup/tok",
      expiresAt: "2026-03-03T09:00:00.000Z",
    });
    expect(records[0]!.fields).toMatchObject({
      database: "postgres",
      databaseHost: "db",
      databaseName: "embargo",
    });
    expect(JSON.stringify(records)).not.toContain("pw-not-shown");
    expect(records.some((r) => /RFC 9116/.test(r.msg))).toBe(false);
  });
});

describe("humanLogLine, the terminal's form of a log record", () => {
  it("writes the level as a word, the message, then the fields", () => {
    const line = humanLogLine(
      JSON.stringify({
        level: 40,
        time: 1,
        msg: "the data directory was readable",
        dataDir: "/d",
        was: "755",
      }),
    );
    expect(line).toBe("warning: the data directory was readable (dataDir=/d, was=755)\n");
    expect(humanLogLine(JSON.stringify({ level: 30, time: 1, msg: "shutting down" }))).toBe(
      "shutting down\n",
    );
  });

  it("adds an error's stack, and passes through a line that is not JSON", () => {
    const line = humanLogLine(
      JSON.stringify({
        level: 50,
        msg: "unhandled error",
        err: { message: "boom", stack: "Error: boom\n    at x" },
        path: "/p",
      }),
    );
    expect(line).toBe("error: unhandled error (path=/p)\nError: boom\n    at x\n");
    expect(humanLogLine("not json")).toBe("not json\n");
  });
});
