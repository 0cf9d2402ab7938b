import type { Request, Response } from 'express';
import { onFirstUse } from '../../core/onFirstUse.js';

/**
 * How GeoReport v2 answers (http://wiki.open311.org/GeoReport_v2, "Format Support"): the client
 * names the format by the resource's extension, `.xml` (text/xml, the spec's required format) or
 * `.json` (application/json, the Spark convention's mapping of the same XML). Both are made here
 * from one list of rows, so the two formats cannot drift apart.
 */
export type Open311Format = 'json' | 'xml';

/** A value GeoReport v2 publishes: null is an empty element in XML and null in JSON, as in the spec's examples. */
type Scalar = string | number | boolean | null;

/** One `<service>`, `<request>` or `<error>`: its fields in the order they are written. */
export type Open311Row = Readonly<Record<string, Scalar>>;

/** The collections of the spec: root element and item element (its JSON is an array of the items). */
export const OPEN311_LISTS = {
  services: 'service',
  service_requests: 'request',
  errors: 'error',
} as const;

export type Open311List = keyof typeof OPEN311_LISTS;

/**
 * The format a request asks for: the extension of its last path segment (`services.xml`), else its
 * Accept header (XML only when it prefers XML), else JSON. Read from the original URL, so it is the
 * same wherever the request is answered (the routes, the rate limiter, the last error handler).
 */
export function open311Format(req: Request): Open311Format {
  const path = req.originalUrl.split('?')[0] ?? '';
  const last = path.slice(path.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  const extension = dot >= 0 ? last.slice(dot + 1).toLowerCase() : '';
  if (extension === 'json' || extension === 'xml') return extension;
  const preferred = req.accepts(['application/json', 'text/xml', 'application/xml']);
  return preferred === 'text/xml' || preferred === 'application/xml' ? 'xml' : 'json';
}

/** The XML writer, loaded with the first XML answer (JSON is the usual one). */
const xmlBuilder = onFirstUse(async () => (await import('xmlbuilder2')).create);

/** The XML document of a list: the declaration with its encoding, the root, one element per row. */
async function xmlOf(list: Open311List, rows: readonly Open311Row[]): Promise<string> {
  const create = await xmlBuilder();
  // A character XML 1.0 cannot carry (a control character in city data) becomes U+FFFD, never a broken document.
  const root = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\ufffd' }).ele(list);
  for (const row of rows) {
    const item = root.ele(OPEN311_LISTS[list]);
    for (const [name, value] of Object.entries(row)) {
      const field = item.ele(name);
      if (value !== null) field.txt(String(value));
    }
  }
  return root.end({ prettyPrint: true });
}

/** Answers a list in the requested format, with the spec's Content-Type and charset. */
export function sendOpen311(
  res: Response,
  format: Open311Format,
  status: number,
  list: Open311List,
  rows: readonly Open311Row[],
): void {
  res.status(status);
  if (format === 'json') {
    res.json(rows);
    return;
  }
  xmlOf(list, rows).then(
    (xml) => res.type('text/xml; charset=utf-8').send(xml),
    // Only a broken install fails here: the answer is a bare 500 rather than none.
    () => res.status(500).end(),
  );
}

/**
 * The spec's error answer ("Errors"): `[{code, description}]`, or `<errors><error>` in XML, with
 * the HTTP status as its code: 404 for what does not exist, 403 for a wrong or missing api_key,
 * 400 for any other request that cannot be fulfilled.
 */
export function sendOpen311Error(req: Request, res: Response, status: number, description: string): void {
  sendOpen311(res, open311Format(req), status, 'errors', [{ code: status, description }]);
}
