import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { openApiDocument } from '../../app/commandCenter/openApiDocument.js';

// ajv-formats is CommonJS: its function is the module itself, or its default under some loaders.
const addFormats = ((formats as unknown as { default?: typeof formats }).default ?? formats) as unknown as (
  ajv: Ajv2020,
) => void;

/** A JSON pointer segment: `/` and `~` escaped as RFC 6901 says. */
const segment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Validates real responses against the schemas of app/commandCenter/openApiDocument.ts with
 * Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) and ajv-formats.
 */
export function createOpenApiValidator() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(openApiDocument as unknown as Record<string, unknown>, 'openapi');
  const paths = openApiDocument.paths as unknown as Record<
    string,
    Record<string, { responses: Record<string, unknown> }>
  >;

  /**
   * Whether the document lists this path, method, status and content type (for an answer whose
   * body is checked otherwise, such as XML against the spec's examples); a status documented
   * without content needs no content type.
   */
  function documents(method: string, path: string, status: number, contentType: string): string[] {
    const operation = paths[path]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in the document`];
    const response = operation.responses[String(status)] as { content?: Record<string, unknown> } | undefined;
    if (!response) return [`${method} ${path} does not document status ${status}`];
    if (response.content && !response.content[contentType])
      return [`${method} ${path} ${status} does not document ${contentType}`];
    return [];
  }

  return {
    /**
     * The schema errors of a response body for a documented path, method and status; a status
     * or content type the document does not list is an error too.
     */
    errors(method: string, path: string, status: number, body: unknown, contentType = 'application/json'): string[] {
      const undocumented = documents(method, path, status, contentType);
      if (undocumented.length > 0) return undocumented;
      const operation = paths[path]![method.toLowerCase()]!;
      const response = operation.responses[String(status)] as { content?: Record<string, unknown> };
      if (!response.content)
        return body === null || body === undefined || body === '' ? [] : ['a body where none is documented'];
      const pointer = [
        'paths',
        path,
        method.toLowerCase(),
        'responses',
        String(status),
        'content',
        contentType,
        'schema',
      ]
        .map(segment)
        .join('/');
      const validate = ajv.getSchema(`openapi#/${pointer}`);
      if (!validate) return [`no schema at ${pointer}`];
      return validate(body)
        ? []
        : (validate.errors ?? []).map(
            (e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
          );
    },
    documents,
    /** Every response schema of the document, compiled: a broken $ref or keyword fails here. */
    compileAll(): number {
      let compiled = 0;
      for (const [path, methods] of Object.entries(paths)) {
        for (const [method, operation] of Object.entries(methods)) {
          for (const [status, response] of Object.entries(operation.responses)) {
            for (const contentType of Object.keys((response as { content?: object }).content ?? {})) {
              const pointer = ['paths', path, method, 'responses', status, 'content', contentType, 'schema']
                .map(segment)
                .join('/');
              if (!ajv.getSchema(`openapi#/${pointer}`)) throw new Error(`cannot compile ${pointer}`);
              compiled++;
            }
          }
        }
      }
      return compiled;
    },
  };
}
