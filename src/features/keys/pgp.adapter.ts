import type * as openpgp from "openpgp";
import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import { type KeyFacts, MAX_ARMORED_KEY_CHARS } from "../../domain/pgp-keys.ts";

/** Whether a call that must throw on an invalid key succeeded. */
async function succeeds(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch {
    return false;
  }
}

/** Reads one armored key block (public or private) and reports its facts as of `now`; never throws. */
export async function inspectArmoredKey(text: string, now: Date): Promise<KeyFacts> {
  if (typeof text !== "string" || text.trim() === "") return { kind: "empty" };
  if (text.length > MAX_ARMORED_KEY_CHARS) return { kind: "too_large", maxChars: MAX_ARMORED_KEY_CHARS };
  // OpenPGP.js reads only the first armored block; a second one pasted after it must not pass unnoticed.
  const blocks = text.match(/-----BEGIN PGP [A-Z ]+ BLOCK-----/g)?.length ?? 0;
  if (blocks > 1) return { kind: "several", count: blocks };
  const pgp = await loadOpenpgp();
  let keys: openpgp.Key[];
  try {
    keys = await pgp.readKeys({ armoredKeys: text.trim() });
  } catch {
    // A damaged private key block still must not be taken for an ordinary typo: warn about what it is.
    return { kind: "unreadable", looksPrivate: /-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text) };
  }
  if (keys.length === 0) return { kind: "unreadable" };
  if (keys.length > 1) return { kind: "several", count: keys.length };
  return keyFacts(keys[0]!, now);
}

/** The facts of a parsed key at `now`. */
export async function keyFacts(key: openpgp.Key, now: Date): Promise<KeyFacts> {
  const expiration = await key.getExpirationTime().catch(() => null);
  const isPrivate = key.isPrivate();
  return {
    kind: "key",
    isPrivate,
    fingerprint: key.getFingerprint().toUpperCase(),
    userIds: key.getUserIDs(),
    createdAt: key.getCreationTime(),
    expiresAt: expiration instanceof Date ? expiration : null,
    revoked: await key.isRevoked(undefined, undefined, now).catch(() => false),
    primaryValid: await succeeds(() => key.verifyPrimaryKey(now)),
    canEncrypt: await succeeds(() => key.getEncryptionKey(undefined, now)),
    canSign: await succeeds(() => key.getSigningKey(undefined, now)),
    passphraseProtected: isPrivate && !(key as openpgp.PrivateKey).isDecrypted(),
  };
}

/** A new ed25519 (sign, certify) + cv25519 (encrypt) key pair without expiry, dated `now`. */
export async function generateIntakeKey(
  name: string,
  email: string,
  now: Date,
): Promise<{ privateArmored: string; publicArmored: string; fingerprint: string }> {
  const pgp = await loadOpenpgp();
  const { privateKey, publicKey } = await pgp.generateKey({
    type: "ecc",
    curve: "curve25519Legacy",
    userIDs: [{ name, email }],
    date: now,
    format: "object",
  });
  return {
    privateArmored: privateKey.armor(),
    publicArmored: publicKey.armor(),
    fingerprint: privateKey.getFingerprint().toUpperCase(),
  };
}

/** Public armored text from any key block. */
export async function publicArmorOf(armored: string): Promise<string> {
  const pgp = await loadOpenpgp();
  const key = await pgp.readKey({ armoredKey: armored });
  return key.toPublic().armor();
}

/** The binary (non-armored) transferable public key, as the Web Key Directory serves it. */
export async function binaryPublicKey(armored: string): Promise<Uint8Array> {
  const pgp = await loadOpenpgp();
  const key = await pgp.readKey({ armoredKey: armored });
  return key.toPublic().write();
}

export async function readPrivateKey(armored: string): Promise<openpgp.PrivateKey> {
  const pgp = await loadOpenpgp();
  return pgp.readPrivateKey({ armoredKey: armored });
}
