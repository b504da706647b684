import { parseDiff, type DiffFile, type DiffLine } from '../diff';
import type { ReviewComment } from '../types';
import type { ViewState } from '../view';
import { useActions } from './context';
import { formValues, text } from './format';

interface Props {
  taskId: string;
  diff: string;
  comments: ReviewComment[];
  commentAt: ViewState['commentAt'];
}

function CommentForm({ taskId, filePath, lineNumber }: { taskId: string; filePath: string; lineNumber: number | null }) {
  const actions = useActions();
  const submit = (event: Event) => {
    const { data } = formValues(event);
    const content = text(data, 'content');
    if (content) void actions.addReviewComment(taskId, filePath, lineNumber, content);
  };
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

function Line({ line, file, props }: { line: DiffLine; file: DiffFile; props: Props }) {
  const actions = useActions();
  const number = line.newLine ?? line.oldLine;
  const here = props.comments.filter((c) => c.filePath === file.path && c.lineNumber === number && line.kind !== 'meta');
  const open = props.commentAt?.filePath === file.path && props.commentAt.lineNumber === number && line.kind !== 'meta';
  return (
    <>
      <tr class={`diff-${line.kind}`}>
        <td class="ln">{line.oldLine ?? ''}</td>
        <td class="ln">
          {number !== null && line.kind !== 'meta'
            ? <button class="ln-btn" title="Comment on this line"
                onClick={() => actions.commentAt({ filePath: file.path, lineNumber: number })}>{line.newLine ?? ''}</button>
            : ''}
        </td>
        <td class="code">{line.kind === 'add' ? '+' : line.kind === 'del' ? '-' : ' '}{line.text}</td>
      </tr>
      {(here.length > 0 || open) && (
        <tr class="diff-comments"><td colSpan={3}>
          <Comments list={here} />
          {open && <CommentForm taskId={props.taskId} filePath={file.path} lineNumber={number} />}
        </td></tr>
      )}
    </>
  );
}

export function DiffView(props: Props) {
  const files = parseDiff(props.diff);
  const placed = new Set(files.flatMap((f) => f.lines.map((l) => `${f.path}:${l.newLine ?? l.oldLine}`)));
  const general = props.comments.filter((c) => !placed.has(`${c.filePath}:${c.lineNumber}`));
  return (
    <div class="diff">
      {files.map((file) => (
        <details open key={file.path} class="diff-file">
          <summary><span class="mono">{file.path}</span> <span class="add">+{file.added}</span> <span class="del">−{file.removed}</span></summary>
          <table><tbody>{file.lines.map((line, i) => <Line key={i} line={line} file={file} props={props} />)}</tbody></table>
        </details>
      ))}
      {files.length === 0 && <pre class="pre">{props.diff}</pre>}
      {general.length > 0 && <div class="review-general"><h4>Other review comments</h4>{general.map((c) => (
        <div key={c.id}><span class="mono small">{c.filePath}{c.lineNumber ? `:${c.lineNumber}` : ''}</span><Comments list={[c]} /></div>
      ))}</div>}
      {files.length > 0 && <CommentForm taskId={props.taskId} filePath={files[0].path} lineNumber={null} />}
    </div>
  );
}
