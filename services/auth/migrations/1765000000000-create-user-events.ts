import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The accounts' audit trail: every account change (created, name changed, role changed,
 * password changed, deleted), written in the transaction of the change. No foreign key to
 * users: the trail outlives the account. Existing accounts get their `created` event (by the
 * system, at their creation time), so "an id with events" is "an id that had an account".
 * Also the indexes of the account list's new sorts (by email, by name).
 */
export class CreateUserEvents1765000000000 implements MigrationInterface {
  name = 'CreateUserEvents1765000000000';

  async up(q: QueryRunner): Promise<void> {
    // Plain index builds (a brief write lock on a table of accounts): CONCURRENTLY is kept
    // for hotel's big tables, and two concurrent builds of the services' migrations in one
    // database could wait on each other.
    await q.query(`CREATE INDEX users_email_order_idx ON auth.users (email COLLATE "C", id)`);
    await q.query(`CREATE INDEX users_name_order_idx ON auth.users ((lower(name)) COLLATE "C", id)`);
    await q.query(`
      CREATE TABLE auth.user_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        actor_user_id uuid,
        action text NOT NULL
          CHECK (action IN ('created', 'updated', 'role_changed', 'password_changed', 'deleted')),
        changes jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(changes) = 'object'),
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX user_events_user_id_at_idx ON auth.user_events (user_id, at, id)`);
    await q.query(`
      INSERT INTO auth.user_events (user_id, actor_user_id, action, changes, at)
      SELECT id, NULL, 'created',
             jsonb_build_object(
               'name', jsonb_build_object('from', NULL, 'to', name),
               'email', jsonb_build_object('from', NULL, 'to', email),
               'role', jsonb_build_object('from', NULL, 'to', role)),
             created_at
      FROM auth.users`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE auth.user_events');
    await q.query('DROP INDEX auth.users_name_order_idx');
    await q.query('DROP INDEX auth.users_email_order_idx');
  }
}
