import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { appendAuditEvent } from "../../audit/audit-log.ts";
import type { Clock } from "../../core/clock.ts";
import { type Db, transaction } from "../../core/db.ts";
import { AppError } from "../../core/errors.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../../crypto/password.ts";
import { randomToken, sha256Hex } from "../../crypto/tokens.ts";
import { apiTokens, loginFailures, oneTimeTokens, sessions, users } from "../../db/schema.ts";
import type { TeamService, UserRow } from "../team/team.service.ts";

const SESSION_HOURS = 12;
const SETUP_HOURS = 24;
/** Throttle: this many failures in the window lock an email (or an IP, with the larger number) out. */
export const LOGIN_LIMITS = { windowMinutes: 15, perEmail: 5, perIp: 20 };

export interface SessionInfo {
  user: UserRow;
  csrfToken: string;
}

export function createAuthService(deps: { db: Db; clock: Clock; team: TeamService }) {
  const { db, clock } = deps;

  async function throttled(email: string, ip: string): Promise<number | null> {
    const since = new Date(clock().getTime() - LOGIN_LIMITS.windowMinutes * 60_000);
    const [row] = await db
      .select({
        byEmail: sql<number>`count(*) filter (where ${loginFailures.email} = ${email})::int`,
        byIp: sql<number>`count(*) filter (where ${loginFailures.ip} = ${ip})::int`,
        oldest: sql<string | null>`min(${loginFailures.createdAt})`,
      })
      .from(loginFailures)
      .where(
        and(
          gt(loginFailures.createdAt, since),
          sql`(${loginFailures.email} = ${email} or ${loginFailures.ip} = ${ip})`,
        ),
      );
    if (!row) return null;
    if (row.byEmail >= LOGIN_LIMITS.perEmail || row.byIp >= LOGIN_LIMITS.perIp) {
      const oldest = row.oldest ? new Date(row.oldest).getTime() : clock().getTime();
      return Math.max(
        1,
        Math.ceil((oldest + LOGIN_LIMITS.windowMinutes * 60_000 - clock().getTime()) / 1000),
      );
    }
    return null;
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
    /** Checks a password with throttling per email and per IP; the same message for unknown email and wrong password. */
    async login(emailInput: string, password: string, ip: string) {
      const email = emailInput.trim().toLowerCase().slice(0, 254);
      const retryAfter = await throttled(email, ip);
      if (retryAfter !== null) {
        throw new AppError(
          "too_many_attempts",
          429,
          "Too many failed sign-in attempts. Try again later.",
          undefined,
          {
            "Retry-After": String(retryAfter),
          },
        );
      }
      const user = await deps.team.byEmail(email);
      const ok = await verifyPassword(password.slice(0, 1024), user?.passwordHash ?? DUMMY_PASSWORD_HASH);
      if (!user || !ok || !user.active || !user.passwordHash) {
        await db.insert(loginFailures).values({ email, ip, createdAt: clock() });
        throw new AppError("invalid_credentials", 401, "The email or password is not correct.");
      }
      await db.delete(loginFailures).where(eq(loginFailures.email, email));
      return { user, ...(await startSession(user)) };
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

    /** Resolves an API bearer token to an active member. */
    async apiUser(token: string): Promise<UserRow | null> {
      if (!token || token.length > 200) return null;
      const [row] = await db
        .select({ user: users, id: apiTokens.id })
        .from(apiTokens)
        .innerJoin(users, eq(users.id, apiTokens.userId))
        .where(
          and(eq(apiTokens.tokenHash, sha256Hex(token)), isNull(apiTokens.revokedAt), eq(users.active, true)),
        );
      if (!row) return null;
      await db.update(apiTokens).set({ lastUsedAt: clock() }).where(eq(apiTokens.id, row.id));
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

    /** Creates the first admin through the setup link and uses the link up, in one transaction. */
    async completeSetup(token: string, input: { email: string; name: string; password: string }) {
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
      const user = await transaction(db, async (tx) => {
        // Using the link up first makes a second, concurrent submission fail instead of creating a second admin.
        const used = await tx
          .update(oneTimeTokens)
          .set({ usedAt: clock() })
          .where(and(eq(oneTimeTokens.tokenHash, sha256Hex(token)), isNull(oneTimeTokens.usedAt)))
          .returning();
        if (used.length === 0)
          throw new AppError("setup_link_invalid", 404, "This setup link was already used.");
        const created = await deps.team.createMemberIn(tx, null, { ...input, role: "admin" });
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

    findUserByEmail: (email: string) => deps.team.byEmail(email),
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
