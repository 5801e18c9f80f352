/** A short CWE list for the report form: the common weakness classes researchers report, plus "other". */
export const WEAKNESSES: ReadonlyArray<{ id: string; label: string }> = [
  { id: "CWE-79", label: "Cross-site scripting (XSS)" },
  { id: "CWE-89", label: "SQL injection" },
  { id: "CWE-78", label: "OS command injection" },
  { id: "CWE-94", label: "Code injection" },
  { id: "CWE-22", label: "Path traversal" },
  { id: "CWE-352", label: "Cross-site request forgery (CSRF)" },
  { id: "CWE-918", label: "Server-side request forgery (SSRF)" },
  { id: "CWE-287", label: "Improper authentication" },
  { id: "CWE-862", label: "Missing authorization" },
  { id: "CWE-863", label: "Incorrect authorization" },
  { id: "CWE-639", label: "Insecure direct object reference (IDOR)" },
  { id: "CWE-200", label: "Exposure of sensitive information" },
  { id: "CWE-798", label: "Hard-coded credentials" },
  { id: "CWE-327", label: "Broken or risky cryptography" },
  { id: "CWE-502", label: "Deserialization of untrusted data" },
  { id: "CWE-611", label: "XML external entities (XXE)" },
  { id: "CWE-434", label: "Unrestricted file upload" },
  { id: "CWE-601", label: "Open redirect" },
  { id: "CWE-787", label: "Out-of-bounds write" },
  { id: "CWE-125", label: "Out-of-bounds read" },
  { id: "CWE-416", label: "Use after free" },
  { id: "CWE-400", label: "Uncontrolled resource consumption (DoS)" },
  { id: "CWE-1321", label: "Prototype pollution" },
  { id: "CWE-384", label: "Session fixation" },
  { id: "other", label: "Other / not sure" },
];

/** True when the id is on the form's list; intake refuses anything else so the inbox filters stay clean. */
export function isKnownWeakness(id: string): boolean {
  return WEAKNESSES.some((w) => w.id === id);
}

export function weaknessLabel(id: string): string {
  const w = WEAKNESSES.find((x) => x.id === id);
  return w ? (w.id === "other" ? w.label : `${w.id}: ${w.label}`) : id;
}
