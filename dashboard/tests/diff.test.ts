import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDiff } from '../src/diff';

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
