/**
 * The benchmark's text: report and message wording drawn from a fixed vocabulary with a skewed (Zipf-like)
 * frequency, so a few words are in most reports, most words in few, and searches and duplicate ranking meet the
 * overlap real reports have. Deterministic: the same seed gives the same text.
 */

/** Security words: the topics reports are about. */
export const VOCABULARY = (
  "injection xss csrf ssrf redirect traversal token session cookie header login logout password reset upload " +
  "export import invoice profile comment preview search api endpoint parameter admin user account role tenant " +
  "cache proxy template render escape sanitize parser buffer overflow deserialization webhook oauth saml jwt " +
  "signature certificate rate limit brute force enumeration timing leak exposure disclosure secret key config"
).split(" ");

/** Everyday words of a write-up, more frequent than the topics. */
const COMMON = (
  "the a an of to in on for with when after before by from this that is are was be can could would should " +
  "request response server client page form field value input output browser application service attacker " +
  "victim data file path url query body request id list view open send receive return error message check " +
  "missing allows without valid invalid authenticated unauthenticated remote local access control issue bug " +
  "version release build mobile android ios desktop web portal dashboard report settings billing payment " +
  "order cart checkout email notification support ticket document storage bucket backup database table " +
  "column row index object array string number method function script library package dependency update"
).split(" ");

/** Rarer words: product parts and details that only some reports mention. */
const RARE = Array.from({ length: 2000 }, (_, i) => `part${i.toString(36)}`);

const ALL = [...COMMON, ...VOCABULARY, ...RARE];

/** A small deterministic generator (mulberry32), so runs are comparable. */
export function rng(seed: number) {
  let x = Math.imul(seed + 1, 0x9e3779b1) >>> 0;
  return () => {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), x | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n words; the skew makes the first words of ALL common and the rare tail rare. */
export function words(seed: number, n: number): string {
  const next = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const u = next();
    out.push(ALL[Math.floor(ALL.length * u * u * u)]!);
  }
  return out.join(" ");
}

/** n topic words only (titles read like "stored xss in comment preview"). */
export function topicWords(seed: number, n: number): string {
  const next = rng(seed);
  return Array.from({ length: n }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]!).join(" ");
}
