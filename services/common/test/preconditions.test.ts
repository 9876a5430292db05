import { requireIfMatch } from '../src/preconditions';

const matches = (ifMatch: string | undefined, version: number) => {
  try {
    requireIfMatch(ifMatch, version);
    return true;
  } catch (err) {
    expect((err as { status: number }).status).toBe(412);
    return false;
  }
};

describe('If-Match (strong comparison, RFC 9110 §13.1.1)', () => {
  it.each([
    [undefined, true],
    ['"v7"', true],
    ['*', true],
    [' * ', true],
    ['"v6", "v7"', true],
    ['"v6","v7" ', true],
    ['"v6"', false],
    ['W/"v7"', false],
    ['v7', false],
    ['"v7', false],
    ['"v7" "v8"', false],
    ['*, "v7"', false],
    ['', false],
  ])('%p against version 7 → %p', (field, expected) => {
    expect(matches(field, 7)).toBe(expected);
  });
});
