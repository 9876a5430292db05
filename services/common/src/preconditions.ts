import type { Request, Response } from 'express';
import { PreconditionFailedError } from './errors';

/**
 * The entity-tag protocol of versioned resources (RFC 9110 §8.8.3, §13.1): a resource row
 * carries a `version` that every change increments; its strong ETag is `"v<version>"`.
 *
 * - Responses carry the ETag (`sendVersioned`).
 * - `If-Match` (a change): the use case checks it with `requireIfMatch` inside its
 *   transaction, after locking the row, so of two changes sent with the same tag exactly one
 *   wins and the other gets 412. `*` matches any current version; weak tags never match
 *   (strong comparison); a malformed field matches nothing.
 * - `If-None-Match` (a GET): 304 without a body when the client already holds the current
 *   version (weak comparison; `*` matches).
 */

/** A representation and the version of the resource it shows. */
export interface Versioned<T> {
  value: T;
  version: number;
}

/** The value of an `If-Match` field as the client sent it; undefined: no precondition. */
export type IfMatch = string | undefined;

export const entityTag = (version: number): string => `"v${version}"`;

interface EntityTag {
  weak: boolean;
  /** The quoted opaque tag, e.g. `"v7"`. */
  opaque: string;
}

/** The tags of an If-Match/If-None-Match field: `*`, a list, or null when malformed. */
function parseTags(field: string): '*' | EntityTag[] | null {
  if (field.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  const element = /^\s*(W\/)?("[\x21\x23-\x7e\x80-\xff]*")\s*(?:,|$)/;
  for (let rest = field; rest.trim() !== '';) {
    const match = element.exec(rest);
    if (!match) return null;
    tags.push({ weak: match[1] !== undefined, opaque: match[2]! });
    rest = rest.slice(match[0].length);
  }
  return tags;
}

/** Throws 412 unless the resource's current `version` satisfies `ifMatch` (or there is none). */
export function requireIfMatch(ifMatch: IfMatch, version: number): void {
  if (ifMatch === undefined) return;
  const tags = parseTags(ifMatch);
  const current = entityTag(version);
  if (tags === '*' || tags?.some((tag) => !tag.weak && tag.opaque === current)) return;
  throw new PreconditionFailedError();
}

function holdsCurrent(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  const tags = parseTags(ifNoneMatch);
  return tags === '*' || (tags?.some((tag) => tag.opaque === entityTag(version)) ?? false);
}

/**
 * Sends a versioned representation with its ETag; a GET whose `If-None-Match` already holds
 * the current version gets 304 without a body.
 */
export function sendVersioned(req: Request, res: Response, status: number, result: Versioned<unknown>): void {
  res.setHeader('ETag', entityTag(result.version));
  if (req.method === 'GET' && holdsCurrent(req.get('If-None-Match'), result.version)) {
    res.status(304).end();
    return;
  }
  res.status(status).json(result.value);
}
