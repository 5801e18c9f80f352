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

export function createDataCipher(key: Buffer): DataCipher {
  if (key.length !== 32) throw new Error("The data key must be 32 bytes");
  const keyId = createHash("sha256").update(key).digest("hex").slice(0, 12);
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
    if (id !== keyId)
      throw new Error(`Ciphertext was made with data key ${id}, not the current key ${keyId}`);
    const raw = Buffer.from(payload, "base64");
    const decipher = createDecipheriv(ALG, key, raw.subarray(0, IV_LEN));
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
