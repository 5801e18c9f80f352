import { and, eq, gt, isNull } from "drizzle-orm";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { AppError, badRequest, notFound } from "../../core/errors.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../../crypto/password.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { apiTokens, oneTimeTokens, sessions, users } from "../../db/schema.ts";
import { LOGIN_THROTTLE, loginWaitSeconds, throttledUntil } from "../../domain/login-throttle.ts";
import type { IntakeIdentityPlan, KeysService } from "../keys/keys.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import type { InvitesService } from "../team/invites.service.ts";
import type { TeamService, UserRow } from "../team/team.service.ts";
import {
  deleteFailures,
  deleteFailuresBefore,
  failureCounts,
  failureGroups,
  insertFailure,
} from "./login-throttle.repo.ts";

const SESSION_HOURS = 12;
const SETUP_HOURS = 24;
/** lastUsedAt is written at most this often per token, so every API call is not a write. */
const LAST_USED_EVERY_MS = 60_000;

export interface SessionInfo {
  user: UserRow;
  csrfToken: string;
}

/** One source's recent failures against one account, as the admin page lists them. */
export interface LoginThrottleRow {
  email: string;
  ip: string;
  failures: number;
  sourceFailures: number;
  last: Date;
  /** When this source may try this account again; null when it may now. */
  until: Date | null;
}

const unauthorizedToken = (message: string) =>
  new AppError("unauthenticated", 401, message, undefined, {
    "WWW-Authenticate": 'Bearer realm="embargo", error="invalid_token"',
  });

export function createAuthService(deps: {
  db: Db;
  clock: Clock;
  team: TeamService;
  invites: Pick<InvitesService, "accept">;
  keys: Pick<KeysService, "planIntakeIdentity" | "applyIntakeIdentityIn">;
  settings: Pick<SettingsService, "org">;
}) {
  const { db, clock } = deps;
  const windowStart = (now: Date) => new Date(now.getTime() - LOGIN_THROTTLE.windowSeconds * 1000);

  /**
   * The organisation settings the setup form asked for, checked, with the intake key they need made ahead of
   * the transaction. Errors name the setup form's fields ("orgName", "securityEmail").
   */
  async function planSetupIdentity(org: {
    name: string;
    securityEmail: string;
  }): Promise<IntakeIdentityPlan> {
    const securityEmail = org.securityEmail.trim();
    if (!securityEmail) {
      const message = "Enter the address reporters write to, e.g. security@example.org.";
      throw new AppError("invalid_input", 400, message, { securityEmail: message });
    }
    try {
      const current = await deps.settings.org();
      return await deps.keys.planIntakeIdentity({ ...current, name: org.name, securityEmail }, true);
    } catch (error) {
      if (!(error instanceof AppError) || !error.fields) throw error;
      // The settings page's words assume an optional address; here it is required and the name is orgName.
      const { name, securityEmail: badAddress, ...rest } = error.fields;
      const fields: Record<string, string> = { ...rest };
      if (name) fields.orgName = name;
      if (badAddress) fields.securityEmail = "Enter a valid email address, e.g. security@example.org.";
      throw new AppError(
        error.code,
        error.status,
        "Check the organisation's name and security address.",
        fields,
      );
    }
  }

  async function startSession(user: UserRow): Promise<{ token: string; csrfToken: string; expiresAt: Date }> {
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const now = clock();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    await db
      .insert(sessions)
      .values({ idHash: sha256Hex(token), userId: user.id, csrfToken, createdAt: now, expiresAt });
    return { token, csrfToken, expiresAt };
  }

  return {
    /**
     * Checks a password. Each source (client IP) is slowed down on its own, per account and across accounts, with
     * growing waits: a source that keeps failing waits, the owner signing in from elsewhere does not. The same
     * message for an unknown email and a wrong password.
     */
    async login(emailInput: string, password: string, ip: string) {
      const email = emailInput.trim().toLowerCase().slice(0, 254);
      const source = ip.slice(0, 100) || "unknown";
      const now = clock();
      const counts = await failureCounts(db, email, source, windowStart(now));
      const wait = loginWaitSeconds({ ...counts, now });
      if (wait > 0) {
        throw new AppError(
          "too_many_attempts",
          429,
          `Too many failed sign-in attempts from your address. Try again in ${wait} ${wait === 1 ? "second" : "seconds"}.`,
          undefined,
          { "Retry-After": String(wait) },
        );
      }
      const user = await deps.team.byEmail(email);
      const ok = await verifyPassword(password.slice(0, 1024), user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok || !user.active || !user.passwordHash) {
        await transaction(db, async (tx) => {
          await deleteFailuresBefore(tx, windowStart(now));
          await insertFailure(tx, email, source, clock());
        });
        throw new AppError("invalid_credentials", 401, "The email or password is not correct.");
      }
      await transaction(db, (tx) => deleteFailures(tx, email, source));
      return { user, ...(await startSession(user)) };
    },

    /** The sources currently failing to sign in, per account, with when each may try again (admin page). */
    async loginThrottles(): Promise<LoginThrottleRow[]> {
      const groups = await failureGroups(db, windowStart(clock()));
      const bySource = new Map<string, { count: number; last: Date }>();
      for (const g of groups) {
        const s = bySource.get(g.ip);
        if (!s) bySource.set(g.ip, { count: g.count, last: g.last });
        // Groups come latest first, so the first one of a source holds its latest failure.
        else bySource.set(g.ip, { count: s.count + g.count, last: s.last });
      }
      const now = clock().getTime();
      return groups.map((g) => {
        const source = bySource.get(g.ip)!;
        const until = [
          throttledUntil({ count: g.count, last: g.last }, LOGIN_THROTTLE.freePerAccount),
          throttledUntil(source, LOGIN_THROTTLE.freePerSource),
        ]
          .filter((d): d is Date => d !== null && d.getTime() > now)
          .sort((a, b) => b.getTime() - a.getTime())[0];
        return {
          email: g.email,
          ip: g.ip,
          failures: g.count,
          sourceFailures: source.count,
          last: g.last,
          until: until ?? null,
        };
      });
    },

    /** An admin forgets one source's failures against one account, so it may sign in at once; audited. */
    async clearLoginThrottle(actorId: string, emailInput: string, ipInput: string): Promise<number> {
      const email = emailInput.trim().toLowerCase().slice(0, 254);
      const ip = ipInput.trim().slice(0, 100);
      if (!email || !ip) throw badRequest("Say which account and address to clear.");
      return transaction(db, async (tx) => {
        const cleared = await deleteFailures(tx, email, ip);
        if (cleared === 0) throw notFound("Sign-in throttle");
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId,
            action: "auth.login_throttle_cleared",
            reportId: null,
            data: { email, ip, failures: cleared },
          },
          clock(),
        );
        return cleared;
      });
    },

    async logout(token: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.idHash, sha256Hex(token)));
    },

    /** Resolves a session cookie to an active member; expired sessions and disabled members resolve to nothing. */
    async session(token: string): Promise<SessionInfo | null> {
      if (!token || token.length > 100) return null;
      const [row] = await db
        .select({ user: users, csrfToken: sessions.csrfToken })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(
          and(eq(sessions.idHash, sha256Hex(token)), gt(sessions.expiresAt, clock()), eq(users.active, true)),
        );
      return row ?? null;
    },

    /**
     * Resolves an API bearer token to an active member. A revoked or expired token is refused with a message
     * saying so; lastUsedAt is written at most once a minute per token.
     */
    async apiUser(token: string): Promise<UserRow | null> {
      if (!token || token.length > 200) return null;
      const [row] = await db
        .select({ user: users, token: apiTokens })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(and(eq(apiTokens.tokenHash, sha256Hex(token)), eq(users.active, true)));
      if (!row) return null;
      const now = clock();
      if (row.token.revokedAt) {
        throw unauthorizedToken("This API token was revoked. Create a new one on the API tokens page.");
      }
      if (row.token.expiresAt.getTime() <= now.getTime()) {
        throw unauthorizedToken(
          `This API token expired on ${row.token.expiresAt.toISOString().slice(0, 10)}. Create a new one on the API tokens page.`,
        );
      }
      const last = row.token.lastUsedAt?.getTime();
      if (last === undefined || now.getTime() - last >= LAST_USED_EVERY_MS) {
        await transaction(db, (tx) =>
          tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id)),
        );
      }
      return row.user;
    },

    /** At start with no admin: a one-time link, valid for 24 h, where the first admin is created. */
    async createSetupLinkIfNeeded(): Promise<{ token: string; expiresAt: Date } | null> {
      if ((await deps.team.countActiveAdmins()) > 0) return null;
      const token = randomToken(16);
      const now = clock();
      const expiresAt = new Date(now.getTime() + SETUP_HOURS * 3_600_000);
      await db
        .insert(oneTimeTokens)
        .values({ tokenHash: sha256Hex(token), purpose: "setup", createdAt: now, expiresAt });
      return { token, expiresAt };
    },

    async setupLinkValid(token: string): Promise<boolean> {
      if (!token || token.length > 100) return false;
      const [row] = await db
        .select()
        .from(oneTimeTokens)
        .where(
          and(
            eq(oneTimeTokens.tokenHash, sha256Hex(token)),
            eq(oneTimeTokens.purpose, "setup"),
            isNull(oneTimeTokens.usedAt),
            gt(oneTimeTokens.expiresAt, clock()),
          ),
        );
      return Boolean(row) && (await deps.team.countActiveAdmins()) === 0;
    },

    /**
     * Creates the first admin through the setup link and uses the link up, in one transaction. With
     * `organisation`, the same transaction saves the organisation's name and security address and, when the
     * intake key made at first start names another address (security@<host>), switches to a new key for this
     * one; the first key is kept as retired, so anything already encrypted to it still decrypts.
     */
    async completeSetup(
      token: string,
      input: {
        email: string;
        name: string;
        password: string;
        organisation?: { name: string; securityEmail: string };
      },
    ) {
      if (!(await this.setupLinkValid(token))) {
        throw new AppError(
          "setup_link_invalid",
          404,
          "This setup link is not valid: it was used, has expired, or an admin exists.",
        );
      }
      if (!input.password) {
        throw new AppError("invalid_input", 400, "Choose a password.", { password: "Choose a password." });
      }
      const { organisation, ...member } = input;
      const plan = organisation ? await planSetupIdentity(organisation) : null;
      const user = await transaction(db, async (tx) => {
        // Every outstanding setup link is used up here, not only this one: each start without an admin issues
        // a link, and two of them submitted at once would both pass the check above and make two admins. The
        // second transaction waits for the rows the first one updates, then finds none of them unused.
        const used = await tx
          .update(oneTimeTokens)
          .set({ usedAt: clock() })
          .where(and(eq(oneTimeTokens.purpose, "setup"), isNull(oneTimeTokens.usedAt)))
          .returning({ tokenHash: oneTimeTokens.tokenHash });
        if (!used.some((row) => row.tokenHash === sha256Hex(token)))
          throw new AppError("setup_link_invalid", 404, "This setup link was already used.");
        const created = await deps.team.createMemberIn(tx, null, { ...member, role: "admin" });
        if (plan) await deps.keys.applyIntakeIdentityIn(tx, created.id, plan);
        await appendAuditEvent(
          tx,
          {
            actorType: "user",
            actorId: created.id,
            action: "team.setup_completed",
            reportId: null,
            data: { userId: created.id },
          },
          clock(),
        );
        return created;
      });
      return { user, ...(await startSession(user)) };
    },

    /**
     * An invited person chooses a password: the member is created and the invite used up in one transaction
     * (the same path as the first admin's setup link), then they are signed in.
     */
    async acceptInvite(token: string, password: string, name?: string) {
      const user = await deps.invites.accept(token, password, name);
      return { user, ...(await startSession(user)) };
    },

    findUserByEmail: (email: string) => deps.team.byEmail(email),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
