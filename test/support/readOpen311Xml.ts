import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** One `<service>`, `<request>` or `<error>`: its child elements in document order, empty ones as null. */
export interface Open311XmlItem {
  name: string;
  fields: Array<[string, string | null]>;
}

/** A GeoReport v2 XML document as a list: the declaration's encoding, the root element, its items. */
export interface Open311Xml {
  version: string | undefined;
  encoding: string | undefined;
  root: string;
  items: Open311XmlItem[];
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  // Values stay text, as XML has them: `001` is not the number 1.
  parseTagValue: false,
  trimValues: true,
});

const nameOf = (node: Node): string => Object.keys(node).find((k) => k !== ':@')!;
const childrenOf = (node: Node): Node[] => node[nameOf(node)] as Node[];

/**
 * Reads a GeoReport v2 XML answer with a parser of its own (fast-xml-parser, not the library the
 * app writes with): throws unless it is well-formed, one root element after the declaration, each
 * item holding only elements of text. Used on the app's answers and on the spec's own examples.
 */
export function readOpen311Xml(text: string): Open311Xml {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  const nodes = parser.parse(text) as Node[];
  const declaration = nodes.find((n) => nameOf(n) === '?xml');
  const elements = nodes.filter((n) => nameOf(n) !== '?xml' && nameOf(n) !== '#text');
  if (elements.length !== 1) throw new Error(`${elements.length} root elements`);
  const root = elements[0]!;
  const items = childrenOf(root).map((item): Open311XmlItem => {
    const fields = childrenOf(item).map((field): [string, string | null] => {
      const content = childrenOf(field);
      if (content.length === 0) return [nameOf(field), null];
      if (content.length !== 1 || nameOf(content[0]!) !== '#text')
        throw new Error(`${nameOf(item)}/${nameOf(field)} holds elements`);
      return [nameOf(field), String(content[0]!['#text'])];
    });
    return { name: nameOf(item), fields };
  });
  return {
    version: declaration?.[':@']?.['@_version'],
    encoding: declaration?.[':@']?.['@_encoding'],
    root: nameOf(root),
    items,
  };
}
