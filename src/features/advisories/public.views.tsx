// The public advisory pages, without JavaScript: the list (newest first) and one advisory with its text from the
// latest revision, severity with vector and score, affected and fixed versions, credits, revision history and
// links to the machine-readable documents. Markdown goes through the project's one safe renderer.

import type { AdvisoryRecord, AffectedProduct } from "../../domain/advisory-record.ts";
import { csafPath } from "../../domain/export-csaf.ts";
import { Layout } from "../../http/layout.tsx";
import { renderMarkdown } from "../../http/markdown.ts";
import type { PublicAdvisory, PublicSeverity } from "./published.service.ts";

const day = (d: Date) => d.toISOString().slice(0, 10);

function SeverityBadge(props: { severity: PublicSeverity | null }) {
  const s = props.severity;
  if (!s) return <span class="badge">Not scored</span>;
  const cls = s.label === "None" ? "sev-note" : `sev-${s.label.toLowerCase()}`;
  return <span class={`badge ${cls}`}>{`${s.label} ${s.score.toFixed(1)}`}</span>;
}

function Markdown(props: { source: string }) {
  return <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(props.source) }} />;
}

const products = (r: AdvisoryRecord) => [...new Set(r.affected.map((a) => a.product))];

/** /advisories: every public advisory, newest first, with the facts to pick one out. */
export function AdvisoryListPage(props: { orgName: string; advisories: readonly PublicAdvisory[] }) {
  return (
    <Layout title="Security advisories" orgName={props.orgName} column>
      <section class="card">
        <h1>Security advisories</h1>
        <p>
          The vulnerabilities we have fixed and disclosed, newest first. Follow them in your reader with the{" "}
          <a href="/advisories.atom">Atom feed</a>, or as CSAF documents from our{" "}
          <a href="/.well-known/csaf/provider-metadata.json">CSAF provider metadata</a>.
        </p>
        {props.advisories.length === 0 ? (
          <div class="empty-state">
            <p>
              <strong>No advisories are published yet.</strong>
            </p>
          </div>
        ) : (
          <ul class="scope-list" id="advisories">
            {props.advisories.map((a) => (
              <li>
                <div class="row">
                  <a href={`/advisories/${encodeURIComponent(a.record.id)}`}>
                    <strong>{a.record.title}</strong>
                  </a>
                  <SeverityBadge severity={a.severity} />
                  {a.record.withdrawn && <span class="badge state-rejected">Withdrawn</span>}
                </div>
                <p class="muted small">
                  <code class="mono">{a.record.id}</code>
                  {a.record.cveId && (
                    <>
                      {" · "}
                      <code class="mono">{a.record.cveId}</code>
                    </>
                  )}
                  {" · "}
                  <time datetime={a.record.published.toISOString()}>{day(a.record.published)}</time>
                  {products(a.record).length > 0 && ` · ${products(a.record).join(", ")}`}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </Layout>
  );
}

function rangeText(r: AffectedProduct["ranges"][number]): { affected: string; fixed: string | null } {
  const from = !r.introduced || r.introduced === "0" ? "all versions" : `from ${r.introduced}`;
  if (r.fixed) return { affected: `${from}, before ${r.fixed}`, fixed: r.fixed };
  if (r.lastAffected) return { affected: `${from} up to and including ${r.lastAffected}`, fixed: null };
  return { affected: `${from}, no fix yet`, fixed: null };
}

function Affected(props: { affected: readonly AffectedProduct[] }) {
  if (props.affected.length === 0) return <p class="muted">No affected products are listed.</p>;
  return (
    <ul class="plain-list" id="affected">
      {props.affected.map((p) => (
        <li>
          <strong>{p.product}</strong>
          {p.package && (
            <span class="muted">
              {" "}
              ({p.package.ecosystem} package <code class="mono">{p.package.name}</code>)
            </span>
          )}
          {p.repository && (
            <span class="muted">
              {" "}
              (<code class="mono break">{p.repository}</code>)
            </span>
          )}
          <ul>
            {p.ranges.map((r) => {
              const t = rangeText(r);
              return (
                <li>
                  Affected: <span class="mono break">{t.affected}</span>
                  {t.fixed && (
                    <>
                      {" · "}Fixed in <span class="mono break">{t.fixed}</span>
                    </>
                  )}
                </li>
              );
            })}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** /advisories/<id>: the advisory as its latest revision made it public. */
export function AdvisoryPage(props: { orgName: string; advisory: PublicAdvisory; cveDocument: boolean }) {
  const { record: r, severity, withdrawnReason } = props.advisory;
  const base = `/advisories/${encodeURIComponent(r.id)}`;
  return (
    <Layout title={`${r.id}: ${r.title}`} orgName={props.orgName} column>
      <section class="card">
        <p class="muted small">
          <a href="/advisories">Security advisories</a> / <code class="mono">{r.id}</code>
        </p>
        <h1>{r.title}</h1>
        {r.withdrawn && (
          <div class="notice warn" id="withdrawn">
            <strong>Withdrawn on {day(r.withdrawn)}.</strong> {withdrawnReason ?? ""}
          </div>
        )}
        <p>{r.summary}</p>
        <dl class="facts">
          <dt>Severity</dt>
          <dd>
            <SeverityBadge severity={severity} />
            {severity && (
              <>
                {" "}
                <code class="mono break" id="cvss-vector">
                  {severity.vector}
                </code>
              </>
            )}
          </dd>
          <dt>CVE</dt>
          <dd>{r.cveId ? <code class="mono">{r.cveId}</code> : <span class="muted">None assigned</span>}</dd>
          {r.cwe.length > 0 && (
            <>
              <dt>Weakness</dt>
              <dd>{r.cwe.join(", ")}</dd>
            </>
          )}
          <dt>Published</dt>
          <dd>
            <time datetime={r.published.toISOString()}>{day(r.published)}</time>
          </dd>
          <dt>Updated</dt>
          <dd>
            <time datetime={r.modified.toISOString()}>{day(r.modified)}</time>
          </dd>
        </dl>
      </section>

      {r.details.trim() !== "" && (
        <section class="card" aria-labelledby="details-heading">
          <h2 id="details-heading">Details</h2>
          <Markdown source={r.details} />
        </section>
      )}

      <section class="card" aria-labelledby="affected-heading">
        <h2 id="affected-heading">Affected and fixed versions</h2>
        <Affected affected={r.affected} />
      </section>

      {(r.workarounds || r.solution) && (
        <section class="card" aria-labelledby="remedy-heading">
          <h2 id="remedy-heading">What to do</h2>
          {r.solution && (
            <>
              <h3>Solution</h3>
              <Markdown source={r.solution} />
            </>
          )}
          {r.workarounds && (
            <>
              <h3>Workarounds</h3>
              <Markdown source={r.workarounds} />
            </>
          )}
        </section>
      )}

      {r.references.length > 0 && (
        <section class="card" aria-labelledby="references-heading">
          <h2 id="references-heading">References</h2>
          <ul class="plain-list" id="references">
            {r.references.map((ref) => (
              <li>
                <span class="badge">{ref.type.toLowerCase()}</span>{" "}
                {/^https?:\/\//.test(ref.url) ? (
                  <a class="break" href={ref.url} rel="noopener noreferrer nofollow">
                    {ref.url}
                  </a>
                ) : (
                  <span class="mono break">{ref.url}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section class="card" aria-labelledby="credits-heading">
        <h2 id="credits-heading">Credits</h2>
        {r.credits.length === 0 ? (
          <p class="muted">We thank everyone who helped; no one asked to be named.</p>
        ) : (
          <ul class="plain-list" id="credits">
            {r.credits.map((c) => (
              <li>
                {c.name} <span class="muted">({c.role.replaceAll("_", " ")})</span>
                {(c.contact ?? [])
                  .filter((u) => u.startsWith("https://"))
                  .map((u) => (
                    <>
                      {" "}
                      <a class="break" href={u} rel="noopener noreferrer nofollow">
                        {u}
                      </a>
                    </>
                  ))}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Revision history</h2>
        <ol class="timeline" id="revisions">
          {r.revisions.map((rev) => (
            <li>
              <time datetime={rev.date.toISOString()}>
                {day(rev.date)} · revision {rev.number}
              </time>
              {rev.summary}
            </li>
          ))}
        </ol>
      </section>

      <section class="card" aria-labelledby="documents-heading">
        <h2 id="documents-heading">Machine-readable documents</h2>
        <ul class="plain-list" id="documents">
          <li>
            <a href={`${base}/osv.json`}>OSV</a>
          </li>
          {props.cveDocument && (
            <li>
              <a href={`${base}/cve.json`}>CVE JSON 5</a>
            </li>
          )}
          <li>
            <a href={csafPath(r)}>CSAF 2.0</a> (<a href={`${csafPath(r)}.asc`}>signature</a>)
          </li>
        </ul>
      </section>
    </Layout>
  );
}
