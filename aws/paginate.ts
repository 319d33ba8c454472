/**
 * Follows NextToken-style pagination to the end. `fetch` gets the token of the page to read (undefined
 * for the first) and returns the page's items and the next token.
 */
export async function collectPages<T>(
  fetch: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>,
  maxPages = 10_000,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { items, next } = await fetch(token);
    if (items) out.push(...items);
    if (!next || next === token) return out;
    token = next;
  }
  throw new Error(`pagination did not end after ${maxPages} pages`);
}
