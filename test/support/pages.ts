import type { Test } from 'supertest';

export interface PageBody<T> {
  items: T[];
  next_cursor: string | null;
}

/**
 * Every item of a paginated list, following next_cursor from the first page to the last.
 * `request` gets the cursor query parameter to add (none on the first page).
 */
export async function allPages<T = { id: string }>(
  request: (cursor: { cursor?: string }) => Test,
  onPage: (page: PageBody<T>) => void = () => undefined,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = (await request(cursor ? { cursor } : {}).expect(200)).body as PageBody<T>;
    onPage(page);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
