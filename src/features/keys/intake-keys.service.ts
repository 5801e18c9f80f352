import type * as openpgp from "openpgp";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import { decompressionLimit, exceededDecompressionLimit, megabytes } from "../../crypto/openpgp-limits.ts";
import { MAX_REPORT_REQUEST_BYTES } from "../../domain/attachments.ts";
import { judgeIntakeKey, securityAddress } from "../../domain/pgp-keys.ts";
import type { OrgSettings } from "../settings/settings.schema.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import {
  insertIntakeKeysIfAbsent,
  readIntakeKeys,
  readIntakeKeysForUpdate,
  type StoredIntakeKey,
  type StoredIntakeKeys,
  writeIntakeKeys,
} from "./keys.repo.ts";
import { generateIntakeKey, inspectArmoredKey, keyFacts } from "./pgp.adapter.ts";

/** The stable address of the current intake public key; security.txt's Encryption field names it. */
export const INTAKE_KEY_PATH = "/keys/intake.asc";

export interface KeysDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  publicUrl: string;
  /** MAIL_FROM: the security address when the organisation names none. */
  mailFrom?: string | null;
  settings: SettingsService;
  team: TeamService;
}

/** Organisation settings about to be saved, with the new intake key they need (null: keep the current one). */
export interface IntakeIdentityPlan {
  org: OrgSettings;
  address: string;
  next: StoredIntakeKey | null;
}

/** The public view of an intake key: never the private part. */
export function publicIntakeKey(key: StoredIntakeKey) {
  return {
    fingerprint: key.fingerprint,
    publicArmored: key.publicArmored,
    userIds: key.userIds,
    createdAt: key.createdAt,
    source: key.source,
    retiredAt: key.retiredAt ?? null,
  };
}
export type PublicIntakeKey = ReturnType<typeof publicIntakeKey>;

/** Whether the unlocked key can really decrypt and sign (its secret parts are present, not stubs). */
async function usableSecrets(key: openpgp.PrivateKey, now: Date): Promise<boolean> {
  try {
    const enc = await key.getEncryptionKey(undefined, now);
    const sig = await key.getSigningKey(undefined, now);
    const present = (k: unknown) => {
      const packet = (k as { keyPacket?: { isDummy?: () => boolean; isDecrypted?: () => boolean | null } })
        .keyPacket;
      return !packet?.isDummy?.() && packet?.isDecrypted?.() !== false;
    };
    return present(enc) && present(sig);
  } catch {
    return false;
  }
}

/**
 * The intake key pair: made on first start, rotated or imported by admins, kept after retirement so old mail
 * still decrypts. It decrypts what researchers send and signs what Embargo publishes and mails.
 */
export function createIntakeKeysService(deps: KeysDeps) {
  const { db, clock, cipher, publicUrl } = deps;
  let creating: Promise<StoredIntakeKeys> | null = null;

  /** The name and address a generated intake key carries for these organisation settings. */
  function identityOf(org: Pick<OrgSettings, "name" | "securityEmail">) {
    return {
      name: `${org.name} security`,
      email: securityAddress(org.securityEmail, publicUrl, deps.mailFrom),
    };
  }

  async function intakeIdentity(tx: Db) {
    return identityOf(await deps.settings.org(tx));
  }

  async function newGeneratedKey(tx: Db, now: Date): Promise<StoredIntakeKey> {
    return generatedKeyFor(await intakeIdentity(tx), now);
  }

  async function generatedKeyFor(
    identity: { name: string; email: string },
    now: Date,
  ): Promise<StoredIntakeKey> {
    const { name, email } = identity;
    const pair = await generateIntakeKey(name, email, now);
    return {
      fingerprint: pair.fingerprint,
      publicArmored: pair.publicArmored,
      privateEnc: cipher.encrypt(pair.privateArmored),
      userIds: [`${name} <${email}>`],
      createdAt: now.toISOString(),
      source: "generated",
    };
  }

  /** Creates the intake key on first start. Two processes may race: the insert keeps the first, the other reads it. */
  async function createIntakeKeysOnce(): Promise<StoredIntakeKeys> {
    const existing = await readIntakeKeys(db);
    if (existing) return existing;
    const now = clock();
    const fresh: StoredIntakeKeys = { current: await newGeneratedKey(db, now), previous: [] };
    await transaction(db, async (tx) => {
      if (!(await insertIntakeKeysIfAbsent(tx, fresh))) return;
      await appendAuditEvent(
        tx,
        {
          actorType: "system",
          actorId: null,
          action: "keys.intake_created",
          reportId: null,
          data: { fingerprint: fresh.current.fingerprint, userIds: fresh.current.userIds },
        },
        now,
      );
    });
    const stored = await readIntakeKeys(db);
    if (!stored) throw new Error("The intake key could not be stored.");
    return stored;
  }

  /** The intake keys, created on first use; one in-flight creation per process. */
  async function intakeKeys(): Promise<StoredIntakeKeys> {
    const existing = await readIntakeKeys(db);
    if (existing) return existing;
    creating ??= createIntakeKeysOnce().finally(() => {
      creating = null;
    });
    return creating;
  }

  async function privateKeyOf(key: StoredIntakeKey): Promise<openpgp.PrivateKey> {
    const pgp = await loadOpenpgp();
    return pgp.readPrivateKey({ armoredKey: cipher.decryptText(key.privateEnc) });
  }

  /** Replaces the current intake key inside the caller's transaction, locked; the old one is kept for decryption. */
  async function replaceIn(
    tx: Tx,
    actorId: string,
    next: StoredIntakeKey,
    action: string,
    why: Record<string, unknown> = {},
  ) {
    const now = clock();
    const stored = await readIntakeKeysForUpdate(tx);
    if (!stored) throw new Error("The intake key vanished during the change.");
    const retired = { ...stored.current, retiredAt: now.toISOString() };
    const previous = [retired, ...stored.previous].filter((k) => k.fingerprint !== next.fingerprint);
    const value: StoredIntakeKeys = { current: next, previous };
    await writeIntakeKeys(tx, value);
    await appendAuditEvent(
      tx,
      {
        actorType: "user",
        actorId,
        action,
        reportId: null,
        data: { fingerprint: next.fingerprint, previousFingerprint: stored.current.fingerprint, ...why },
      },
      now,
    );
    return value;
  }

  /** Replaces the current intake key in one locked transaction; the old one is kept for decryption. */
  async function replaceIntakeKey(actorId: string, next: StoredIntakeKey, action: string) {
    await intakeKeys();
    return transaction(db, (tx) => replaceIn(tx, actorId, next, action));
  }

  /**
   * What saving these organisation settings does to the intake key: with `rekey`, a new key is generated now
   * (outside any transaction: it takes a moment) when the current key does not carry the new name and address.
   * An imported key is never replaced this way; its owner imports a new one.
   */
  async function planIntakeIdentity(input: unknown, rekey: boolean): Promise<IntakeIdentityPlan> {
    const org = deps.settings.parseOrg(input);
    const identity = identityOf(org);
    const { current } = await intakeKeys();
    const matches = current.userIds.includes(`${identity.name} <${identity.email}>`);
    const next =
      rekey && !matches && current.source === "generated" ? await generatedKeyFor(identity, clock()) : null;
    return { org, address: identity.email, next };
  }

  /** Saves the settings and, when the plan made one, switches to the new key: one transaction, both or neither. */
  async function applyIntakeIdentityIn(tx: Tx, actorId: string, plan: IntakeIdentityPlan) {
    await deps.settings.updateOrgIn(tx, actorId, plan.org);
    if (plan.next) {
      await replaceIn(tx, actorId, plan.next, "keys.intake_rotated", {
        reason: "security_address",
        address: plan.address,
      });
    }
    return { org: plan.org, rekeyed: plan.next !== null };
  }

  /** Every intake private key, current first: old keys keep decrypting mail sent to them. */
  async function decryptionKeys(): Promise<openpgp.PrivateKey[]> {
    const keys = await intakeKeys();
    return Promise.all([keys.current, ...keys.previous].map(privateKeyOf));
  }

  return {
    intakeKeys,
    /** Runs at start so the key exists before anyone asks for security.txt. */
    ensureIntakeKey: () => intakeKeys().then(() => undefined),

    async intakeAddress(): Promise<string> {
      return (await intakeIdentity(db)).email;
    },

    /** The current key and the retired ones, public parts only. */
    async intakeOverview() {
      const keys = await intakeKeys();
      return {
        current: publicIntakeKey(keys.current),
        previous: keys.previous.map(publicIntakeKey),
        address: (await intakeIdentity(db)).email,
      };
    },

    planIntakeIdentity,
    applyIntakeIdentityIn,

    /**
     * Saves the organisation settings and, with `rekey`, makes a new intake key for a changed name or security
     * address in the same transaction. Returns whether the key was replaced.
     */
    async saveOrgSettings(actorId: string, input: unknown, rekey: boolean) {
      const plan = await planIntakeIdentity(input, rekey);
      return transaction(db, (tx) => applyIntakeIdentityIn(tx, actorId, plan));
    },

    /** Whether the current key names the address and was made here (so a new one can replace it in one step). */
    async intakeKeyFacts() {
      const { current } = await intakeKeys();
      return { userIds: current.userIds, source: current.source, fingerprint: current.fingerprint };
    },

    /** Generates a new intake key; the old one moves to the retired list and still decrypts. */
    async rotateIntakeKey(actorId: string) {
      const next = await newGeneratedKey(db, clock());
      return replaceIntakeKey(actorId, next, "keys.intake_rotated");
    },

    /**
     * Imports an existing private key as the intake key. A passphrase-protected key is unlocked here and
     * stored unprotected under the data key, so the server can decrypt without a person typing it.
     */
    async importIntakeKey(actorId: string, armored: string, passphrase: string) {
      const now = clock();
      const text = typeof armored === "string" ? armored.trim() : "";
      const facts = await inspectArmoredKey(text, now);
      const verdict = judgeIntakeKey(facts, now);
      if (!verdict.ok) throw badRequest("The key was not imported.", { key: verdict.error });
      const pgp = await loadOpenpgp();
      let key = await pgp.readPrivateKey({ armoredKey: text });
      if (!key.isDecrypted()) {
        if (!passphrase) {
          throw badRequest("The key is protected by a passphrase.", {
            passphrase: "This key is protected by a passphrase: enter it to import the key.",
          });
        }
        try {
          key = await pgp.decryptKey({ privateKey: key, passphrase });
        } catch {
          throw badRequest("The passphrase is wrong.", {
            passphrase: "This passphrase does not unlock the key. Check it and try again.",
          });
        }
      }
      // Checked again unlocked: a key whose secret parts are stubs (exported from a smartcard) cannot decrypt.
      const unlocked = judgeIntakeKey(await keyFacts(key, now), now);
      if (!unlocked.ok) throw badRequest("The key was not imported.", { key: unlocked.error });
      if (!(await usableSecrets(key, now))) {
        throw badRequest("The key was not imported.", {
          key: "This key's secret encryption or signing parts are missing (a smartcard stub?). Export the full private key.",
        });
      }
      const next: StoredIntakeKey = {
        fingerprint: verdict.fingerprint,
        publicArmored: key.toPublic().armor(),
        privateEnc: cipher.encrypt(key.armor()),
        userIds: verdict.userIds,
        createdAt: now.toISOString(),
        source: "imported",
      };
      return replaceIntakeKey(actorId, next, "keys.intake_imported");
    },

    /** Every intake private key, current first: old keys keep decrypting mail sent to them. */
    decryptionKeys,

    /** OpenPGP cleartext signature by the current intake key, dated by our clock. */
    async signCleartext(text: string): Promise<string> {
      const keys = await intakeKeys();
      const pgp = await loadOpenpgp();
      const message = await pgp.createCleartextMessage({ text });
      const signed = await pgp.sign({
        message,
        signingKeys: await privateKeyOf(keys.current),
        date: clock(),
      });
      // Same line endings as the unsigned file; the signature covers the text in canonical CRLF form either way.
      return signed.replace(/\r\n/g, "\n");
    },

    /**
     * A detached, armored OpenPGP signature by the current intake key over these exact bytes (a published
     * document's .asc), dated by our clock.
     */
    async signDetached(bytes: Uint8Array): Promise<string> {
      const keys = await intakeKeys();
      const pgp = await loadOpenpgp();
      const message = await pgp.createMessage({ binary: bytes });
      return pgp.sign({
        message,
        signingKeys: await privateKeyOf(keys.current),
        detached: true,
        date: clock(),
      });
    },

    /**
     * Decrypts an armored message sent to the intake key (current or retired). A clear 400 says whether the
     * text was not a message at all or was not encrypted to us, so a client knows what to fix.
     */
    async decryptToIntake(armored: unknown): Promise<string> {
      if (typeof armored !== "string" || !armored.includes("-----BEGIN PGP MESSAGE-----")) {
        throw new AppError(
          "invalid_encrypted",
          400,
          "'encrypted' must be an ASCII-armored OpenPGP message (-----BEGIN PGP MESSAGE----- … -----END PGP MESSAGE-----).",
        );
      }
      const pgp = await loadOpenpgp();
      let message: openpgp.Message<string>;
      try {
        message = await pgp.readMessage({ armoredMessage: armored });
      } catch {
        throw new AppError(
          "invalid_encrypted",
          400,
          "'encrypted' is not a readable OpenPGP message: its armor or packets are damaged.",
        );
      }
      const keys = await intakeKeys();
      try {
        const { data } = await pgp.decrypt({
          message,
          decryptionKeys: await decryptionKeys(),
          format: "utf8",
          config: decompressionLimit(MAX_REPORT_REQUEST_BYTES),
        });
        return data as string;
      } catch (error) {
        if (exceededDecompressionLimit(error)) {
          throw new AppError(
            "encrypted_too_large",
            400,
            `The encrypted report unpacks to more than ${megabytes(MAX_REPORT_REQUEST_BYTES)}, the most a plain report may be; nothing was stored. Attach at most 25 MB of files.`,
          );
        }
        throw new AppError(
          "undecryptable",
          400,
          `The message could not be decrypted with our intake key. Encrypt it to ${publicUrl}${INTAKE_KEY_PATH} (fingerprint ${keys.current.fingerprint}).`,
        );
      }
    },
  };
}
