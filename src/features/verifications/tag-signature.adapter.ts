/**
 * The tag_signature check: an annotated tag's OpenPGP signature verified with OpenPGP.js against the keys the
 * team trusts to sign releases (the active members' keys and the repository's release-signing key).
 *
 *   signed by a trusted key, valid     pass, naming the signer
 *   signed by a trusted key, invalid   fail: the tag or its signature was altered
 *   signed by a key nobody registered  warn, naming the key id: anyone who can push a tag can also push it
 *                                      unsigned, which is a warning too, so an unknown signature proves no more
 *                                      than none (register the key as the release-signing key to check it)
 *   unsigned, or lightweight           warn
 *   SSH or X.509 signature             warn: not checked
 */

import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import type { VerificationCheck } from "../../db/schema.ts";
import type { TagInfo } from "../../git/history.ts";

/** A key that may sign releases, and whose it is, for the detail ("Ada Lovelace <ada@…>, a team member"). */
export interface TrustedSigningKey {
  armored: string;
  owner: string;
}

const hex = (id: { toHex(): string }) => id.toHex().toUpperCase();

/** When the signature says it was made, if that is not after `now`; otherwise `now` (then verify refuses it). */
function signedAt(signature: { packets: ArrayLike<{ created?: Date | null }> }, now: Date): Date {
  const created = signature.packets[0]?.created;
  return created instanceof Date && created.getTime() <= Date.now() ? created : now;
}

/** Verifies a tag's signature; never throws for what the tag holds, only answers a check. */
export async function checkTagSignature(
  tagName: string,
  tag: TagInfo,
  trusted: readonly TrustedSigningKey[],
  now: Date,
): Promise<VerificationCheck> {
  const check = (result: VerificationCheck["result"], detail: string): VerificationCheck => ({
    kind: "tag_signature",
    subject: tagName,
    result,
    detail,
  });
  if (tag.kind === "lightweight")
    return check(
      "warn",
      `${tagName} is a lightweight tag: it carries no signature, so who made it is unproved`,
    );
  if (tag.signature === null) return check("warn", `${tagName} is not signed, so who made it is unproved`);
  if (tag.signatureFormat !== "pgp")
    return check(
      "warn",
      `${tagName} has an ${tag.signatureFormat?.toUpperCase()} signature, which Embargo does not check`,
    );
  // git hands the tag object over as UTF-8 text; bytes that are not UTF-8 would be changed on the way, and a
  // good signature would then read as bad. Such a tag is reported, not judged.
  if (tag.payload.includes("\uFFFD"))
    return check("warn", `${tagName} holds text that is not UTF-8, so its signature was not checked`);
  const pgp = await loadOpenpgp();
  let signature: Awaited<ReturnType<typeof pgp.readSignature>>;
  try {
    signature = await pgp.readSignature({ armoredSignature: tag.signature });
  } catch {
    return check("fail", `${tagName} carries a signature that cannot be read`);
  }
  const signingIds = signature.getSigningKeyIDs().map(hex);
  const keys: { key: Awaited<ReturnType<typeof pgp.readKey>>; owner: string }[] = [];
  for (const t of trusted) {
    try {
      keys.push({ key: await pgp.readKey({ armoredKey: t.armored }), owner: t.owner });
    } catch {
      // A stored key that no longer reads is not trusted; the others still are.
    }
  }
  const matching = keys.filter(({ key }) => key.getKeyIDs().some((id) => signingIds.includes(hex(id))));
  if (matching.length === 0)
    return check(
      "warn",
      `${tagName} is signed by key ${signingIds.join(", ") || "(no key id)"}, which is neither a team member's key nor the repository's release-signing key, so the signature proves nothing; register that key to have it checked`,
    );
  const { key, owner } = matching[0]!;
  try {
    const result = await pgp.verify({
      message: await pgp.createMessage({ binary: Buffer.from(tag.payload, "utf8") }),
      signature,
      verificationKeys: matching.map((m) => m.key),
      expectSigned: false,
      // Checked as of the signature's own time, as git verifies a tag: a key that expired after the release
      // was signed still proves who signed it. A signature claiming a time after now is not accepted.
      date: signedAt(signature, now),
    });
    await result.signatures[0]?.verified;
    if (!result.signatures[0]) throw new Error("no signature");
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/^Signature verification failed: /, "") : "";
    return check(
      "fail",
      `${tagName} has a bad signature for ${owner}'s key ${key.getFingerprint().toUpperCase()}${why ? ` (${why})` : ""}: the tag or its signature was altered`,
    );
  }
  return check(
    "pass",
    `${tagName} is signed by ${owner} (key ${key.getFingerprint().toUpperCase()})${tag.tagger ? `; tagger ${tag.tagger}` : ""}`,
  );
}
