// What leaves the bounty ledger: the yearly CSV for the accountant (never a payout address), safe to open in a
// spreadsheet, and the block-explorer link templates admins set per chain. Pure.

import type { PayoutMethod } from "./payout.ts";

/** The chains whose payments have a public transaction a block explorer can show. */
export const CHAIN_METHODS = ["ethereum", "bitcoin", "filecoin"] as const satisfies readonly PayoutMethod[];
export type ChainMethod = (typeof CHAIN_METHODS)[number];

/**
 * One CSV cell: quoted, inner quotes doubled, and a cell a spreadsheet would run as a formula (starting with
 * = + - @, a tab or a carriage return) prefixed with a single quote, so a charity named "=HYPERLINK(…)" stays text.
 */
export function csvCell(value: string | number | null | undefined): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export interface BountyCsvRow {
  reference: string;
  date: string;
  amount: string;
  currency: string;
  state: string;
  payoutMethod: string | null;
}

export const BOUNTY_CSV_HEADER = ["reference", "date", "amount", "currency", "state", "payout method"];

/** The CSV text: a header and one line per award, CRLF line ends (RFC 4180). */
export function bountyCsv(rows: readonly BountyCsvRow[]): string {
  const lines = [BOUNTY_CSV_HEADER.map(csvCell).join(",")];
  for (const r of rows)
    lines.push([r.reference, r.date, r.amount, r.currency, r.state, r.payoutMethod].map(csvCell).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** A minor-unit amount as a plain decimal for a spreadsheet: 150000 -> "1500.00". */
export function plainAmount(minor: number): string {
  return `${Math.trunc(minor / 100)}.${String(Math.abs(minor % 100)).padStart(2, "0")}`;
}

/** Why a block-explorer URL template cannot be used, or null: https, a host, and the {tx} placeholder once. */
export function explorerProblem(template: unknown): string | null {
  if (typeof template !== "string" || template.trim() === "") return "Give the URL template.";
  if (template.length > 500) return "The template is longer than 500 characters.";
  const parts = template.split("{tx}");
  if (parts.length !== 2)
    return "The template needs the {tx} placeholder exactly once, e.g. https://etherscan.io/tx/{tx}.";
  let url: URL;
  try {
    url = new URL(template.replace("{tx}", "TX"));
  } catch {
    return "That is not a URL.";
  }
  if (url.protocol !== "https:") return "The explorer link must start with https://.";
  if (url.username || url.password) return "The link must not carry a user name or password.";
  if (!url.pathname.includes("TX") && !url.search.includes("TX") && !url.hash.includes("TX"))
    return "Put {tx} in the path or query, not in the host.";
  return null;
}

/** The explorer link for a payment, or null when the template or the reference do not fit. */
export function explorerLink(template: string | null | undefined, reference: string): string | null {
  if (!template || explorerProblem(template) !== null) return null;
  if (!/^[A-Za-z0-9:_-]{1,200}$/.test(reference)) return null;
  return template.replace("{tx}", encodeURIComponent(reference));
}

/** What the reporter sees of their payout address: the method and the last 4 characters. */
export function maskedHint(address: string): string {
  return `…${address.replace(/\s+/g, "").slice(-4)}`;
}
