// The advisory as its public page reads it (summary, severity with vector and score, affected and fixed versions,
// workarounds, references, credits, revisions), rendered on the server for the editor's Preview and the reporter's
// shared draft. No data fetching: it shows the record it is given.

import type { AdvisoryRecord, AffectedProduct } from "../../domain/advisory-record.ts";
import { CWE_NAMES } from "../../domain/advisory-record.ts";
import { formatDate } from "../../http/layout.tsx";
import { renderMarkdown } from "../../http/markdown.ts";
import type { AdvisoryPreview } from "./advisory-views.service.ts";

function Markdown(props: { source: string }) {
  return <div class="prose" dangerouslySetInnerHTML={{ __html: renderMarkdown(props.source) }} />;
}

function rangeText(r: AffectedProduct["ranges"][number]): { affected: string; fixed: string } {
  const from = r.introduced === "0" ? "all versions" : `from ${r.introduced}`;
  if (r.fixed) return { affected: `${from}, before ${r.fixed}`, fixed: r.fixed };
  if (r.lastAffected) return { affected: `${from} through ${r.lastAffected}`, fixed: "no fix yet" };
  return { affected: from, fixed: "no fix yet" };
}

function Affected(props: { affected: AffectedRecord }) {
  if (props.affected.length === 0) return <p class="muted">No affected product is named yet.</p>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Affected</th>
            <th scope="col">Fixed</th>
          </tr>
        </thead>
        <tbody>
          {props.affected.flatMap((p) =>
            (p.ranges.length > 0 ? p.ranges : [null]).map((r) => {
              const t = r ? rangeText(r) : { affected: "no range given", fixed: "" };
              return (
                <tr>
                  <td class="break">
                    {p.product}
                    {p.package && (
                      <span class="muted small block">
                        {p.package.ecosystem}: {p.package.name}
                      </span>
                    )}
                    {p.repository && <span class="muted small block mono break">{p.repository}</span>}
                  </td>
                  <td class="mono break">{t.affected}</td>
                  <td class="mono break">{t.fixed}</td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </div>
  );
}
type AffectedRecord = AdvisoryRecord["affected"];

/** The public page's body for one advisory. `headingLevel` lets it sit inside another page. */
export function AdvisoryDocument(props: { preview: AdvisoryPreview; draft?: boolean }) {
  const { record: a, severity } = props.preview;
  return (
    <article class="advisory-document stack">
      <header>
        <p class="muted mono">{a.id}</p>
        <h2>{a.title}</h2>
        {props.draft && <p class="badge">Draft: not public</p>}
        <p>{a.summary}</p>
      </header>
      <dl class="grid">
        <div>
          <dt>Severity</dt>
          <dd>
            {severity ? (
              <>
                <span class={`badge sev-${severity.label.toLowerCase()}`}>{severity.label}</span>{" "}
                {severity.score.toFixed(1)} (CVSS {severity.version})
                <span class="mono small block break">{a.cvss}</span>
              </>
            ) : (
              <span class="muted">Not scored</span>
            )}
          </dd>
        </div>
        <div>
          <dt>CVE</dt>
          <dd class="mono">{a.cveId ?? "none"}</dd>
        </div>
        <div>
          <dt>Weakness</dt>
          <dd>
            {a.cwe.length === 0
              ? "not classified"
              : a.cwe.map((id) => (
                  <span class="block">
                    {id}
                    {CWE_NAMES[id] ? `: ${CWE_NAMES[id]}` : ""}
                  </span>
                ))}
          </dd>
        </div>
        <div>
          <dt>Published</dt>
          <dd>{props.draft ? "not yet" : formatDate(a.published)}</dd>
        </div>
      </dl>
      <section>
        <h3>Affected products</h3>
        <Affected affected={a.affected} />
      </section>
      {a.details.trim() !== "" && (
        <section>
          <h3>Details</h3>
          <Markdown source={a.details} />
        </section>
      )}
      {a.workarounds && (
        <section>
          <h3>Workarounds</h3>
          <Markdown source={a.workarounds} />
        </section>
      )}
      {a.solution && (
        <section>
          <h3>Solution</h3>
          <Markdown source={a.solution} />
        </section>
      )}
      {a.references.length > 0 && (
        <section>
          <h3>References</h3>
          <ul>
            {a.references.map((r) => (
              <li class="break">
                <span class="muted small">{r.type}</span>{" "}
                <a href={r.url} rel="nofollow noopener">
                  {r.url}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {a.credits.length > 0 && (
        <section>
          <h3>Credits</h3>
          <ul>
            {a.credits.map((c) => (
              <li>
                {c.name} <span class="muted small">({c.role.replace(/_/g, " ")})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!props.draft && (
        <section>
          <h3>Revision history</h3>
          <ol>
            {a.revisions.map((r) => (
              <li>
                {formatDate(r.date)}: {r.summary}
              </li>
            ))}
          </ol>
        </section>
      )}
    </article>
  );
}
