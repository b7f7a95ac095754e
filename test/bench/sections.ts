// Merging one area's section into docs/benchmarks.md (`npm run bench -- <area> --write`):
// the section with the same title is replaced, or appended when there is none; every other
// section and the header stay as the last run wrote them.

/** The document with `section` (a whole `## title` block) in place of the one of that title. */
export function mergeSection(document: string, title: string, section: string): string {
  const heading = `## ${title}\n`;
  const start = document.indexOf(`\n${heading}`);
  const block = section.replace(/\n*$/, '\n');
  if (start < 0) return `${document.replace(/\n*$/, '\n')}\n${block}`;
  const next = document.indexOf('\n## ', start + heading.length);
  if (next < 0) return `${document.slice(0, start + 1)}${block}`;
  return `${document.slice(0, start + 1)}${block}\n${document.slice(next + 1)}`;
}
