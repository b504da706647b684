/** Parses a unified diff (git diff output) into files, hunks and numbered lines. Pure. */

export interface DiffLine {
  kind: 'add' | 'del' | 'context' | 'meta';
  text: string;
  oldLine: number | null;
  newLine: number | null;
}

export interface DiffFile {
  path: string;
  oldPath: string;
  lines: DiffLine[];
  added: number;
  removed: number;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

function stripPrefix(path: string): string {
  return path.replace(/^[ab]\//, '').replace(/\t.*$/, '');
}

function newFile(header: string): DiffFile {
  const m = /^diff --git a\/(.+) b\/(.+)$/.exec(header);
  return { path: m ? m[2] : '', oldPath: m ? m[1] : '', lines: [], added: 0, removed: 0 };
}

export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let file: DiffFile | null = null;
  let oldNo = 0;
  let newNo = 0;
  let inHunk = false;
  const rows = text.replace(/\r\n/g, '\n').split('\n');
  rows.forEach((raw, i) => {
    const plainHeader = raw.startsWith('--- ') && rows[i + 1]?.startsWith('+++ ') && (inHunk || !file);
    if (raw.startsWith('diff --git ') || plainHeader) {
      file = newFile(raw.startsWith('diff ') ? raw : '');
      files.push(file);
      inHunk = false;
      if (raw.startsWith('diff ')) return;
    }
    if (!file) return;
    const hunk = HUNK.exec(raw);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      inHunk = true;
      file.lines.push({ kind: 'meta', text: raw, oldLine: null, newLine: null });
    } else if (!inHunk) {
      if (raw.startsWith('+++ ') && raw !== '+++ /dev/null') file.path = stripPrefix(raw.slice(4));
      if (raw.startsWith('--- ') && raw !== '--- /dev/null') file.oldPath = stripPrefix(raw.slice(4));
      if (!file.path && file.oldPath) file.path = file.oldPath;
    } else if (raw.startsWith('+')) {
      file.lines.push({ kind: 'add', text: raw.slice(1), oldLine: null, newLine: newNo++ });
      file.added++;
    } else if (raw.startsWith('-')) {
      file.lines.push({ kind: 'del', text: raw.slice(1), oldLine: oldNo++, newLine: null });
      file.removed++;
    } else if (raw.startsWith(' ')) {
      file.lines.push({ kind: 'context', text: raw.slice(1), oldLine: oldNo++, newLine: newNo++ });
    } else if (raw.startsWith('\\')) {
      file.lines.push({ kind: 'meta', text: raw, oldLine: null, newLine: null });
    }
  });
  return files.filter((f) => f.path || f.lines.length);
}

/** The line number a review comment on this row is stored under: the new file's, else the old file's. */
export function lineNumberOf(line: DiffLine): number | null {
  return line.kind === 'meta' ? null : line.newLine ?? line.oldLine;
}

/**
 * For each line number of a file, the one row (its index in `file.lines`) that holds that number's
 * comments and comment form: the first row with it. A deleted and an added line can share a number;
 * they share one form, so a comment is posted and shown once.
 */
export function anchorRows(file: DiffFile): Map<number, number> {
  const anchors = new Map<number, number>();
  file.lines.forEach((line, i) => {
    const number = lineNumberOf(line);
    if (number !== null && !anchors.has(number)) anchors.set(number, i);
  });
  return anchors;
}

/** The comments no diff row shows: on the whole file (no line), on a line or file not in the diff. */
export function unplaced<C extends { filePath: string; lineNumber: number | null }>(files: DiffFile[], comments: C[]): C[] {
  const placed = new Set(files.flatMap((f) => [...anchorRows(f).keys()].map((n) => `${f.path}:${n}`)));
  return comments.filter((c) => c.lineNumber === null || !placed.has(`${c.filePath}:${c.lineNumber}`));
}
