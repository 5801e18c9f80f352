import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "../config.ts";
import { decodeSecretKey } from "../config.ts";
import { AppError } from "../core/errors.ts";
import { createDataCipher, dataKeyId, keyFiles, loadDataKeys } from "../crypto/data-key.ts";
import type { DataKeyService } from "../features/data-key/data-key.service.ts";

export interface RotateCliOptions {
  batchSize?: string;
  newKeyFile?: string;
}

function readNewKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new AppError("usage", 400, `Cannot read the new key file ${file}: ${(error as Error).message}`);
  }
  const key = decodeSecretKey(text);
  if (!key)
    throw new AppError(
      "usage",
      400,
      `The new key file ${file} must hold 32 bytes as base64 or 64 hex characters.`,
    );
  return key;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a key file durably (mode 0600) before any row is sealed under it. */
function writeKeyFile(file: string, key: Buffer): void {
  const fd = fs.openSync(file, "wx", 0o600);
  try {
    fs.writeSync(fd, `${key.toString("base64")}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fsyncDir(path.dirname(file));
}

/**
 * `embargo keys rotate-data-key`: the caller holds the database (and, with PGlite, the data-dir lock). With key
 * files, the new key is written to `secret.key.new` first, the rows are re-sealed, then the files are swapped
 * (`secret.key` -> `secret.key.old`, `secret.key.new` -> `secret.key`). With EMBARGO_SECRET_KEY, the new key comes
 * from --new-key-file or EMBARGO_NEW_SECRET_KEY and the operator swaps the variables after.
 */
export async function runRotateDataKey(
  dataKey: DataKeyService,
  config: Config,
  opts: RotateCliOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const batchSize = opts.batchSize === undefined ? 200 : Number(opts.batchSize);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new AppError("usage", 400, "--batch-size must be a whole number from 1 to 10000.");
  const given = opts.newKeyFile ? readNewKeyFile(opts.newKeyFile) : null;
  const fromEnv = Boolean(config.EMBARGO_SECRET_KEY);
  const files = keyFiles(config.EMBARGO_DATA_DIR);

  let key: Buffer;
  let previous: Buffer[];
  if (fromEnv) {
    const envNew = config.EMBARGO_NEW_SECRET_KEY ? decodeSecretKey(config.EMBARGO_NEW_SECRET_KEY) : null;
    if (given && envNew && !given.equals(envNew))
      throw new AppError(
        "usage",
        400,
        "--new-key-file and EMBARGO_NEW_SECRET_KEY hold different keys: give one.",
      );
    const next = given ?? envNew;
    if (!next)
      throw new AppError(
        "usage",
        400,
        "EMBARGO_SECRET_KEY is set, so give the new key: --new-key-file <file> or EMBARGO_NEW_SECRET_KEY (try: openssl rand -base64 32).",
      );
    // The same key as EMBARGO_SECRET_KEY only finishes (or confirms) a rotation to it.
    const current = decodeSecretKey(config.EMBARGO_SECRET_KEY ?? "");
    key = next;
    previous = current && !current.equals(next) ? [current] : [];
  } else {
    const existing = fs.existsSync(files.next) ? loadDataKeys({}, config.EMBARGO_DATA_DIR).key : null;
    if (existing && given && !existing.equals(given))
      throw new AppError(
        "usage",
        400,
        `A rotation to another key is unfinished (${files.next}): run the command again without --new-key-file to finish it.`,
      );
    if (!existing && given?.equals(loadDataKeys({}, config.EMBARGO_DATA_DIR).key)) {
      // Rotating to the key already in secret.key finishes (or confirms) an earlier rotation; no file is written.
    } else if (!existing) {
      writeKeyFile(files.next, given ?? randomBytes(32));
      err(`New data key written to ${files.next}`);
    } else err(`Resuming the rotation to the key in ${files.next}`);
    const loaded = loadDataKeys({}, config.EMBARGO_DATA_DIR);
    key = loaded.key;
    previous = loaded.previous;
  }

  const cipher = createDataCipher(key, previous);
  const result = await dataKey.rotate(cipher, {
    batchSize,
    progress: (table, done, total) => err(`${table} ${done}/${total}`),
  });

  const swapped = !fromEnv && fs.existsSync(files.next);
  if (swapped) {
    if (fs.existsSync(files.current)) fs.renameSync(files.current, files.old);
    fs.renameSync(files.next, files.current);
    fsyncDir(config.EMBARGO_DATA_DIR);
  }

  const r = result.rotated;
  if (!result.changed)
    out(
      swapped || (fromEnv && previous.length > 0)
        ? `No encrypted data to move; the data key is now ${dataKeyId(key)}.`
        : `Nothing to rotate: every encrypted value is under data key ${dataKeyId(key)}.`,
    );
  else
    out(
      `Data key rotated to ${result.keyId}: ${r.reports} reports, ${r.messages} messages, ${r.attachments} attachments, ` +
        `${r.alert_channels} alert channels, ${r.intake_keys ? "the intake keys" : "no intake keys"}, ` +
        `the links of ${r.outbox} unsent mails and ${r.held_mail} held replies re-encrypted.`,
    );
  if (fromEnv)
    out(
      "Now set EMBARGO_SECRET_KEY to the new key and unset EMBARGO_NEW_SECRET_KEY before the next start; keep the old key until no backup needs it.",
    );
  else if (swapped)
    out(
      `The new key is ${files.current}; the previous one is kept in ${files.old} until the next rotation (back up both).`,
    );
  return 0;
}
