import MarkdownIt from "markdown-it";

/** Schemes a link in admin Markdown may use; anything else (javascript:, data:, vbscript:, file: ...) is refused. */
const ALLOWED_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const SCHEME = /^([a-z][a-z0-9+.-]*:)/;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

// markdown-it's own check still lets data:image/* through; we only keep web and mail links and relative ones.
md.validateLink = (url: string): boolean => {
  const normalized = url.trim().toLowerCase();
  const scheme = SCHEME.exec(normalized)?.[1];
  return scheme === undefined || ALLOWED_SCHEMES.has(scheme);
};

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  // Admin text links to other sites: they earn no ranking from us and get no handle on this window.
  tokens[idx]!.attrSet("rel", "nofollow noopener");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/**
 * Admin-written Markdown (the policy, the safe-harbor text) as HTML that is safe to insert unescaped: raw HTML is
 * escaped (html: false), so no tag or attribute from the source survives, and links are limited to safe schemes.
 */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
