// A small XML well-formedness check (tags balanced and named alike, attributes quoted,
// entities known), enough to catch a broken SVG without an XML library.
export function wellFormedXml(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const body = text.replace(/^<\?xml[^?]*\?>\s*/, '');
  const token = /<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g;
  for (const m of body.matchAll(token)) {
    const [all, closing, name, , selfClosing] = m;
    if (all.startsWith('<!--')) continue;
    if (all === '<') problems.push(`malformed tag at ${m.index}`);
    else if (all === '&') problems.push(`bare & at ${m.index}`);
    else if (closing) {
      if (stack.pop() !== name) problems.push(`</${name}> closes nothing open at ${m.index}`);
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name!);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
