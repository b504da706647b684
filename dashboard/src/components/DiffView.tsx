import { anchorRows, lineNumberOf, parseDiff, unplaced, type DiffFile, type DiffLine } from '../diff';
import type { ReviewComment } from '../types';
import type { ViewState } from '../view';
import { useActions } from './context';
import { submitText } from './format';

interface Props {
  taskId: string;
  diff: string;
  comments: ReviewComment[];
  commentAt: ViewState['commentAt'];
}

function CommentForm({ taskId, filePath, lineNumber }: { taskId: string; filePath: string; lineNumber: number | null }) {
  const actions = useActions();
  const submit = submitText('content', (content) => actions.addReviewComment(taskId, filePath, lineNumber, content));
  return (
    <form class="inline-form review-comment-form" onSubmit={submit}>
      <textarea name="content" rows={2} aria-label="Review comment" placeholder={`Comment on ${filePath}${lineNumber ? `:${lineNumber}` : ''}…`} required autofocus />
      <button type="submit">Add comment</button>
      {lineNumber !== null && <button type="button" onClick={() => actions.commentAt(null)}>Cancel</button>}
    </form>
  );
}

function Comments({ list }: { list: ReviewComment[] }) {
  return (
    <>{list.map((c) => (
      <div key={c.id} class={`review-comment ${c.resolved ? 'resolved' : ''}`}>
        <span class="muted small">{c.authorRole}{c.resolved ? ' · resolved' : ''}</span>
        <div class="pre">{c.content}</div>
      </div>
    ))}</>
  );
}

/** One diff row; `anchor`: the row that holds its line number's comments and form (see anchorRows). */
function Line({ line, file, anchor, props }: { line: DiffLine; file: DiffFile; anchor: boolean; props: Props }) {
  const actions = useActions();
  const number = lineNumberOf(line);
  const here = anchor ? props.comments.filter((c) => c.filePath === file.path && c.lineNumber === number) : [];
  const open = anchor && props.commentAt?.filePath === file.path && props.commentAt.lineNumber === number;
  // A deleted line is commented by its old number, every other line by its new one.
  const button = number === null ? '' : (
    <button class="ln-btn" title="Comment on this line"
      onClick={() => actions.commentAt({ filePath: file.path, lineNumber: number })}>{number}</button>
  );
  return (
    <>
      <tr class={`diff-${line.kind}`}>
        <td class="ln">{line.kind === 'del' ? button : line.oldLine ?? ''}</td>
        <td class="ln">{line.kind === 'del' ? '' : button}</td>
        <td class="code">{line.kind === 'add' ? '+' : line.kind === 'del' ? '-' : ' '}{line.text}</td>
      </tr>
      {(here.length > 0 || open) && number !== null && (
        <tr class="diff-comments"><td colSpan={3}>
          <Comments list={here} />
          {open && <CommentForm taskId={props.taskId} filePath={file.path} lineNumber={number} />}
        </td></tr>
      )}
    </>
  );
}

function FileDiff({ file, props }: { file: DiffFile; props: Props }) {
  const anchors = anchorRows(file);
  return (
    <details open class="diff-file">
      <summary><span class="mono">{file.path}</span> <span class="add">+{file.added}</span> <span class="del">−{file.removed}</span></summary>
      <table><tbody>{file.lines.map((line, i) => {
        const number = lineNumberOf(line);
        return <Line key={i} line={line} file={file} anchor={number !== null && anchors.get(number) === i} props={props} />;
      })}</tbody></table>
    </details>
  );
}

export function DiffView(props: Props) {
  const files = parseDiff(props.diff);
  const general = unplaced(files, props.comments);
  return (
    <div class="diff">
      {files.map((file) => <FileDiff key={file.path} file={file} props={props} />)}
      {files.length === 0 && <pre class="pre">{props.diff}</pre>}
      {general.length > 0 && <div class="review-general"><h4>Other review comments</h4>{general.map((c) => (
        <div key={c.id}><span class="mono small">{c.filePath}{c.lineNumber ? `:${c.lineNumber}` : ''}</span><Comments list={[c]} /></div>
      ))}</div>}
      {files.length > 0 && <CommentForm taskId={props.taskId} filePath={files[0].path} lineNumber={null} />}
    </div>
  );
}
