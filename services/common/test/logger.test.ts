import { QueryFailedError } from 'typeorm';
import { createLogger } from '../src/logger';

/** Log lines written to memory. */
function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('logs hold no personal data', () => {
  it('a database error loses its parameters and PostgreSQL’s detail (which quotes key values)', () => {
    const { lines, destination } = capture();
    const driverError = Object.assign(
      new Error('duplicate key value violates unique constraint "guests_user_id_key"'),
      {
        code: '23505',
        constraint: 'guests_user_id_key',
        detail: 'Key (email)=(ana.lima@example.com) already exists.',
      },
    );
    const err = new QueryFailedError(
      'INSERT INTO hotel.guests (name, email) VALUES ($1, $2)',
      ['Ana Lima', 'ana.lima@example.com'],
      driverError,
    );
    createLogger('test', 'info', destination).error({ err }, 'request failed');
    expect(lines.join('')).not.toMatch(/Ana Lima|ana\.lima@example\.com/);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ code: '23505', constraint: 'guests_user_id_key' });
  });
});
