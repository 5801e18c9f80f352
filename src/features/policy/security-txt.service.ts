import { securityTxtCsafLine } from "../../domain/csaf-distribution.ts";

/** How long a served security.txt stays valid; RFC 9116 asks for less than a year, we refresh it on every request. */
export const SECURITY_TXT_VALIDITY_DAYS = 180;

export interface SecurityTxtInput {
  /** The site's public base URL, e.g. https://security.example.org */
  publicUrl: string;
  /** The mailbox for mailto: contact; empty when the organisation has none. */
  securityEmail: string;
  /** BCP 47 tags separated by commas, e.g. "en, de"; empty to leave the field out. */
  preferredLanguages: string;
  /** Where the ASCII-armored OpenPGP key for encrypted reports is served; left out when absent. */
  encryptionUrl?: string;
  now: Date;
}

/** RFC 3339 date-time in UTC without fractional seconds, the form RFC 9116's examples use. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The RFC 9116 file. Built per request from settings and the clock, so Expires is always in the future and the
 * file never needs re-publishing; the web form comes first because it is the channel with tracking.
 */
export function buildSecurityTxt(input: SecurityTxtInput): string {
  const base = input.publicUrl.replace(/\/+$/, "");
  const expires = new Date(input.now.getTime() + SECURITY_TXT_VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  const languages = input.preferredLanguages
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
  const email = input.securityEmail.trim();
  const lines = [
    "# Report security vulnerabilities through the form (preferred) or by email.",
    `Contact: ${base}/report`,
    ...(email ? [`Contact: mailto:${email}`] : []),
    ...(input.encryptionUrl ? [`Encryption: ${input.encryptionUrl}`] : []),
    `Expires: ${rfc3339Seconds(expires)}`,
    ...(languages.length > 0 ? [`Preferred-Languages: ${languages.join(", ")}`] : []),
    `Policy: ${base}/`,
    `Acknowledgments: ${base}/hall-of-fame`,
    `Canonical: ${base}/.well-known/security.txt`,
    // The published advisories: a comment for people, and the CSAF provider metadata for tools (CSAF §7.1.8).
    `# Security advisories: ${base}/advisories (Atom feed: ${base}/advisories.atom)`,
    securityTxtCsafLine(base),
  ];
  return `${lines.join("\n")}\n`;
}
