// The diff of two commits never changes, so pages that show one (the fix panel, the reporter's "Check the fix")
// keep the last few in memory instead of running git on every view. Bounded by entries and by the bytes of the
// patches held; a repository that is gone is never answered from memory.

import fs from "node:fs";
import { diffRange, type RangeDiff } from "./git.ts";
import type { RunLimits } from "./run.ts";

const MAX_ENTRIES = 64;
const MAX_BYTES = 32 * 1024 * 1024;

const entries = new Map<string, { diff: RangeDiff; bytes: number }>();
let heldBytes = 0;

function sizeOf(diff: RangeDiff): number {
  return (diff.patch?.length ?? 0) * 2 + diff.files.reduce((n, f) => n + 64 + f.path.length * 2, 0);
}

/** `diffRange`, answered from memory when the same repository and SHAs were read before. */
export async function cachedDiffRange(
  dir: string,
  base: string,
  head: string,
  options: RunLimits & { maxPatchBytes?: number } = {},
): Promise<RangeDiff> {
  const key = `${dir}\0${base}\0${head}\0${options.maxPatchBytes ?? ""}`;
  const hit = entries.get(key);
  if (hit && fs.existsSync(dir)) {
    // Most recently used last, so eviction takes the oldest.
    entries.delete(key);
    entries.set(key, hit);
    return hit.diff;
  }
  if (hit) forget(key);
  const diff = await diffRange(dir, base, head, options);
  const bytes = sizeOf(diff);
  if (bytes > MAX_BYTES / 4) return diff;
  entries.set(key, { diff, bytes });
  heldBytes += bytes;
  while (entries.size > MAX_ENTRIES || heldBytes > MAX_BYTES) {
    const oldest = entries.keys().next().value;
    if (oldest === undefined) break;
    forget(oldest);
  }
  return diff;
}

function forget(key: string): void {
  const entry = entries.get(key);
  if (!entry) return;
  heldBytes -= entry.bytes;
  entries.delete(key);
}
