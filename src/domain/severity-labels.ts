/**
 * One casing for every level the severity panel shows: "High", never "HIGH" or "high". The stored values keep
 * their own spelling (report severities are lower case, OWASP levels upper case, CVSS severities capitalised);
 * only what people read is made the same.
 */
export function levelLabel(level: string): string {
  const trimmed = level.trim();
  if (trimmed === "") return "";
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1).toLowerCase();
}
