import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { decodeSecretKey } from "../config.ts";

const ALG = "aes-256-gcm";
const IV_LEN = 12;
const TAG_LEN = 16;

/** Encrypts report text and attachments at rest; the key id in each envelope lets a later rotation find old data. */
export interface DataCipher {
  keyId: string;
  encrypt(plain: Buffer | string): string;
  decrypt(envelope: string): Buffer;
  encryptJson(value: unknown): string;
  decryptJson<T>(envelope: string): T;
  decryptText(envelope: string): string;
  /** A separate 32-byte key for one purpose (HKDF-SHA256 with the label as info); never stored, re-derived at start. */
  deriveKey(label: string): Buffer;
}

/** The id written into every envelope: the first 12 hex digits of the key's SHA-256. */
export function dataKeyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

/** The key id an envelope names, or null when it is not a v1 envelope. */
export function envelopeKeyId(envelope: string): string | null {
  const [version, id, payload] = envelope.split(".");
  return version === "v1" && id && payload ? id : null;
}

/**
 * Encrypts with `key`; decrypts with whichever loaded key the envelope names, so rows sealed under a previous key
 * stay readable while a rotation is in progress or was interrupted.
 */
export function createDataCipher(key: Buffer, previous: readonly Buffer[] = []): DataCipher {
  if (key.length !== 32) throw new Error("The data key must be 32 bytes");
  const keyId = dataKeyId(key);
  const keys = new Map<string, Buffer>();
  for (const old of previous) {
    if (old.length !== 32) throw new Error("The data key must be 32 bytes");
    keys.set(dataKeyId(old), old);
  }
  keys.set(keyId, key);
  const encrypt = (plain: Buffer | string) => {
    const iv = randomBytes(IV_LEN);
    const cipher = createCipheriv(ALG, key, iv);
    const ct = Buffer.concat([
      cipher.update(typeof plain === "string" ? Buffer.from(plain, "utf8") : plain),
      cipher.final(),
    ]);
    return `v1.${keyId}.${Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64")}`;
  };
  const decrypt = (envelope: string) => {
    const [version, id, payload] = envelope.split(".");
    if (version !== "v1" || !payload) throw new Error("Unknown ciphertext format");
    const usable = id ? keys.get(id) : undefined;
    if (!usable)
      throw new Error(
        `Ciphertext was made with data key ${id}, which is not loaded (the current key is ${keyId})`,
      );
    const raw = Buffer.from(payload, "base64");
    const decipher = createDecipheriv(ALG, usable, raw.subarray(0, IV_LEN));
    decipher.setAuthTag(raw.subarray(IV_LEN, IV_LEN + TAG_LEN));
    return Buffer.concat([decipher.update(raw.subarray(IV_LEN + TAG_LEN)), decipher.final()]);
  };
  return {
    keyId,
    encrypt,
    decrypt,
    encryptJson: (value) => encrypt(JSON.stringify(value)),
    decryptJson: <T>(envelope: string) => JSON.parse(decrypt(envelope).toString("utf8")) as T,
    decryptText: (envelope) => decrypt(envelope).toString("utf8"),
    deriveKey: (label) => Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `embargo:${label}`, 32)),
  };
}

/**
 * The key comes from EMBARGO_SECRET_KEY, or from a key file created (mode 0600) in the data dir on first start,
 * so an install works with no setup and an operator can move the key out of the data dir later.
 */
export function loadDataKey(
  secret: string | undefined,
  dataDir: string,
): { key: Buffer; source: "env" | "file" | "new-file"; file?: string } {
  if (secret) {
    const key = decodeSecretKey(secret);
    if (!key) throw new Error("EMBARGO_SECRET_KEY must be 32 bytes as hex or base64");
    return { key, source: "env" };
  }
  const file = path.join(dataDir, "secret.key");
  if (fs.existsSync(file)) {
    const key = decodeSecretKey(fs.readFileSync(file, "utf8"));
    if (!key) throw new Error(`The key file ${file} is damaged: it must hold 32 bytes as base64`);
    return { key, source: "file", file };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  fs.writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  return { key, source: "new-file", file };
}

/** The key files in the data dir: the current key, the next one while a rotation runs, the one it replaced. */
export function keyFiles(dataDir: string): { current: string; next: string; old: string } {
  const current = path.join(dataDir, "secret.key");
  return { current, next: `${current}.new`, old: `${current}.old` };
}

function readKeyFile(file: string): Buffer | null {
  if (!fs.existsSync(file)) return null;
  const key = decodeSecretKey(fs.readFileSync(file, "utf8"));
  if (!key) throw new Error(`The key file ${file} is damaged: it must hold 32 bytes as base64`);
  return key;
}

export interface LoadedDataKeys {
  /** The key new data is sealed with. */
  key: Buffer;
  /** Keys that may still seal some rows: the pre-rotation key while a rotation is unfinished, and the last one. */
  previous: Buffer[];
  source: "env" | "file" | "new-file";
  file?: string;
  /** True while a rotation has started and not swapped its key files (or its variables) yet. */
  rotating: boolean;
}

/**
 * Every data key that may seal a row. With EMBARGO_SECRET_KEY, EMBARGO_NEW_SECRET_KEY (set while rotating) becomes
 * the current key and the old one stays for reading. With key files, `secret.key.new` (written by a rotation
 * before it touches any row) becomes the current key, and `secret.key` and `secret.key.old` stay for reading.
 */
export function loadDataKeys(
  secrets: { secret?: string | undefined; newSecret?: string | undefined },
  dataDir: string,
): LoadedDataKeys {
  if (secrets.secret) {
    const key = decodeSecretKey(secrets.secret);
    if (!key) throw new Error("EMBARGO_SECRET_KEY must be 32 bytes as hex or base64");
    if (secrets.newSecret) {
      const next = decodeSecretKey(secrets.newSecret);
      if (!next) throw new Error("EMBARGO_NEW_SECRET_KEY must be 32 bytes as hex or base64");
      if (!next.equals(key)) return { key: next, previous: [key], source: "env", rotating: true };
    }
    return { key, previous: [], source: "env", rotating: false };
  }
  const files = keyFiles(dataDir);
  const current = readKeyFile(files.current);
  const next = readKeyFile(files.next);
  const old = readKeyFile(files.old);
  if (next) {
    const previous = [current, old].filter((k): k is Buffer => k !== null && !k.equals(next));
    return { key: next, previous, source: "file", file: files.next, rotating: true };
  }
  if (current) {
    const previous = old && !old.equals(current) ? [old] : [];
    return { key: current, previous, source: "file", file: files.current, rotating: false };
  }
  if (old)
    throw new Error(
      `The key file ${files.current} is missing but ${files.old} exists: restore ${files.current} from a backup`,
    );
  const created = loadDataKey(undefined, dataDir);
  return { key: created.key, previous: [], source: created.source, file: created.file, rotating: false };
}
