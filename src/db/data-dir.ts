import fs from "node:fs";

/** Group and other bits: any of them on the data dir lets other local users read or write the database. */
const LOOSE_BITS = 0o077;

/** What to do about an existing data dir's mode: nothing, tighten it (we own it), or only warn (we do not). */
export function dataDirRepair(mode: number, ownedByUs: boolean): "ok" | "fix" | "warn" {
  if ((mode & LOOSE_BITS) === 0) return "ok";
  return ownedByUs ? "fix" : "warn";
}

/**
 * Makes the data dir private before anything is written into it: the process umask becomes 077, so PGlite's
 * files, the key file and the lock are created for this user only, and the dir itself is 0700. An existing dir
 * with looser modes is tightened when this user owns it, and reported otherwise. Returns what it found, for
 * the start-up log.
 */
export function secureDataDir(dataDir: string): {
  created: boolean;
  repair: "ok" | "fix" | "warn";
  mode: number;
} {
  process.umask(0o077);
  if (!fs.existsSync(dataDir)) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return { created: true, repair: "ok", mode: 0o700 };
  }
  const stat = fs.statSync(dataDir);
  const mode = stat.mode & 0o777;
  const repair = dataDirRepair(mode, typeof process.getuid === "function" && stat.uid === process.getuid());
  if (repair === "fix") fs.chmodSync(dataDir, 0o700);
  return { created: false, repair, mode };
}

/**
 * Tightens every directory under the data dir to 0700. PGlite sets its files' modes itself (0666, whatever the
 * umask), so the directories are what keeps other local users out: without search permission on them no file
 * inside can be opened. Directories are few, so this costs nothing at start.
 */
export function privateDirectories(dataDir: string): number {
  let tightened = 0;
  const walk = (dir: string) => {
    const stat = fs.statSync(dir);
    if ((stat.mode & LOOSE_BITS) !== 0) {
      fs.chmodSync(dir, 0o700);
      tightened++;
    }
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
  };
  walk(dataDir);
  return tightened;
}
