import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { CurrentUser } from "../../core/actors.ts";
import { type Db, type Tx, transaction } from "../../core/db.ts";
import { badRequest, forbidden, notFound } from "../../core/errors.ts";
import { loadOpenpgp } from "../../crypto/openpgp.loader.ts";
import { memberKeyUsability } from "../../domain/member-key.ts";
import { can } from "../../domain/permissions.ts";
import {
  judgePublicKey,
  type KeyVerdict,
  normalizeFingerprint,
  splitAddress,
  wkdHash,
} from "../../domain/pgp-keys.ts";
import {
  createIntakeKeysService,
  INTAKE_KEY_PATH,
  type IntakeIdentityPlan,
  type KeysDeps,
  type PublicIntakeKey,
  publicIntakeKey,
} from "./intake-keys.service.ts";

export { INTAKE_KEY_PATH, type IntakeIdentityPlan, type KeysDeps, type PublicIntakeKey, publicIntakeKey };

import {
  deleteMemberKey,
  listMemberKeys,
  readMemberKey,
  readReporterKey,
  type StoredMemberKey,
  writeMemberKey,
  writeReporterKey,
} from "./keys.repo.ts";
import { binaryPublicKey, inspectArmoredKey } from "./pgp.adapter.ts";

/**
 * Why a member may not be given reports for want of a key, or null when their uploaded key is usable now.
 * Assignment rules call it: encrypted team notifications need every Response Manager to hold a valid key.
 */
async function memberKeyProblem(db: Db, userId: string, now: Date): Promise<string | null> {
  const verdict = memberKeyUsability(await readMemberKey(db, userId), now);
  return verdict.usable ? null : verdict.sentence;
}

export type { StoredMemberKey };

export function createKeysService(deps: KeysDeps) {
  const { db, clock } = deps;
  function mayManageKeyOf(actor: CurrentUser, userId: string): boolean {
    return actor.id === userId || can(actor.role, "team.manage");
  }

  const intake = createIntakeKeysService(deps);
  return {
    ...intake,
    /** Why a member cannot be a Response Manager for want of a usable key, or null; reads in the caller's transaction. */
    memberKeyProblemIn: (tx: Db, userId: string, now: Date) => memberKeyProblem(tx, userId, now),
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
      const keys = await intake.intakeKeys();
      const ours = [keys.current, ...keys.previous].find((k) => k.fingerprint === fingerprint);
      if (ours) return ours.publicArmored;
      const [users, memberKeys] = await Promise.all([deps.team.list(), listMemberKeys(db)]);
      for (const u of users) {
        const k = memberKeys.get(u.id);
        if (u.active && k?.fingerprint === fingerprint) return k.armored;
      }
      return null;
    },

    /** The Web Key Directory direct method: the binary intake key when the hash is the security address's. */
    async wkdKey(hash: string): Promise<Uint8Array | null> {
      const address = splitAddress(await intake.intakeAddress());
      if (!address || hash !== wkdHash(address.local)) return null;
      return binaryPublicKey((await intake.intakeKeys()).current.publicArmored);
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
  const pgp = await loadOpenpgp();
  const key = await pgp.readKey({ armoredKey: text });
  return key.toPublic().armor();
}

export type KeysService = ReturnType<typeof createKeysService>;
