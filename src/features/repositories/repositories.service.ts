import { createHash } from "node:crypto";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { badRequest, notFound } from "../../core/errors.ts";
import { zodFieldErrors } from "../../core/field-errors.ts";
import type { DataCipher } from "../../crypto/data-key.ts";
import { judgeSigningKey, type KeyFacts, MAX_ARMORED_KEY_CHARS } from "../../domain/pgp-keys.ts";
import { fetchMirror, GitError, initBare, type UpstreamCredentials } from "../../git/git.ts";
import { writeCommitGraph } from "../../git/history.ts";
import { mirrorDir } from "../../git/store.ts";
import type { JobQueue } from "../../jobs/queue.ts";
import {
  insertRepository,
  listRepositories,
  lockRepository,
  type RepositoryRow,
  repositoryById,
  repositoryByName,
  updateRepository,
} from "./repositories.repo.ts";
import { credentialsSchema, repositorySchema } from "./repositories.schema.ts";
import { REPOSITORY_FETCH, repositoryFetchKey } from "./repositories-queue.jobs.ts";

export interface RepositoriesDeps {
  db: Db;
  clock: Clock;
  cipher: DataCipher;
  jobs: JobQueue;
  /** EMBARGO_GIT_DIR: where the bare mirrors live, on a volume every instance reaches. */
  gitDir: string;
  /** Database.withLock: a PostgreSQL advisory lock, so two instances never write one mirror at once. */
  withLock: <T>(key: number, fn: () => Promise<T>) => Promise<T>;
  /** Reads an armored key with OpenPGP.js (keys' adapter), for the optional release-signing key. */
  inspectKey?: (armored: string, now: Date) => Promise<KeyFacts>;
}

/** What leaves the service: never the sealed credentials, only which kind is stored. */
export type RepositoryView = Omit<RepositoryRow, "credentialsEnc">;

const view = ({ credentialsEnc: _sealed, ...row }: RepositoryRow): RepositoryView => row;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The longest git error kept for the admin page. */
const MAX_ERROR_CHARS = 1000;

/**
 * The advisory lock key of one repository: a number in [1e9, 2e9), apart from the application's fixed
 * 7_316_xxx keys, derived from the id so every instance computes the same one.
 */
export function repositoryLockKey(id: string): number {
  return (
    1_000_000_000 + (createHash("sha256").update(`repository:${id}`).digest().readUInt32BE(0) % 1_000_000_000)
  );
}

/** The team's repositories: registering them, their sealed credentials, and keeping their bare mirrors fetched. */
export function createRepositoriesService(deps: RepositoriesDeps) {
  const { db, clock, cipher, jobs } = deps;
  const mirrorPath = (id: string) => mirrorDir(deps.gitDir, id);

  const byId = async (id: string, dbOrTx: Db = db) => {
    const row = UUID.test(id) ? await repositoryById(dbOrTx, id) : null;
    if (!row) throw notFound("Repository");
    return row;
  };

  /** The fingerprint of an acceptable release-signing key; a 400 naming the field otherwise. */
  const signingKeyFingerprint = async (armored: string): Promise<string> => {
    const now = clock();
    const facts: KeyFacts = deps.inspectKey ? await deps.inspectKey(armored, now) : { kind: "unreadable" };
    const verdict = judgeSigningKey(facts, now);
    if (!verdict.ok)
      throw badRequest("The release-signing key was not accepted.", { releaseSigningKey: verdict.error });
    return verdict.fingerprint;
  };

  return {
    mirrorPath,

    async list(dbOrTx: Db = db): Promise<RepositoryView[]> {
      return (await listRepositories(dbOrTx)).map(view);
    },

    /** Runs fn holding the repository's advisory lock: what writes its mirror or a fix repository borrowing it. */
    withRepositoryLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
      return deps.withLock(repositoryLockKey(id), fn);
    },

    async get(id: string): Promise<RepositoryView> {
      return view(await byId(id));
    },

    /** Whether a repository with this id exists: an asset may name only a registered one. */
    async exists(id: string, dbOrTx: Db = db): Promise<boolean> {
      return UUID.test(id) && (await repositoryById(dbOrTx, id)) !== null;
    },

    /** Registers a repository and queues the first fetch of its mirror, in the transaction of its audit event. */
    async register(actorId: string, input: unknown): Promise<RepositoryView> {
      const parsed = repositorySchema.safeParse(input);
      if (!parsed.success) throw badRequest("Some fields are not valid.", zodFieldErrors(parsed.error));
      const values = parsed.data;
      const signingKey = values.releaseSigningKey
        ? await signingKeyFingerprint(values.releaseSigningKey)
        : null;
      const taken = () =>
        badRequest("A repository with this name is already registered.", {
          name: "A repository with this name is already registered.",
        });
      return transaction(db, async (tx) => {
        if (await repositoryByName(tx, values.name)) throw taken();
        const now = clock();
        // Two registrations of one name at the same moment: the second finds it taken here, not as a 500.
        const row = await insertRepository(tx, { ...values, createdAt: now });
        if (!row) throw taken();
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "repository.registered",
            reportId: null,
            data: {
              repositoryId: row.id,
              name: row.name,
              upstreamUrl: row.upstreamUrl,
              ...(signingKey ? { releaseSigningKey: signingKey } : {}),
            },
          },
          now,
        );
        await jobs.send(
          tx,
          REPOSITORY_FETCH,
          { repositoryId: row.id },
          { singletonKey: repositoryFetchKey(row.id) },
        );
        return view(row);
      });
    },

    /** Stores (sealed under the data key) or removes a private upstream's credentials; they are never shown back. */
    async setCredentials(actorId: string, id: string, input: unknown): Promise<RepositoryView> {
      const parsed = credentialsSchema.safeParse(input);
      if (!parsed.success) throw badRequest("The credentials are not valid.", zodFieldErrors(parsed.error));
      const creds = parsed.data;
      await byId(id);
      return transaction(db, async (tx) => {
        const row = await lockRepository(tx, id);
        if (!row) throw notFound("Repository");
        const kind = creds.kind === "none" ? null : creds.kind;
        const sealed = creds.kind === "none" ? null : cipher.encryptJson(creds);
        await updateRepository(tx, id, { credentialKind: kind, credentialsEnc: sealed });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: kind ? "repository.credentials_set" : "repository.credentials_removed",
            reportId: null,
            data: { repositoryId: id, name: row.name, ...(kind ? { kind } : {}) },
          },
          clock(),
        );
        return view({ ...row, credentialKind: kind, credentialsEnc: sealed });
      });
    },

    /** Sets (or, with an empty text, removes) the public key that signs the repository's release tags. */
    async setReleaseSigningKey(actorId: string, id: string, armored: unknown): Promise<RepositoryView> {
      const text = typeof armored === "string" ? armored.trim() : "";
      if (text.length > MAX_ARMORED_KEY_CHARS)
        throw badRequest("The release-signing key was not accepted.", {
          releaseSigningKey: "This key block is too large.",
        });
      const fingerprint = text === "" ? null : await signingKeyFingerprint(text);
      await byId(id);
      return transaction(db, async (tx) => {
        const row = await lockRepository(tx, id);
        if (!row) throw notFound("Repository");
        await updateRepository(tx, id, { releaseSigningKey: fingerprint ? text : null });
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: fingerprint ? "repository.signing_key_set" : "repository.signing_key_removed",
            reportId: null,
            data: { repositoryId: id, name: row.name, ...(fingerprint ? { fingerprint } : {}) },
          },
          clock(),
        );
        return view({ ...row, releaseSigningKey: fingerprint ? text : null });
      });
    },

    /** Queues a fetch of the mirror now ("Fetch now"); a fetch already waiting is not queued twice. */
    async requestFetch(actorId: string, id: string): Promise<void> {
      const row = await byId(id);
      await transaction(db, async (tx) => {
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "repository.fetch_requested",
            reportId: null,
            data: { repositoryId: id, name: row.name },
          },
          clock(),
        );
        await jobs.send(tx, REPOSITORY_FETCH, { repositoryId: id }, { singletonKey: repositoryFetchKey(id) });
      });
    },

    /**
     * The fetch job's work: creates the bare mirror when missing and fetches the upstream into it, holding the
     * repository's advisory lock, then records the time and the error (null when it worked) with an audit event.
     * A git failure is recorded, not thrown: the admin page shows it and "Fetch now" tries again.
     */
    async fetch(id: string): Promise<{ ok: boolean; error: string | null }> {
      const row = await byId(id);
      const dir = mirrorPath(row.id);
      return deps.withLock(repositoryLockKey(row.id), async () => {
        const startedAt = clock();
        let error: string | null = null;
        try {
          const credentials = row.credentialsEnc
            ? cipher.decryptJson<UpstreamCredentials>(row.credentialsEnc)
            : null;
          await initBare(dir);
          await fetchMirror(dir, row.upstreamUrl, { credentials });
          // Ancestry and patch-id checks on large histories read the commit-graph; without one they still work.
          await writeCommitGraph(dir).catch(() => undefined);
        } catch (e) {
          if (!(e instanceof GitError)) throw e;
          error = e.message.slice(0, MAX_ERROR_CHARS);
        }
        await transaction(db, async (tx) => {
          const now = clock();
          await updateRepository(tx, row.id, {
            lastFetchAttemptAt: startedAt,
            lastFetchError: error,
            ...(error ? {} : { lastFetchedAt: now }),
          });
          await appendAuditEvent(
            tx,
            {
              actorType: "system",
              actorId: null,
              action: error ? "repository.fetch_failed" : "repository.fetched",
              reportId: null,
              data: { repositoryId: row.id, name: row.name, ...(error ? { error } : {}) },
            },
            now,
          );
        });
        return { ok: error === null, error };
      });
    },
  };
}

export type RepositoriesService = ReturnType<typeof createRepositoriesService>;
