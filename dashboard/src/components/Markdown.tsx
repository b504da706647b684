import type { ComponentChildren } from 'preact';
import { parse, type Block, type Inline } from '../markdown';

function Inlines({ nodes }: { nodes: Inline[] }) {
  return <>{nodes.map((node, i) => <InlineNode key={i} node={node} />)}</>;
}

function InlineNode({ node }: { node: Inline }): preact.JSX.Element {
  switch (node.kind) {
    case 'text': return <>{node.text}</>;
    case 'code': return <code>{node.text}</code>;
    case 'strong': return <strong><Inlines nodes={node.children} /></strong>;
    case 'em': return <em><Inlines nodes={node.children} /></em>;
    case 'link': return <a href={node.href} target="_blank" rel="noopener noreferrer nofollow"><Inlines nodes={node.children} /></a>;
  }
}

function BlockNode({ block }: { block: Block }): preact.JSX.Element {
  switch (block.kind) {
    case 'heading': {
      const Tag = `h${Math.min(6, block.level + 3)}` as 'h4';
      return <Tag class="md-heading"><Inlines nodes={block.children} /></Tag>;
    }
    case 'paragraph': return <p><Inlines nodes={block.children} /></p>;
    case 'code': return <pre class="md-code"><code>{block.text}</code></pre>;
    case 'list': {
      const items: ComponentChildren = block.items.map((item, i) => <li key={i}><Inlines nodes={item} /></li>);
      return block.ordered ? <ol>{items}</ol> : <ul>{items}</ul>;
    }
  }
}

/** Markdown as elements whose text is always text: nothing from `source` is read as HTML. */
export function Markdown({ source, testId }: { source: string; testId?: string }) {
  return <div class="markdown" data-testid={testId}>{parse(source).map((b, i) => <BlockNode key={i} block={b} />)}</div>;
}
