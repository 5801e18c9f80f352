import type { HallYear } from "../../domain/hall-of-fame.ts";
import { Layout } from "../../http/layout.tsx";

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The acknowledgments page security.txt points to: researchers who opted in, by year, after publication. */
export function HallOfFamePage(props: { orgName: string; years: HallYear[] }) {
  return (
    <Layout title="Hall of fame" orgName={props.orgName} column>
      <section class="card">
        <h1>Hall of fame</h1>
        <p>
          We thank the researchers who reported vulnerabilities to us responsibly. Researchers appear here
          when they chose to, once the advisory crediting them is public.{" "}
          <a href="/hall-of-fame.atom">Atom feed</a>
        </p>
        {props.years.length === 0 && (
          <div class="empty-state">
            <p>
              <strong>No one is listed yet.</strong> Credited researchers will be listed here once an advisory
              crediting them is public.
            </p>
            <p class="muted">
              Be the first: read our <a href="/">policy</a> and <a href="/report">report a vulnerability</a>.
            </p>
          </div>
        )}
      </section>
      {props.years.map((y) => (
        <section class="card" aria-labelledby={`year-${y.year}`}>
          <h2 id={`year-${y.year}`}>{y.year}</h2>
          <ol class="plain-list stack">
            {y.researchers.map((r) => (
              <li class="hall-entry">
                <h3>
                  {r.url ? (
                    <a href={r.url} rel="nofollow noopener ugc">
                      {r.name}
                    </a>
                  ) : (
                    r.name
                  )}
                  {r.affiliation && <span class="muted"> ({r.affiliation})</span>}{" "}
                  <span class="badge">
                    {r.count} {r.count === 1 ? "credit" : "credits"}
                  </span>
                </h3>
                {r.advisories.length > 0 && (
                  <ul>
                    {r.advisories.map((a) => (
                      <li>
                        <span class="mono">{a.id}</span> {a.title}
                        {a.severity && <span class={`badge sev-${a.severity}`}>{a.severity}</span>}{" "}
                        <time class="muted small" datetime={a.date.toISOString()}>
                          {day(a.date)}
                        </time>
                      </li>
                    ))}
                  </ul>
                )}
                {r.thanks > 0 && (
                  <p class="muted small">
                    Thanked for {r.thanks === 1 ? "a valid report" : `${r.thanks} valid reports`} that needed
                    no advisory.
                  </p>
                )}
              </li>
            ))}
          </ol>
        </section>
      ))}
    </Layout>
  );
}
