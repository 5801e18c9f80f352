// The report page's fix repository panel: where to clone from, and per fix branch its head, its commits, who
// verified which SHA (current or stale), a JS-free form to verify the head, and the branch's diff against its
// base. Everything is text in JSX, so commit subjects, author lines and diffs are escaped.

import { branchName, shortSha } from "../../domain/workflow.ts";
import { Csrf, formatDate } from "../../http/layout.tsx";
import { FixDiff } from "../fixes/diff.views.tsx";
import type { FixPanel, PanelBranch } from "./fix-panel.service.ts";

/** A SHA as people read it, the full one a hover away. */
function Sha(props: { sha: string | null }) {
  if (!props.sha) return <span class="muted">unknown</span>;
  return (
    <code class="sha" title={props.sha}>
      {shortSha(props.sha)}
    </code>
  );
}

function Commits(props: { branch: PanelBranch }) {
  const { branch } = props;
  if (branch.commits.length === 0) {
    return <p class="muted small">No commits pushed yet: the branch is still at its base.</p>;
  }
  return (
    <ol class="plain-list fix-commits">
      {branch.commits.map((c) => (
        <li>
          <Sha sha={c.sha} /> <span class="break">{c.subject || "(no subject)"}</span>{" "}
          {c.sha === branch.headSha && <span class="badge">head</span>}
          <br />
          <span class="small muted">
            <span class="break">{c.gitAuthor || "unknown author"}</span> · pushed by{" "}
            {c.pushedBy?.name ?? "someone"} on {formatDate(c.pushedAt)} · {c.filesChanged}{" "}
            {c.filesChanged === 1 ? "file" : "files"}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Verifications(props: { branch: PanelBranch }) {
  const { verifications } = props.branch;
  if (verifications.length === 0) {
    return (
      <p class="small">
        <span class="badge sla-due_soon">Not verified</span> A second member must verify the head.
      </p>
    );
  }
  return (
    <ul class="plain-list fix-verifications small">
      {[...verifications].reverse().map((v) => (
        <li>
          {v.current ? (
            <span class="badge sla-met">Current</span>
          ) : (
            <span class="badge sla-overdue">Stale</span>
          )}{" "}
          {v.verifier?.name ?? "someone"} verified <Sha sha={v.sha} /> on {formatDate(v.at)}
          {!v.current && <span class="muted"> — the branch moved past it</span>}
        </li>
      ))}
    </ul>
  );
}

function VerifyHead(props: { branch: PanelBranch; reference: string; csrfToken: string | null }) {
  const { verify } = props.branch;
  if (!verify) {
    return (
      <p class="small muted">
        The head <Sha sha={props.branch.headSha} /> was not recorded as a pushed commit, so it cannot be
        verified here.
      </p>
    );
  }
  if (verify.refusal !== null) {
    return <p class="small muted verify-refusal">{verify.refusal}</p>;
  }
  return (
    <form method="post" action={`/reports/${props.reference}/actions`} class="inline verify-head">
      <Csrf token={props.csrfToken} />
      <input type="hidden" name="action" value="verify_fix" />
      <input type="hidden" name="fix" value={verify.sha} />
      <button type="submit">Verify {shortSha(verify.sha)}</button>{" "}
      <span class="hint">You confirm the whole diff below fixes the report; it binds to this SHA.</span>
    </form>
  );
}

function Branch(props: { branch: PanelBranch; index: number; panel: FixPanel; csrfToken: string | null }) {
  const { branch, panel } = props;
  return (
    <article class="fix-branch" aria-labelledby={`fix-branch-${props.index}`}>
      <h3 id={`fix-branch-${props.index}`} class="mono break">
        {branch.name}
      </h3>
      <dl class="facts">
        <dt>Head</dt>
        <dd>
          <Sha sha={branch.headSha} /> <span class="small muted">updated {formatDate(branch.updatedAt)}</span>
        </dd>
        <dt>Base</dt>
        <dd>
          <span class="mono break">{branchName(panel.base.ref)}</span> at <Sha sha={panel.base.sha} />
        </dd>
      </dl>
      <h4>Commits</h4>
      <Commits branch={branch} />
      <h4>Verifications</h4>
      <Verifications branch={branch} />
      <VerifyHead branch={branch} reference={panel.reference} csrfToken={props.csrfToken} />
      <h4>
        Changes: <Sha sha={panel.base.sha} />
        ..
        <Sha sha={branch.headSha} />
      </h4>
      {branch.diff.ok ? (
        <FixDiff diff={branch.diff.value} />
      ) : (
        <p class="notice small" role="status">
          {branch.diff.note}
        </p>
      )}
    </article>
  );
}

/** The fix repository of a report: clone URL, and each fix branch with its commits, verifications and diff. */
export function FixRepositoryPanel(props: { panel: FixPanel; csrfToken: string | null }) {
  const { panel } = props;
  return (
    <section class="card" id="fix-repository" aria-labelledby="fix-repository-heading">
      <h2 id="fix-repository-heading">Fix repository</h2>
      <p class="small">
        A private copy of <strong>{panel.repositoryName}</strong> for this report. A verification is bound to
        the SHA it verified: when the branch moves, a second member verifies the new head.
      </p>
      <label for="fix-clone-url">Clone URL</label>
      <input id="fix-clone-url" class="mono clone-url" type="text" readonly value={panel.cloneUrl} />
      <p class="hint">
        Use your API token as the password. Pushes may change only <span class="mono">fix/*</span> branches.
      </p>
      {panel.branches.length === 0 ? (
        <p class="muted small">No fix branch yet.</p>
      ) : (
        panel.branches.map((branch, index) => (
          <Branch branch={branch} index={index} panel={panel} csrfToken={props.csrfToken} />
        ))
      )}
    </section>
  );
}
