import { formatFingerprint } from "../../domain/pgp-keys.ts";
import type { SlaPolicy } from "../../domain/sla.ts";
import { Layout } from "../../http/layout.tsx";
import { renderMarkdown } from "../../http/markdown.ts";

/** What the public pages show of an asset; the views never see tags or internal flags. */
export interface ScopeAsset {
  id: string;
  name: string;
  identifier: string;
  kind: string;
  description: string;
  inScope: boolean;
}

export interface PolicyPageProps {
  orgName: string;
  securityEmail: string;
  policyMarkdown: string;
  safeHarborMarkdown: string;
  assets: readonly ScopeAsset[];
  sla: Pick<
    SlaPolicy,
    "acknowledgeBusinessDays" | "triageBusinessDays" | "updateIntervalDays" | "resolutionDays"
  >;
  /** The intake key researchers can encrypt to; its fingerprint is shown with a link to the key. */
  intakeKey?: { fingerprint: string; url: string } | null;
  /** Whether PUBLIC_URL is https; on http the page says that the connection does not protect a report. */
  overHttps?: boolean;
  /** Whether this server sends mail; without it, lost links cannot be mailed and the page does not offer it. */
  mailSent?: boolean;
}

const KIND_LABELS: Record<string, string> = {
  web: "Website",
  api: "API",
  mobile: "Mobile app",
  source: "Source code",
  package: "Package",
  infrastructure: "Infrastructure",
  other: "Other",
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The SLA targets as promises a researcher can hold us to, in plain sentences. */
export function responseTargets(sla: PolicyPageProps["sla"]): string[] {
  const ack =
    sla.acknowledgeBusinessDays === 0
      ? "We acknowledge reports on the business day we receive them."
      : `We acknowledge reports within ${plural(sla.acknowledgeBusinessDays, "business day", "business days")}.`;
  const triage =
    sla.triageBusinessDays === 0
      ? "We assess (triage) reports on the business day we receive them, and tell you whether we can confirm the issue."
      : `We assess (triage) reports within ${plural(sla.triageBusinessDays, "business day", "business days")} and tell you whether we can confirm the issue.`;
  return [
    ack,
    triage,
    `While your report is open, we send you an update at least every ${plural(sla.updateIntervalDays, "day", "days")}.`,
    `We aim to resolve confirmed vulnerabilities within ${plural(sla.resolutionDays, "day", "days")} of receiving the report.`,
  ];
}

function Markdown(props: { source: string }) {
  return <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(props.source) }} />;
}

function AssetList(props: { assets: readonly ScopeAsset[]; empty: string; id: string }) {
  if (props.assets.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <ul class="scope-list" id={props.id}>
      {props.assets.map((a) => (
        <li>
          <div class="row">
            <strong>{a.name}</strong>
            <span class="badge">{KIND_LABELS[a.kind] ?? a.kind}</span>
          </div>
          {a.identifier && <code class="identifier">{a.identifier}</code>}
          {a.description && <p class="muted small">{a.description}</p>}
        </li>
      ))}
    </ul>
  );
}

/** The public policy page: what we ask, what is in scope, what we promise, and how to report. */
export function PolicyPage(props: PolicyPageProps) {
  const inScope = props.assets.filter((a) => a.inScope);
  const outOfScope = props.assets.filter((a) => !a.inScope);
  return (
    <Layout title="Security policy" orgName={props.orgName} active="policy">
      <section class="card hero">
        <h1>{props.orgName} vulnerability disclosure policy</h1>
        <p>
          Found a security problem? Tell us privately, and we will work with you to fix it before it is made
          public.
        </p>
        <p>
          <a class="button big" href="/report">
            Report a vulnerability
          </a>
        </p>
      </section>

      <div class="grid">
        <div>
          <section class="card" aria-labelledby="policy-heading">
            <h2 id="policy-heading">Our policy</h2>
            <Markdown source={props.policyMarkdown} />
          </section>

          <section class="card" aria-labelledby="scope-heading" id="scope">
            <h2 id="scope-heading">Scope</h2>
            <h3>In scope</h3>
            <AssetList
              assets={inScope}
              id="in-scope"
              empty="No assets are listed yet. Report anything you believe belongs to us."
            />
            <h3>Out of scope</h3>
            <AssetList assets={outOfScope} id="out-of-scope" empty="Nothing is explicitly out of scope." />
          </section>

          <section class="card" aria-labelledby="safe-harbor-heading" id="safe-harbor">
            <h2 id="safe-harbor-heading">Safe harbor</h2>
            <Markdown source={props.safeHarborMarkdown} />
          </section>
        </div>

        <aside>
          <section class="card" aria-labelledby="how-heading">
            <h2 id="how-heading">How to report</h2>
            <ul class="plain-list">
              <li>
                <a href="/report">Use the report form</a>: you get a private link to follow your report and
                talk to us.
              </li>
              {props.overHttps === false && (
                <li id="transport-warning">
                  This site is not served over HTTPS, so the connection does not protect what you send. Keep
                  JavaScript on (the form then encrypts your report in your browser), or encrypt the details
                  to our OpenPGP key.
                </li>
              )}
              {props.securityEmail && (
                <li>
                  Or email <a href={`mailto:${props.securityEmail}`}>{props.securityEmail}</a>.
                </li>
              )}
              <li id="lost-link">
                Lost your link?{" "}
                {props.mailSent === false ? (
                  <a href="/r/recover">What you can do</a>
                ) : (
                  <a href="/r/recover">Get new links by email</a>
                )}
                .
              </li>
              <li>
                Machine-readable contact details: <a href="/.well-known/security.txt">security.txt</a>.
              </li>
              {props.intakeKey && (
                <li id="intake-key">
                  Encrypt to our <a href={props.intakeKey.url}>OpenPGP key</a>, fingerprint{" "}
                  <code class="mono fingerprint break">{formatFingerprint(props.intakeKey.fingerprint)}</code>{" "}
                  (<a href="/keys">all keys</a>).
                </li>
              )}
            </ul>
          </section>

          <section class="card" aria-labelledby="targets-heading">
            <h2 id="targets-heading">What you can expect</h2>
            <ul class="targets">
              {responseTargets(props.sla).map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </section>

          <section class="card">
            <h2>Recognition</h2>
            <p>
              With your agreement we credit you in the advisory and on our{" "}
              <a href="/hall-of-fame">hall of fame</a>.
            </p>
            <p id="advisories-link">
              Fixed vulnerabilities are disclosed in our <a href="/advisories">security advisories</a> (
              <a href="/advisories.atom">Atom feed</a>).
            </p>
          </section>
        </aside>
      </div>
    </Layout>
  );
}
