/**
 * Every relative link in the repository's Markdown resolves: to a file or directory of the checkout,
 * and, with a `#fragment`, to a heading of that Markdown file (GitHub's anchors). The docs are all a
 * user has; a link to a file outside the repository or a heading that was renamed is a defect.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');
const markdown = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);

/** GitHub's anchor of a heading: lower case, punctuation but "-" and "_" dropped, spaces to "-". */
export const anchorOf = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchors(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1])));
}

/** [text](target) links outside code, with their line. */
function links(file: string): { target: string; line: number }[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found: { target: string; line: number }[] = [];
  let fenced = false;
  lines.forEach((text, i) => {
    if (/^\s*```/.test(text)) fenced = !fenced;
    if (fenced) return;
    const prose = text.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/\]\(([^)\s]+)\)/g)) found.push({ target: m[1], line: i + 1 });
  });
  return found;
}

describe('Markdown links', () => {
  it('finds the Markdown files', () => {
    expect(markdown).toContain('README.md');
    expect(markdown).toContain('docs/boards.md');
  });

  it('resolves every relative link to a file of the checkout, and every fragment to a heading there', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      for (const { target, line } of links(join(root, file))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [path, fragment] = target.split('#', 2);
        const resolved = path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURI(path));
        const where = `${file}:${line} (${target})`;
        if (!resolved.startsWith(root) || !existsSync(resolved)) {
          broken.push(`${where}: no ${relative(root, resolved)} in the repository`);
          continue;
        }
        if (fragment && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchors(resolved).has(fragment)) {
          broken.push(`${where}: no heading #${fragment} in ${relative(root, resolved)}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('makes anchors as GitHub does', () => {
    expect(anchorOf('Without internet: kind built offline')).toBe('without-internet-kind-built-offline');
    expect(anchorOf('The `k8s-jdbc` and `k8s-kafka` stacks')).toBe('the-k8s-jdbc-and-k8s-kafka-stacks');
    expect(anchorOf('Faults and recovery (Docker)')).toBe('faults-and-recovery-docker');
  });
});
