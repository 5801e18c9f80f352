import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by another Embargo process (pid ${pid}). ` +
        "PGlite allows one process at a time: stop that process first, or point DATABASE_URL at a PostgreSQL server to run several.",
    );
    this.name = "DataDirLockedError";
  }
}

/** Who holds a lock: a pid, and where the system tells it, the process's start time (so a reused pid differs). */
export interface LockHolder {
  pid: number;
  started: string | null;
}

/** The start time of a process in clock ticks since boot (Linux /proc), or null where the system hides it. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" are plain.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null; // field 22 of the whole line: starttime
  } catch {
    return null;
  }
}

export function formatHolder(holder: LockHolder): string {
  return holder.started === null ? String(holder.pid) : `${holder.pid} ${holder.started}`;
}

/** Reads "pid" (older files) or "pid starttime"; null for anything else. */
export function parseHolder(text: string): LockHolder | null {
  const match = /^(\d{1,10})(?: (\d{1,20}))?$/.exec(text.trim());
  if (!match) return null;
  const pid = Number(match[1]);
  return pid > 0 ? { pid, started: match[2] ?? null } : null;
}

/** Whether the process that wrote a lock still runs: its pid exists and, where known, started at the same time. */
export function holderAlive(holder: LockHolder, startTimeOf = processStartTime): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (holder.started === null) return true;
  const now = startTimeOf(holder.pid);
  return now === null || now === holder.started;
}

function self(): LockHolder {
  return { pid: process.pid, started: processStartTime(process.pid) };
}

function readHolder(file: string): LockHolder | null | "missing" {
  try {
    return parseHolder(fs.readFileSync(file, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}

/**
 * Creates file holding our identity, or returns false when it exists. The file appears with its content in one
 * step (written under a private name, then hard-linked into place, which fails if the name exists): created
 * empty and written after, another starter could read it empty in between, take it for a broken lock and remove
 * it, and two processes would hold the data dir.
 */
function createExclusive(file: string, me: LockHolder): boolean {
  const draft = `${file}.${process.pid}.${Date.now()}`;
  fs.writeFileSync(draft, formatHolder(me), { mode: 0o600 });
  try {
    fs.linkSync(draft, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    // A file system without hard links: create exclusively, then write (the small window above remains there).
    if (code === "EPERM" || code === "ENOTSUP" || code === "ENOSYS") return createThenWrite(file, me);
    throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

function createThenWrite(file: string, me: LockHolder): boolean {
  try {
    const fd = fs.openSync(file, "wx", 0o600);
    fs.writeSync(fd, formatHolder(me));
    fs.closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

/**
 * Removes a stale lock without racing another starter. Two processes that both read the same stale holder must
 * not both delete: the second would delete the first one's fresh lock. So the removal happens under a second,
 * short-lived file taken exclusively, and only if the lock still names the holder that was found stale.
 */
function removeStale(file: string, stale: LockHolder | null, me: LockHolder): void {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, me)) {
    const other = readHolder(guard);
    // A starter died inside the takeover: its guard is stale too. Otherwise someone else is taking over: let them.
    if (other !== "missing" && (other === null || !holderAlive(other))) fs.rmSync(guard, { force: true });
    return;
  }
  try {
    const now = readHolder(file);
    const same =
      now !== "missing" &&
      (now === null ? stale === null : stale !== null && formatHolder(now) === formatHolder(stale));
    if (same) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}

/**
 * Takes the data dir for this process so PGlite's files are never opened twice. The lock file holds our pid and
 * start time; a lock left by a process that no longer exists (or whose pid now belongs to another process, as after
 * a container restart) is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "embargo.lock");
  const me = self();
  for (let attempt = 0; attempt < 20; attempt++) {
    if (createExclusive(file, me)) {
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, "utf8").trim() === formatHolder(me)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.once("exit", release);
      return release;
    }
    const holder = readHolder(file);
    if (holder === "missing") continue;
    if (holder && holder.pid !== process.pid && holderAlive(holder))
      throw new DataDirLockedError(dataDir, holder.pid);
    removeStale(file, holder, me);
  }
  throw new Error(`Could not lock ${dataDir}: another process keeps taking over its stale lock.`);
}
