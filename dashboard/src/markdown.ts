/**
 * A small Markdown reader for prompts and responses: headings, paragraphs, lists, code blocks and
 * spans, emphasis and links. It yields a tree of plain values; the component turns it into elements
 * whose text is always text. Nothing in the input becomes HTML, and a link is kept only for http(s).
 */

export type Inline =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'em'; children: Inline[] }
  | { kind: 'link'; href: string; children: Inline[] };

export type Block =
  | { kind: 'heading'; level: number; children: Inline[] }
  | { kind: 'paragraph'; children: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'code'; lang: string; text: string };

/** A link's address if it is http(s), else null (javascript:, data:, relative… are shown as text). */
export function safeHref(href: string): string | null {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\(([^)\s]+)\)|<?(https?:\/\/[^\s<>)]+)>?/;

export function inline(text: string): Inline[] {
  const out: Inline[] = [];
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) { out.push({ kind: 'text', text: rest }); break; }
    if (m.index > 0) out.push({ kind: 'text', text: rest.slice(0, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) out.push({ kind: 'strong', children: inline(m[2] ?? m[3]) });
    else if (m[4] !== undefined || m[5] !== undefined) out.push({ kind: 'em', children: inline(m[4] ?? m[5]) });
    else if (m[6] !== undefined) {
      const href = safeHref(m[7]);
      out.push(href ? { kind: 'link', href, children: inline(m[6]) } : { kind: 'text', text: m[0] });
    } else {
      const href = safeHref(m[8]);
      out.push(href ? { kind: 'link', href, children: [{ kind: 'text', text: m[8] }] } : { kind: 'text', text: m[0] });
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBER = /^\s*\d+[.)]\s+(.*)$/;

export function parse(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ kind: 'paragraph', children: inline(para.join(' ')) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)\s*([\w+-]*)/.exec(line);
    if (fence) {
      flush();
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) body.push(lines[i]);
      blocks.push({ kind: 'code', lang: fence[2], text: body.join('\n') });
      continue;
    }
    const head = /^(#{1,6})\s+(.*)$/.exec(line);
    if (head) { flush(); blocks.push({ kind: 'heading', level: head[1].length, children: inline(head[2].trim()) }); continue; }
    const item = BULLET.exec(line) ?? NUMBER.exec(line);
    if (item) {
      flush();
      const ordered = !BULLET.test(line);
      const items: Inline[][] = [];
      for (; i < lines.length; i++) {
        const m = (ordered ? NUMBER : BULLET).exec(lines[i]);
        if (!m) { i--; break; }
        items.push(inline(m[1]));
      }
      blocks.push({ kind: 'list', ordered, items });
      continue;
    }
    if (!line.trim()) flush();
    else para.push(line.trim());
  }
  flush();
  return blocks;
}
