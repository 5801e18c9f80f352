import { CVSS_METRICS, type CvssMetricGroup, type CvssVersion } from "./cvss-metrics.ts";

/**
 * The optional metric groups a vector actually sets: a group counts only when one of its metrics is written
 * with a value other than X (Not Defined). A CVSS 3.x temporal or environmental score equals the base score
 * when its group is unset, so showing it then would only repeat the base score under another name.
 */
export function cvssGroupsSet(
  version: CvssVersion,
  metrics: Readonly<Record<string, string>>,
): ReadonlySet<CvssMetricGroup> {
  const groups = new Set<CvssMetricGroup>();
  for (const m of CVSS_METRICS[version]) {
    const value = metrics[m.code];
    if (m.group !== "base" && value !== undefined && value !== "X") groups.add(m.group);
  }
  return groups;
}
