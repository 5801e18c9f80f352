import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestDb } from "./db.ts";

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/pgp");

/** A team member's key pair made once (ed25519 + cv25519, no expiry, dated 2025-01-01) and committed. */
export const MEMBER_PUBLIC_KEY = fs.readFileSync(path.join(fixtures, "member.pub.asc"), "utf8");
export const MEMBER_PRIVATE_KEY = fs.readFileSync(path.join(fixtures, "member.sec.asc"), "utf8");
export const MEMBER_KEY_FINGERPRINT = "879C7FBAF55D41C0BF34AE283E4B93E4CAC73E49";

/** Uploads the fixture public key for a member, as they would on their key page, so they may be assigned reports. */
export async function giveKey(t: TestDb, userId: string): Promise<void> {
  const user = await t.services.team.byId(userId);
  if (!user) throw new Error(`No team member ${userId}.`);
  await t.services.keys.uploadMemberKey(
    { id: user.id, email: user.email, name: user.name, role: user.role },
    user.id,
    MEMBER_PUBLIC_KEY,
  );
}

/** GnuPG in a throwaway home directory: batch mode, loopback pinentry, no agent left behind. */
export interface Gpg {
  home: string;
  run(args: string[], input?: string | Buffer): string;
  /** Runs gpg and returns stdout, stderr and the exit status instead of throwing. */
  try(args: string[], input?: string | Buffer): { status: number; stdout: string; stderr: string };
  close(): void;
}

export function makeGpg(): Gpg {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "embargo-gpg-"));
  fs.chmodSync(home, 0o700);
  const base = ["--homedir", home, "--batch", "--pinentry-mode", "loopback", "--no-tty", "--quiet"];
  const run = (args: string[], input?: string | Buffer) =>
    execFileSync("gpg", [...base, ...args], { input, stdio: ["pipe", "pipe", "pipe"] }).toString("utf8");
  return {
    home,
    run,
    try(args, input) {
      try {
        return { status: 0, stdout: run(args, input), stderr: "" };
      } catch (error) {
        const e = error as { status?: number; stdout?: Buffer; stderr?: Buffer };
        return {
          status: e.status ?? 1,
          stdout: e.stdout?.toString() ?? "",
          stderr: e.stderr?.toString() ?? "",
        };
      }
    },
    close() {
      try {
        execFileSync("gpgconf", ["--homedir", home, "--kill", "all"], { stdio: "ignore" });
      } catch {
        // no agent was started
      }
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Makes a key with gpg dated 2025-01-01 (before the test clock) and returns its fingerprint and public key. */
export function gpgKey(
  gpg: Gpg,
  uid: string,
  options: { algo?: string; usage?: string; expire?: string; passphrase?: string } = {},
): { fingerprint: string; publicArmored: string } {
  const faked = ["--faked-system-time", "20250101T000000", "--passphrase", options.passphrase ?? ""];
  gpg.run([
    ...faked,
    "--quick-gen-key",
    uid,
    options.algo ?? "future-default",
    options.usage ?? "default",
    options.expire ?? "never",
  ]);
  const email = /<([^>]+)>/.exec(uid)?.[1] ?? uid;
  const colons = gpg.run(["--with-colons", "--list-keys", `=${uid}`]);
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)![1]!;
  return { fingerprint, publicArmored: gpg.run(["--armor", "--export", `<${email}>`]) };
}

/** Revokes a gpg key with the revocation certificate gpg wrote when it made the key. */
export function gpgRevoke(gpg: Gpg, fingerprint: string, email: string): string {
  const cert = fs.readFileSync(path.join(gpg.home, "openpgp-revocs.d", `${fingerprint}.rev`), "utf8");
  gpg.run(["--import"], cert.replace(/^:-----BEGIN/m, "-----BEGIN"));
  return gpg.run(["--armor", "--export", `<${email}>`]);
}

/**
 * A researcher's gpg for mail tests: Embargo's intake key (created if need be) imported, and a key of their own
 * made for `uid`. The caller closes `gpg`.
 */
export async function researcherGpg(
  t: Pick<TestDb, "services">,
  uid: string,
): Promise<{ gpg: Gpg; intakeFingerprint: string; own: { fingerprint: string; publicArmored: string } }> {
  await t.services.keys.ensureIntakeKey();
  const gpg = makeGpg();
  const own = gpgKey(gpg, uid);
  const intake = (await t.services.keys.intakeOverview()).current;
  gpg.run(["--import"], intake.publicArmored);
  return { gpg, intakeFingerprint: intake.fingerprint, own };
}
