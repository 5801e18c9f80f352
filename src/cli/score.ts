import { scoreOwaspVector } from "../domain/owasp-risk.ts";

/** One line of `embargo score` output: the rating's fields, or the vector with the reason it was refused. */
export function scoreVectorLine(input: string): Record<string, unknown> {
  const vector = input.trim();
  const result = scoreOwaspVector(vector);
  if (!result.ok) return { vector, error: result.error };
  return { ...result.value };
}
