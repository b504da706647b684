import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorRows, parseDiff, unplaced } from '../src/diff';

const GIT = `diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
--- a/src/app.py
+++ b/src/app.py
@@ -10,3 +10,4 @@ def main():
     keep = 1
-    old = 2
+    new = 2
+    more = 3
     tail = 4
diff --git a/README.md b/README.md
new file mode 100644
--- /dev/null
+++ b/README.md
@@ -0,0 +1 @@
+# hi
`;

describe('parseDiff', () => {
  it('splits files and numbers lines on both sides', () => {
    const [app, readme] = parseDiff(GIT);
    assert.equal(app.path, 'src/app.py');
    assert.equal(app.added, 2);
    assert.equal(app.removed, 1);
    const lines = app.lines.filter((l) => l.kind !== 'meta');
    assert.deepEqual(lines.map((l) => [l.kind, l.oldLine, l.newLine]), [
      ['context', 10, 10], ['del', 11, null], ['add', null, 11], ['add', null, 12], ['context', 12, 13],
    ]);
    assert.equal(readme.path, 'README.md');
    assert.equal(readme.lines.at(-1)?.text, '# hi');
  });

  it('reads plain unified diffs without git headers', () => {
    const files = parseDiff('--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a\n+b\n--- a/y.txt\n+++ b/y.txt\n@@ -1 +1 @@\n-c\n+d\n');
    assert.deepEqual(files.map((f) => f.path), ['x.txt', 'y.txt']);
  });

  it('returns nothing for text that is not a diff', () => {
    assert.deepEqual(parseDiff('just words'), []);
  });
});

describe('review comment anchors', () => {
  it('gives a number shared by a deleted and an added line one row, so one form opens', () => {
    const [app] = parseDiff(GIT);
    const anchors = anchorRows(app);
    const rowsWith11 = app.lines.map((l, i) => [l, i] as const).filter(([l]) => (l.newLine ?? l.oldLine) === 11 && l.kind !== 'meta');
    assert.equal(rowsWith11.length, 2);
    assert.equal(anchors.get(11), rowsWith11[0][1]);
    assert.equal([...anchors.values()].filter((i) => app.lines[i].kind !== 'meta').length, anchors.size);
  });

  it('shows a comment on the whole file or on a line outside the diff apart, and a placed one only on its row', () => {
    const files = parseDiff(GIT);
    const comments = [
      { id: 'a', filePath: 'src/app.py', lineNumber: null }, { id: 'b', filePath: 'src/app.py', lineNumber: 11 },
      { id: 'c', filePath: 'src/app.py', lineNumber: 99 }, { id: 'd', filePath: 'other.py', lineNumber: 1 },
    ];
    assert.deepEqual(unplaced(files, comments).map((c) => c.id), ['a', 'c', 'd']);
  });
});
