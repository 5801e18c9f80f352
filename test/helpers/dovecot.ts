import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { ImapFlow } from "imapflow";
import { freePort } from "./net.ts";

const DOVECOT = "/usr/sbin/dovecot";
const STARTUP_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface TestImap {
  /** imap://user:pass@127.0.0.1:<port>/INBOX — the form the app's IMAP_URL takes. */
  url: string;
  port: number;
  user: string;
  password: string;
  /** Puts a raw RFC 5322 message into INBOX (IMAP APPEND). */
  append(raw: string | Buffer, flags?: string[]): Promise<void>;
  /** Every message in INBOX now: uid, flags (incl. keywords such as $EmbargoImported), Message-ID header value or null. */
  list(): Promise<{ uid: number; flags: string[]; messageId: string | null }[]>;
  /** Stops dovecot and removes its temporary directory. */
  stop(): Promise<void>;
}

/**
 * Runs dovecot in the foreground and stops it (SIGTERM) as soon as its stdin pipe closes: on stop(), and
 * also when the test process ends or dies without stop(), because the kernel then closes the pipe for it; in
 * that case it also removes the temporary directory. If dovecot exits by itself, the directory stays for
 * its log. $1 is the dovecot binary, $2 its config file, $3 the temporary directory.
 */
const GUARD = [
  "exec 3<&0",
  '"$1" -F -c "$2" </dev/null 3<&- &',
  "pid=$!",
  '{ while read -r _; do :; done; : >"$3/stopping"; kill -TERM "$pid" 2>/dev/null; } <&3 &',
  "watch=$!",
  "exec 3<&-",
  'wait "$pid"',
  "code=$?",
  'kill "$watch" 2>/dev/null',
  'wait "$watch" 2>/dev/null',
  'if [ -e "$3/stopping" ]; then rm -rf "$3"; fi',
  'exit "$code"',
].join("\n");

interface Identity {
  /** Who owns the mail: dovecot refuses to run mail processes as uid 0. */
  mailUid: number;
  mailGid: number;
  /** Without root, dovecot's internal and login processes run as this user and group instead of its own. */
  rootless?: { user: string; group: string };
}

/** Reads a name → [uid|gid, gid] table such as /etc/passwd or /etc/group. */
function readIdTable(file: string): Map<string, { id: number; gid: number }> {
  const table = new Map<string, { id: number; gid: number }>();
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return table;
  }
  for (const line of text.split("\n")) {
    const [name, , id, gid] = line.split(":");
    if (name && id !== undefined) table.set(name, { id: Number(id), gid: Number(gid ?? id) });
  }
  return table;
}

/** As root, dovecot's own system users and a non-root mail owner; otherwise everything as this user. */
function identity(): Identity {
  const uid = process.getuid?.() ?? -1;
  const users = readIdTable("/etc/passwd");
  if (uid === 0) {
    for (const name of ["dovecot", "dovenull"]) {
      if (!users.has(name)) {
        throw new Error(
          `Dovecot as root needs the system user '${name}': reinstall Debian's dovecot-imapd, which creates it.`,
        );
      }
    }
    const nobody = users.get("nobody");
    if (!nobody) throw new Error("Dovecot as root needs a 'nobody' user to own the test mailbox.");
    return { mailUid: nobody.id, mailGid: nobody.gid };
  }
  const gid = process.getgid?.() ?? -1;
  const user = os.userInfo().username;
  const group = [...readIdTable("/etc/group")].find(([, entry]) => entry.id === gid)?.[0];
  if (!group) throw new Error(`Dovecot needs a name for the current group (gid ${gid}) in /etc/group.`);
  return { mailUid: uid, mailGid: gid, rootless: { user, group } };
}

function dovecotConfig(dir: string, port: number, id: Identity): string {
  const { rootless } = id;
  return `${[
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `log_path = ${dir}/dovecot.log`,
    "listen = 127.0.0.1",
    "protocols = imap",
    "ssl = no",
    "disable_plaintext_auth = no",
    "auth_mechanisms = plain login",
    "auth_verbose = yes",
    `mail_location = maildir:${dir}/Maildir`,
    `first_valid_uid = ${id.mailUid}`,
    `last_valid_uid = ${id.mailUid}`,
    ...(rootless
      ? [
          `default_internal_user = ${rootless.user}`,
          `default_internal_group = ${rootless.group}`,
          `default_login_user = ${rootless.user}`,
          // chroot() needs root, and these two services chroot by default.
          "service anvil {\n  chroot =\n}",
        ]
      : []),
    "service imap-login {",
    ...(rootless ? ["  chroot ="] : []),
    `  inet_listener imap {\n    address = 127.0.0.1\n    port = ${port}\n  }`,
    "  inet_listener imaps {\n    port = 0\n  }",
    "}",
    "passdb {\n  driver = passwd-file",
    `  args = scheme=PLAIN username_format=%u ${dir}/passwd\n}`,
    "userdb {\n  driver = static",
    `  args = uid=${id.mailUid} gid=${id.mailGid} home=${dir}/home\n}`,
  ].join("\n")}\n`;
}

function logTail(dir: string, lines = 30): string {
  const read = (file: string) => {
    try {
      return fs.readFileSync(path.join(dir, file), "utf8");
    } catch {
      return "";
    }
  };
  const text = `${read("stderr.log")}${read("dovecot.log")}`.trimEnd();
  return text ? text.split("\n").slice(-lines).join("\n") : "(dovecot wrote no log)";
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** A real Dovecot IMAP server on loopback with one user and an empty INBOX, so IMAP intake meets a real server. */
export async function startDovecot(): Promise<TestImap> {
  if (!fs.existsSync(DOVECOT)) {
    throw new Error(
      `IMAP tests need Dovecot at ${DOVECOT}: run 'apt-get install -y dovecot-imapd' (bash .ci/run does).`,
    );
  }
  const id = identity();
  const port = await freePort();
  const user = "intake";
  const password = randomBytes(12).toString("hex");
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "embargo-dovecot-"));
  if (/\s/.test(dir))
    throw new Error(`Dovecot's config cannot hold a temporary directory with spaces: ${dir}`);

  // As root, dovecot's auth process (user dovecot) reads the passwd file and the mail processes run as the
  // mail owner, so they need to pass through the directory; nobody can list it.
  await fs.promises.chmod(dir, 0o711);
  for (const sub of ["Maildir", "home"]) {
    await fs.promises.mkdir(path.join(dir, sub), { mode: 0o700 });
    if (!id.rootless) await fs.promises.chown(path.join(dir, sub), id.mailUid, id.mailGid);
  }
  await fs.promises.writeFile(path.join(dir, "passwd"), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  const conf = path.join(dir, "dovecot.conf");
  await fs.promises.writeFile(conf, dovecotConfig(dir, port, id));

  // Startup errors that come before the log file opens go to stderr.
  const stderrFd = fs.openSync(path.join(dir, "stderr.log"), "a");
  const child = spawn("/bin/sh", ["-c", GUARD, "dovecot-guard", DOVECOT, conf, dir], {
    detached: true,
    stdio: ["pipe", stderrFd, stderrFd],
  });
  fs.closeSync(stderrFd);
  child.stdin?.on("error", () => {});
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  // A test process that ends without stop() needs no exit handler: its end closes the pipe, and the guard
  // stops dovecot. Killing dovecot's process group here instead would leave its children unreaped.
  child.unref();

  /** One fresh connection per call; limitMs bounds a login that hangs (dovecot delays failed logins). */
  async function withClient<T>(fn: (client: ImapFlow) => Promise<T>, limitMs?: number): Promise<T> {
    const client = new ImapFlow({
      host: "127.0.0.1",
      port,
      secure: false,
      auth: { user, pass: password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: limitMs ?? 10_000,
      greetingTimeout: limitMs ?? 10_000,
    });
    // Failures reach the caller through the awaited calls; an unheard 'error' event would crash the worker.
    client.on("error", () => {});
    const timer = limitMs === undefined ? undefined : setTimeout(() => client.close(), limitMs);
    try {
      await client.connect();
      return await fn(client);
    } finally {
      clearTimeout(timer);
      if (client.usable) await client.logout().catch(() => {});
      client.close();
    }
  }

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    child.stdin?.end();
    const done = await Promise.race([exited.then(() => true), delay(STOP_TIMEOUT_MS).then(() => false)]);
    // Normally the group is empty by now; this is for whatever did not stop within the timeout.
    killGroup(child, "SIGKILL");
    if (!done) await exited;
    await fs.promises.rm(dir, { recursive: true, force: true });
  }

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError = "";
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const tail = logTail(dir);
      await stop();
      throw new Error(`Dovecot exited during startup (code ${child.exitCode ?? child.signalCode}):\n${tail}`);
    }
    try {
      await withClient(async () => {}, Math.max(200, Math.min(2_000, deadline - Date.now())));
      break;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      if (err instanceof Error && "responseText" in err) lastError += `: ${String(err.responseText)}`;
    }
    if (Date.now() > deadline) {
      const tail = logTail(dir);
      await stop();
      throw new Error(
        `Dovecot did not accept an IMAP login on 127.0.0.1:${port} within ${STARTUP_TIMEOUT_MS / 1000} s ` +
          `(last error: ${lastError}). Log tail:\n${tail}`,
      );
    }
    await delay(50);
  }

  return {
    url: `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/INBOX`,
    port,
    user,
    password,
    async append(raw, flags = []) {
      await withClient(async (client) => {
        const result = await client.append("INBOX", raw, flags);
        if (result === false) throw new Error("IMAP APPEND to INBOX failed");
      });
    },
    list() {
      return withClient(async (client) => {
        const lock = await client.getMailboxLock("INBOX");
        try {
          if (client.mailbox === false || client.mailbox.exists === 0) return [];
          const messages = await client.fetchAll(
            "1:*",
            { uid: true, flags: true, envelope: true },
            { uid: true },
          );
          return messages
            .map((m) => ({
              uid: m.uid,
              flags: [...(m.flags ?? [])],
              messageId: m.envelope?.messageId ?? null,
            }))
            .sort((a, b) => a.uid - b.uid);
        } finally {
          lock.release();
        }
      });
    },
    stop,
  };
}
