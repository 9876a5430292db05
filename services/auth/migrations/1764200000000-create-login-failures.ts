import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed-login counters shared by every auth replica (rate-limiter-flexible's Postgres
 * store: key, points, expire in epoch ms; its column order). Keys are hashes, so no email
 * or client address is stored.
 */
export class CreateLoginFailures1764200000000 implements MigrationInterface {
  name = 'CreateLoginFailures1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.login_failures (
        key text PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    await q.query(`CREATE INDEX login_failures_expire_idx ON auth.login_failures (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE auth.login_failures');
  }
}
