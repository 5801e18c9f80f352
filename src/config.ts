import path from "node:path";
import { z } from "zod";
import { parseHostAllowList, parseTrustProxy, TRUST_PROXY_HELP } from "./domain/network-trust.ts";

const urlWithProtocols = (protocols: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      {
        message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}, e.g. ${example}`,
      },
    );

const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional());

/** One schema over the environment, so every misconfiguration is reported at once before anything starts. */
export const configSchema = z.object({
  /** Where PGlite, the lock file and the generated key file live. */
  EMBARGO_DATA_DIR: optional(z.string().trim().min(1)).transform((v) => path.resolve(v ?? "./data")),
  /**
   * The git store (the repositories' bare mirrors). Default `<EMBARGO_DATA_DIR>/git`; with several instances on
   * one PostgreSQL it must be a volume all of them share.
   */
  EMBARGO_GIT_DIR: optional(z.string().trim().min(1)).transform((v) =>
    v === undefined ? undefined : path.resolve(v),
  ),
  /** Unset: embedded PGlite in the data dir. Set: a PostgreSQL server. */
  DATABASE_URL: optional(
    urlWithProtocols(["postgres:", "postgresql:"], "postgres://user:pass@host:5432/embargo"),
  ),
  PORT: optional(
    z.coerce
      .number({ message: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be between 1 and 65535")
      .max(65535, "must be between 1 and 65535"),
  ).transform((v) => v ?? 8080),
  HOST: optional(z.string().trim().min(1)).transform((v) => v ?? "0.0.0.0"),
  /** The address people use to reach Embargo; links in mail and security.txt are built from it. */
  PUBLIC_URL: optional(urlWithProtocols(["http:", "https:"], "https://security.example.org")).transform((v) =>
    v?.replace(/\/+$/, ""),
  ),
  /** 32 bytes as base64 or 64 hex characters. Unset: a key file is created in the data dir on first start. */
  EMBARGO_SECRET_KEY: optional(
    z.string().refine((v) => decodeSecretKey(v) !== null, {
      message: "must be 32 bytes encoded as 64 hex characters or base64 (try: openssl rand -base64 32)",
    }),
  ),
  /** Set only while `embargo keys rotate-data-key` moves data to this key; becomes EMBARGO_SECRET_KEY after. */
  EMBARGO_NEW_SECRET_KEY: optional(
    z.string().refine((v) => decodeSecretKey(v) !== null, {
      message: "must be 32 bytes encoded as 64 hex characters or base64 (try: openssl rand -base64 32)",
    }),
  ),
  SMTP_URL: optional(urlWithProtocols(["smtp:", "smtps:"], "smtps://user:pass@mail.example.org:465")),
  MAIL_FROM: optional(z.email({ message: "must be an email address, e.g. security@example.org" })),
  /** The intake mailbox, polled for mail to the security address. */
  IMAP_URL: optional(
    urlWithProtocols(["imap:", "imaps:"], "imaps://user:pass@mail.example.org:993/INBOX").refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.username !== "" && u.password !== "";
        } catch {
          return true; // the URL itself is reported as invalid above
        }
      },
      { message: "must carry the mailbox login, e.g. imaps://user:pass@mail.example.org:993/INBOX" },
    ),
  ),
  /** Seconds between polls of IMAP_URL (5 to 3600, default 60). */
  IMAP_POLL_SECONDS: optional(
    z
      .string()
      .regex(/^\d+$/, { message: "must be a whole number of seconds" })
      .transform(Number)
      .refine((n) => n >= 5 && n <= 3600, { message: "must be between 5 and 3600 seconds" }),
  ).transform((v) => v ?? 60),
  /**
   * Behind reverse proxies: which of them may name the client in X-Forwarded-For (for rate limits). The client
   * is the right-most entry not written by a trusted proxy; entries further left are the client's own words.
   */
  TRUST_PROXY: z
    .string()
    .optional()
    .refine((v) => parseTrustProxy(v) !== null, { message: TRUST_PROXY_HELP })
    .transform((v) => parseTrustProxy(v)!),
  /** Hosts, addresses and CIDR ranges that alert channels may reach although they are private or internal. */
  ALERT_ALLOW_PRIVATE_HOSTS: z
    .string()
    .optional()
    .refine((v) => parseHostAllowList(v) !== null, {
      message:
        "must be a comma-separated list of host names, IP addresses or CIDR ranges, e.g. 10.0.0.5,hooks.internal,192.168.0.0/16",
    })
    .transform((v) => parseHostAllowList(v)!),
  /** How `serve` reports its start: unset means sentences in a terminal and JSON otherwise; "json" always JSON. */
  LOG_FORMAT: optional(
    z.enum(["json", "text"], {
      message: 'must be "json" or "text" (unset: sentences in a terminal, JSON otherwise)',
    }),
  ),
  LOG_LEVEL: optional(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])).transform(
    (v) => v ?? "info",
  ),
});

export type Config = z.output<typeof configSchema> & { publicUrl: string; gitDir: string };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Embargo cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment once at start; throws ConfigError listing every problem so the operator fixes them in one go. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = issue.path.join(".");
      return `${key}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const value = parsed.data;
  return {
    ...value,
    publicUrl: value.PUBLIC_URL ?? `http://localhost:${value.PORT}`,
    gitDir: value.EMBARGO_GIT_DIR ?? path.join(value.EMBARGO_DATA_DIR, "git"),
  };
}

/** Accepts the two encodings operators commonly produce (hex or base64) and insists on exactly 32 bytes. */
export function decodeSecretKey(value: string): Buffer | null {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const buf = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (buf.length === 32) return buf;
  }
  return null;
}
