/** S3's XML bodies, both ways, through fast-xml-parser (no hand-written XML). */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { S3Error } from './errors';

export const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false, format: false });

/** `<?xml ...?><Root xmlns="...">...</Root>`; array values repeat their element. */
export function xmlDocument(root: string, content: Record<string, unknown>, withNamespace = false): Buffer {
  const element = withNamespace ? { '@_xmlns': S3_NAMESPACE, ...content } : content;
  return Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${builder.build({ [root]: element }) as string}`, 'utf8');
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  removeNSPrefix: true,
  processEntities: true,
  isArray: (name) => name === 'Part' || name === 'Object',
});

/** The root element `root` of a request body, or MalformedXML. */
export function parseXmlBody(body: Buffer, root: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parser.parse(body.toString('utf8'), true);
  } catch (error) {
    throw new S3Error('MalformedXML', `The XML you provided was not well-formed: ${(error as Error).message}`);
  }
  const element = (parsed as Record<string, unknown>)[root];
  if (element === null || typeof element !== 'object') {
    throw new S3Error('MalformedXML', `The XML you provided was not well-formed or did not validate against our published schema: expected a <${root}> element.`);
  }
  return element as Record<string, unknown>;
}

/** An element's text, whether the parser gave it as a string or as {#text}. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '#text' in value) return String((value as Record<string, unknown>)['#text']);
  if (value && typeof value === 'object') return '';
  return undefined;
}
