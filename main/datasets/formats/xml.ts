/**
 * A small non-validating XML reader, enough for Pascal VOC annotation files: elements,
 * attributes, text, CDATA, comments, processing instructions and the five predefined entities
 * plus numeric character references. A DOCTYPE is skipped and its entity declarations are never
 * expanded, so no file can make the reader fetch anything or grow without bound. Loupe declares no
 * XML parser dependency, and VOC's fixed element set does not need one.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), not its children's. */
  text: string;
}

export class XmlSyntaxError extends Error {
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = 'XmlSyntaxError';
  }
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes entity and character references; an `&` that starts no reference is kept as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return PREDEFINED[ref] ?? whole;
  });
}

/** Escapes text for element content and double-quoted attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}

const NAME_END = /[\s/>=]/;

/** Parses a document and returns its root element; throws XmlSyntaxError when it is not well formed. */
export function parseXml(source: string): XmlElement {
  const text = source.replace(/^\uFEFF/, '');
  let pos = 0;
  const lineAt = (at: number) => {
    let line = 1;
    for (let i = 0; i < at && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
  };
  const fail = (message: string, at = pos): never => {
    throw new XmlSyntaxError(message, lineAt(at));
  };
  const skipPast = (terminator: string, what: string) => {
    const end = text.indexOf(terminator, pos);
    if (end < 0) fail(`Unterminated ${what}`);
    pos = end + terminator.length;
  };
  const skipDoctype = () => {
    // <!DOCTYPE name [ internal subset ]> — brackets may contain '>' inside declarations.
    let depth = 0;
    for (pos += 9; pos < text.length; pos++) {
      const c = text[pos];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        pos++;
        return;
      }
    }
    fail('Unterminated DOCTYPE');
  };
  /** Skips whitespace, comments, processing instructions and (before the root) a DOCTYPE. */
  const skipMisc = (allowDoctype: boolean) => {
    for (;;) {
      while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      if (text.startsWith('<?', pos)) skipPast('?>', 'processing instruction');
      else if (text.startsWith('<!--', pos)) skipPast('-->', 'comment');
      else if (allowDoctype && text.startsWith('<!DOCTYPE', pos)) skipDoctype();
      else return;
    }
  };
  const readName = () => {
    const start = pos;
    while (pos < text.length && !NAME_END.test(text[pos]!)) pos++;
    if (pos === start) fail('Expected a name');
    return text.slice(start, pos);
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  /** Reads `<name attr="v" ...>` or `<name/>` from just after '<'; returns the element and whether it is closed. */
  const readStartTag = (): { element: XmlElement; selfClosing: boolean } => {
    const element: XmlElement = { name: readName(), attributes: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (text.startsWith('/>', pos)) {
        pos += 2;
        return { element, selfClosing: true };
      }
      if (text[pos] === '>') {
        pos++;
        return { element, selfClosing: false };
      }
      if (pos >= text.length) fail(`Unterminated start tag <${element.name}>`);
      const attribute = readName();
      skipSpace();
      if (text[pos] !== '=') fail(`Attribute ${attribute} of <${element.name}> has no value`);
      pos++;
      skipSpace();
      const quote = text[pos];
      if (quote !== '"' && quote !== "'") fail(`Attribute ${attribute} of <${element.name}> is not quoted`);
      const end = text.indexOf(quote!, pos + 1);
      if (end < 0) fail(`Unterminated value of attribute ${attribute}`);
      element.attributes[attribute] = decodeEntities(text.slice(pos + 1, end));
      pos = end + 1;
    }
  };

  skipMisc(true);
  if (text[pos] !== '<') fail('The document does not start with an element');
  pos++;
  const first = readStartTag();
  const root = first.element;
  // An explicit stack instead of recursion: deep nesting cannot overflow the call stack.
  const open: XmlElement[] = first.selfClosing ? [] : [root];
  while (open.length > 0) {
    const current = open[open.length - 1]!;
    if (pos >= text.length) fail(`<${current.name}> is never closed`);
    const lt = text.indexOf('<', pos);
    if (lt < 0) {
      pos = text.length;
      continue;
    }
    if (lt > pos) {
      current.text += decodeEntities(text.slice(pos, lt));
      pos = lt;
    }
    if (text.startsWith('</', pos)) {
      const at = pos;
      pos += 2;
      const name = readName();
      skipSpace();
      if (text[pos] !== '>') fail(`Malformed end tag </${name}>`);
      pos++;
      if (name !== current.name) fail(`</${name}> closes <${current.name}>`, at);
      open.pop();
    } else if (text.startsWith('<!--', pos)) {
      skipPast('-->', 'comment');
    } else if (text.startsWith('<![CDATA[', pos)) {
      const end = text.indexOf(']]>', pos);
      if (end < 0) fail('Unterminated CDATA section');
      current.text += text.slice(pos + 9, end);
      pos = end + 3;
    } else if (text.startsWith('<?', pos)) {
      skipPast('?>', 'processing instruction');
    } else {
      pos++;
      const { element, selfClosing } = readStartTag();
      current.children.push(element);
      if (!selfClosing) open.push(element);
    }
  }
  skipMisc(false);
  if (pos < text.length) fail('Content after the root element');
  return root;
}

export function childElement(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

export function childElements(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The trimmed text of the first child with this name, or undefined when there is none. */
export function childText(element: XmlElement, name: string): string | undefined {
  return childElement(element, name)?.text.trim();
}
