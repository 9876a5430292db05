/** The OpenAPI documents of openapi/, parsed once, and the operations they declare. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export type Service = 'auth' | 'hotel';
export type SpecNode = Record<string, unknown>;

/** One parsed file of openapi/ (a service spec or components.yaml). */
export interface SpecDocument {
  file: string;
  root: SpecNode;
}

const documents = new Map<string, SpecDocument>();

export function loadSpecDocument(file: string): SpecDocument {
  let document = documents.get(file);
  if (!document) {
    document = {
      file,
      root: parse(readFileSync(join(__dirname, '..', '..', 'openapi', file), 'utf8')) as SpecNode,
    };
    documents.set(file, document);
  }
  return document;
}

export interface SpecOperation {
  service: Service;
  /** `METHOD /path/{template}` exactly as in the spec, e.g. `GET /api/rooms/{id}`. */
  key: string;
  /** Upper case. */
  method: string;
  path: string;
  operation: SpecNode;
  /** Parameters declared on the path item (shared by its operations), not dereferenced. */
  pathParameters: SpecNode[];
  document: SpecDocument;
}

const httpMethods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];

/** Every operation of the given services' specs, in document order. */
export function specOperations(services: readonly Service[] = ['auth', 'hotel']): SpecOperation[] {
  return services.flatMap((service) => {
    const document = loadSpecDocument(`${service}.yaml`);
    return Object.entries(document.root.paths as Record<string, SpecNode>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => httpMethods.includes(method))
        .map((method) => ({
          service,
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          operation: item[method] as SpecNode,
          pathParameters: (item.parameters as SpecNode[] | undefined) ?? [],
          document,
        })),
    );
  });
}
