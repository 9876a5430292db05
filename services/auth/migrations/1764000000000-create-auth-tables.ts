import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuthTables1764000000000 implements MigrationInterface {
  name = 'CreateAuthTables1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE auth.users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        email text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
        role text NOT NULL DEFAULT 'guest' CHECK (role IN ('guest', 'staff', 'admin')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_key UNIQUE (email)
      )`);
    await q.query(`CREATE INDEX users_created_at_id_idx ON auth.users (created_at DESC, id DESC)`);
    await q.query(`
      CREATE TABLE auth.refresh_tokens (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
        family_id uuid NOT NULL,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        replaced_by_id uuid REFERENCES auth.refresh_tokens (id) ON DELETE SET NULL,
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
      )`);
    await q.query(`CREATE INDEX refresh_tokens_user_id_idx ON auth.refresh_tokens (user_id)`);
    await q.query(
      `CREATE INDEX refresh_tokens_family_id_idx ON auth.refresh_tokens (family_id) WHERE revoked_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE auth.refresh_tokens');
    await q.query('DROP TABLE auth.users');
  }
}
