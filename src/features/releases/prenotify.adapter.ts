import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import { memberKeyUsability } from "../../domain/member-key.ts";
import { formatFingerprint } from "../../domain/pgp-keys.ts";

/** What a list member's stored key says; the armored block is what the mail is encrypted to. */
export interface ListMemberKey {
  publicKey: string;
  fingerprint: string;
  keyExpiresAt: Date | null;
}

/**
 * Why no pre-notification may be encrypted to this key now (expired, revoked, no encryption subkey, unreadable),
 * or null when it can be used. The stored expiry is checked first (the rule team keys follow), then the key
 * itself at `now`, so a key whose encryption subkey expired or was revoked is caught too.
 */
export async function listKeyProblem(key: ListMemberKey, now: Date): Promise<string | null> {
  // Grouped in fours, as people compare fingerprints, so the reason also wraps on a phone.
  const fingerprint = formatFingerprint(key.fingerprint);
  const stored = memberKeyUsability(
    { fingerprint: key.fingerprint, expiresAt: key.keyExpiresAt?.toISOString() ?? null },
    now,
  );
  if (!stored.usable) return `the OpenPGP key ${fingerprint} ${stored.short.replace(/^OpenPGP key /, "")}`;
  const pgp = await loadOpenpgp();
  let parsed: Awaited<ReturnType<typeof pgp.readKey>>;
  try {
    parsed = await pgp.readKey({ armoredKey: key.publicKey });
  } catch {
    return `the OpenPGP key ${fingerprint} cannot be read`;
  }
  try {
    await parsed.getEncryptionKey(undefined, now);
  } catch {
    const revoked = await parsed.isRevoked(undefined, undefined, now).catch(() => false);
    return revoked
      ? `the OpenPGP key ${fingerprint} is revoked`
      : `the OpenPGP key ${fingerprint} has no encryption key valid now (expired or revoked)`;
  }
  return null;
}
