import * as openpgp from "openpgp";
import type { CurrentUser } from "../../core/actors.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { AppError, badRequest, forbidden, notFound } from "../../core/errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { can } from "../../domain/permissions.ts";
import {
  judgeIntakeKey,
  judgePublicKey,
  type KeyVerdict,
  normalizeFingerprint,
  securityAddress,
  splitAddress,
  wkdHash,
} from "../../domain/pgp-keys.ts";
import { appendAuditEvent } from "../audit/audit.repo.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { TeamService } from "../team/team.service.ts";
import {
  deleteMemberKey,
  insertIntakeKeysIfAbsent,
  listMemberKeys,
  readIntakeKeys,
  readIntakeKeysForUpdate,
  readMemberKey,
  readReporterKey,
  type StoredIntakeKey,
  type StoredIntakeKeys,
  type StoredMemberKey,
  writeIntakeKeys,
  writeMemberKey,
  writeReporterKey,
} from "./keys.repo.ts";
import { binaryPublicKey, generateIntakeKey, inspectArmoredKey, keyFacts } from "./pgp.ts";

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

/**
 * Why a member may not be given reports for want of a key, or null when their uploaded key is usable now.
 * Assignment rules call it: encrypted team notifications need every Response Manager to hold a valid key.
 */
async function memberKeyProblem(db: Db, userId: string, now: Date = new Date()): Promise<string | null> {
  const stored = await readMemberKey(db, userId);
  if (!stored) return "No OpenPGP public key uploaded yet; upload one on the “My key” page.";
  if (stored.expiresAt && Date.parse(stored.expiresAt) <= now.getTime())
    return `The OpenPGP key ${stored.fingerprint} expired on ${stored.expiresAt.slice(0, 10)}; upload a current one.`;
  return null;
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

export type { StoredMemberKey };

export function createKeysService(deps: KeysDeps) {
  const { db, clock, cipher, publicUrl } = deps;
  let creating: Promise<StoredIntakeKeys> | null = null;

  async function intakeIdentity(tx: Db) {
    const org = await deps.settings.org(tx);
    return {
      name: `${org.name} security`,
      email: securityAddress(org.securityEmail, publicUrl, deps.mailFrom),
    };
  }

  async function newGeneratedKey(tx: Db, now: Date): Promise<StoredIntakeKey> {
    const { name, email } = await intakeIdentity(tx);
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
    return openpgp.readPrivateKey({ armoredKey: cipher.decryptText(key.privateEnc) });
  }

  /** Replaces the current intake key in one locked transaction; the old one is kept for decryption. */
  async function replaceIntakeKey(actorId: string, next: StoredIntakeKey, action: string) {
    await intakeKeys();
    return transaction(db, async (tx) => {
      const now = clock();
      const stored = await readIntakeKeysForUpdate(tx);
      if (!stored) throw new Error("The intake key vanished during the change.");
      const retired = { ...stored.current, retiredAt: now.toISOString() };
      const previous = [retired, ...stored.previous.filter((k) => k.fingerprint !== next.fingerprint)].filter(
        (k) => k.fingerprint !== next.fingerprint,
      );
      const value: StoredIntakeKeys = { current: next, previous };
      await writeIntakeKeys(tx, value);
      await appendAuditEvent(
        tx,
        {
          actorType: "user",
          actorId,
          action,
          reportId: null,
          data: { fingerprint: next.fingerprint, previousFingerprint: stored.current.fingerprint },
        },
        now,
      );
      return value;
    });
  }

  function mayManageKeyOf(actor: CurrentUser, userId: string): boolean {
    return actor.id === userId || can(actor.role, "team.manage");
  }

  return {
    intakeKeys,
    /** Why a member cannot be a Response Manager for want of a usable key, or null; reads in the caller's transaction. */
    memberKeyProblemIn: (tx: Db, userId: string, now: Date) => memberKeyProblem(tx, userId, now),
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
      let key = await openpgp.readPrivateKey({ armoredKey: text });
      if (!key.isDecrypted()) {
        if (!passphrase) {
          throw badRequest("The key is protected by a passphrase.", {
            passphrase: "This key is protected by a passphrase: enter it to import the key.",
          });
        }
        try {
          key = await openpgp.decryptKey({ privateKey: key, passphrase });
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
    async decryptionKeys(): Promise<openpgp.PrivateKey[]> {
      const keys = await intakeKeys();
      return Promise.all([keys.current, ...keys.previous].map(privateKeyOf));
    },

    /** OpenPGP cleartext signature by the current intake key, dated by our clock. */
    async signCleartext(text: string): Promise<string> {
      const keys = await intakeKeys();
      const message = await openpgp.createCleartextMessage({ text });
      const signed = await openpgp.sign({
        message,
        signingKeys: await privateKeyOf(keys.current),
        date: clock(),
      });
      // Same line endings as the unsigned file; the signature covers the text in canonical CRLF form either way.
      return signed.replace(/\r\n/g, "\n");
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
      let message: openpgp.Message<string>;
      try {
        message = await openpgp.readMessage({ armoredMessage: armored });
      } catch {
        throw new AppError(
          "invalid_encrypted",
          400,
          "'encrypted' is not a readable OpenPGP message: its armor or packets are damaged.",
        );
      }
      const keys = await intakeKeys();
      try {
        const { data } = await openpgp.decrypt({
          message,
          decryptionKeys: await this.decryptionKeys(),
          format: "utf8",
        });
        return data as string;
      } catch {
        throw new AppError(
          "undecryptable",
          400,
          `The message could not be decrypted with our intake key. Encrypt it to ${publicUrl}${INTAKE_KEY_PATH} (fingerprint ${keys.current.fingerprint}).`,
        );
      }
    },

    memberKey: (userId: string, tx: Db = db) => readMemberKey(tx, userId),
    /** Every member's stored key, by member id. */
    memberKeys: (tx: Db = db) => listMemberKeys(tx),
    /** Fingerprints by user id, for the team page. */
    async memberFingerprints(): Promise<Map<string, string>> {
      const keys = await listMemberKeys(db);
      return new Map([...keys].map(([id, k]) => [id, k.fingerprint]));
    },
    memberKeyProblem: (userId: string) => memberKeyProblem(db, userId, clock()),

    /** Checks and stores a member's public key; the member themself or an admin may. Warnings do not block. */
    async uploadMemberKey(actor: CurrentUser, userId: string, armored: unknown) {
      if (!mayManageKeyOf(actor, userId)) throw forbidden("Only admins can change another member's key.");
      const user = await deps.team.byId(userId);
      if (!user) throw notFound("Team member");
      const now = clock();
      const text = typeof armored === "string" ? armored.trim() : "";
      const verdict = judgePublicKey(await inspectArmoredKey(text, now), user.email, now);
      if (!verdict.ok) throw badRequest("The key was not saved.", { key: verdict.error });
      const stored: StoredMemberKey = {
        armored: await publicArmor(text),
        fingerprint: verdict.fingerprint,
        userIds: verdict.userIds,
        expiresAt: verdict.expiresAt?.toISOString() ?? null,
        uploadedAt: now.toISOString(),
        uploadedBy: actor.id,
      };
      await transaction(db, async (tx) => {
        const before = await readMemberKey(tx, userId);
        await writeMemberKey(tx, userId, stored);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "keys.member_key_uploaded",
            reportId: null,
            data: {
              userId,
              fingerprint: stored.fingerprint,
              previousFingerprint: before?.fingerprint ?? null,
              warnings: verdict.warnings,
            },
          },
          now,
        );
      });
      return { key: stored, warnings: verdict.warnings };
    },

    /** Removes a member's key (lost or compromised); they cannot be assigned until they upload another. */
    async removeMemberKey(actor: CurrentUser, userId: string) {
      if (!mayManageKeyOf(actor, userId)) throw forbidden("Only admins can change another member's key.");
      await transaction(db, async (tx) => {
        const before = await readMemberKey(tx, userId);
        if (!before) return;
        const now = clock();
        await deleteMemberKey(tx, userId);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: actor.id,
            action: "keys.member_key_removed",
            reportId: null,
            data: { userId, fingerprint: before.fingerprint },
          },
          now,
        );
      });
    },

    /** What /keys publishes: the intake key, retired intake keys and active members' keys (names, no addresses). */
    async published() {
      const [overview, users, memberKeys] = await Promise.all([
        this.intakeOverview(),
        deps.team.list(),
        listMemberKeys(db),
      ]);
      const members = users
        .filter((u) => u.active && memberKeys.has(u.id))
        .map((u) => {
          const k = memberKeys.get(u.id)!;
          return { name: u.name, fingerprint: k.fingerprint, expiresAt: k.expiresAt };
        });
      return { ...overview, members };
    },

    /** The armored public key with this fingerprint, if we publish it; anything malformed is simply unknown. */
    async armoredByFingerprint(raw: string): Promise<string | null> {
      const fingerprint = normalizeFingerprint(raw);
      if (!fingerprint) return null;
      const keys = await intakeKeys();
      const intake = [keys.current, ...keys.previous].find((k) => k.fingerprint === fingerprint);
      if (intake) return intake.publicArmored;
      const [users, memberKeys] = await Promise.all([deps.team.list(), listMemberKeys(db)]);
      for (const u of users) {
        const k = memberKeys.get(u.id);
        if (u.active && k?.fingerprint === fingerprint) return k.armored;
      }
      return null;
    },

    /** The Web Key Directory direct method: the binary intake key when the hash is the security address's. */
    async wkdKey(hash: string): Promise<Uint8Array | null> {
      const address = splitAddress((await intakeIdentity(db)).email);
      if (!address || hash !== wkdHash(address.local)) return null;
      return binaryPublicKey((await intakeKeys()).current.publicArmored);
    },

    /** A reporter's key, checked like a team member's against the email they gave. */
    async checkReporterKey(
      armored: unknown,
      email: string | null,
    ): Promise<KeyVerdict & { armored?: string }> {
      if (typeof armored !== "string")
        return { ok: false, error: "pgpKey must be an ASCII-armored public key." };
      const text = armored.trim();
      const now = clock();
      const verdict = judgePublicKey(await inspectArmoredKey(text, now), email, now);
      return verdict.ok ? { ...verdict, armored: await publicArmor(text) } : verdict;
    },

    /** Stores a reporter's checked key inside the submission's transaction, with its audit event. */
    async saveReporterKey(
      tx: Tx,
      created: { reportId: string; reporterId: string; now: Date },
      verdict: Extract<KeyVerdict, { ok: true }> & { armored?: string },
    ) {
      await writeReporterKey(tx, created.reporterId, {
        armored: verdict.armored ?? "",
        fingerprint: verdict.fingerprint,
        userIds: verdict.userIds,
        expiresAt: verdict.expiresAt?.toISOString() ?? null,
      });
      await appendAuditEvent(
        tx,
        {
          actorType: "reporter",
          actorId: created.reporterId,
          action: "report.reporter_key_added",
          reportId: created.reportId,
          data: { fingerprint: verdict.fingerprint },
        },
        created.now,
      );
    },

    /** The key a reporter gave, if any: mail to them is encrypted to it. */
    reporterKey: (reporterId: string, tx: Db = db) => readReporterKey(tx, reporterId),
  };
}

/** Only the public part of an uploaded block is kept, even if it carried more. */
async function publicArmor(text: string): Promise<string> {
  const key = await openpgp.readKey({ armoredKey: text });
  return key.toPublic().armor();
}

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

export type KeysService = ReturnType<typeof createKeysService>;
