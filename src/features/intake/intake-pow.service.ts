import { randomBytes } from "node:crypto";
import { createChallenge, extractParams, verifySolution } from "altcha-lib/v1";
import type { Clock } from "../../core/clock.ts";
import type { Db } from "../../core/db.ts";
import { hitRateLimit } from "../../http/rate-limit.repo.ts";
import type { SettingsService } from "../settings/settings.service.ts";

/** Where the challenges' signing secret lives. */
type PowSettings = Pick<SettingsService, "ensureKey">;

/** Enough work to slow a bulk sender, little enough for a phone to solve in about a second. */
const MAX_NUMBER = 50_000;
const CHALLENGE_TTL_MS = 60 * 60 * 1000;

export interface PowChallenge {
  algorithm: string;
  challenge: string;
  salt: string;
  signature: string;
  maxnumber: number;
}

/**
 * The HMAC key for challenges: random, created once and kept in settings, so it is no constant in the code
 * and every instance sharing the database signs and verifies alike.
 */
async function hmacKey(settings: PowSettings): Promise<string> {
  return (await settings.ensureKey("altcha_hmac_key", () => randomBytes(32).toString("hex"))) as string;
}

/** A fresh signed challenge for the report form; it expires after an hour of our clock. */
export async function createPowChallenge(settings: PowSettings, clock: Clock): Promise<PowChallenge> {
  const challenge = await createChallenge({
    hmacKey: await hmacKey(settings),
    maxNumber: MAX_NUMBER,
    expires: new Date(clock().getTime() + CHALLENGE_TTL_MS),
  });
  return {
    algorithm: challenge.algorithm,
    challenge: challenge.challenge,
    salt: challenge.salt,
    signature: challenge.signature,
    maxnumber: challenge.maxnumber ?? MAX_NUMBER,
  };
}

/**
 * Checks a solved payload from the form: signed by us, solved, unexpired by our clock and never used before
 * (its signature is recorded until it expires, so a solution cannot be replayed for many reports).
 */
export async function verifyPowPayload(
  deps: { db: Db; settings: PowSettings; clock: Clock },
  payload: string,
): Promise<boolean> {
  const { db, clock } = deps;
  let decoded: { signature?: unknown; salt?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(payload, "base64").toString("utf8"));
  } catch {
    return false;
  }
  if (typeof decoded?.signature !== "string" || typeof decoded.salt !== "string") return false;
  let ok = false;
  try {
    ok = await verifySolution(payload, await hmacKey(deps.settings), false);
  } catch {
    return false;
  }
  if (!ok) return false;
  const expires = Number(extractParams(payload).expires);
  const now = clock().getTime();
  if (!Number.isFinite(expires) || expires * 1000 < now) return false;
  const uses = await hitRateLimit(db, `pow-used:${decoded.signature}`, new Date(expires * 1000));
  return uses === 1;
}
