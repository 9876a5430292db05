import {
  ConflictError,
  ForbiddenError,
  mapPage,
  NotFoundError,
  UnauthorizedError,
  type ListQuery,
  type Page,
  type Principal,
  type Role,
} from '@myhotel/common';
import type { UserRecord } from '../data/records';
import type { EventSortField } from '../data/user-events';
import {
  DuplicateEmailError,
  type UserRepository,
  type UserSortField,
  type UserTx,
} from '../data/user-repository';
import { hashPassword, verifyPassword } from './passwords';
import { toUserEventView, toUserView, type UserEventView, type UserView } from './views';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export interface UserListQuery extends ListQuery<UserSortField> {
  role?: Role;
  email?: string;
}

export interface UserChanges {
  name?: string;
  password?: string;
  current_password?: string;
  role?: Role;
}

const userNotFound = () => new NotFoundError('User not found');

/**
 * Account use cases. Authorization uses the caller's *current* role and existence from the
 * database, so a deleted or demoted user's still-valid access token loses its powers here
 * at once (hotel trusts the token's role until it expires, at most 15 minutes). Every change
 * writes its audit event in the same transaction.
 */
export class UserService {
  constructor(private readonly users: UserRepository) {}

  /** Self-service sign-up: a guest, who is the actor of their own `created` event. */
  async register(input: { name: string; email: string; password: string }): Promise<UserView> {
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.users.transaction(async (tx) => {
        const user = await tx.insert({
          name: input.name.trim(),
          email: normaliseEmail(input.email),
          role: 'guest',
          passwordHash,
        });
        await recordCreated(tx, user, user.id);
        return toUserView(user);
      });
    } catch (err) {
      if (err instanceof DuplicateEmailError)
        throw new ConflictError('An account with this email already exists');
      throw err;
    }
  }

  /** Creates the first admin if no account has that email (by the system); false when it exists. */
  async ensureAdmin(input: { name: string; email: string; password: string }): Promise<boolean> {
    const passwordHash = await hashPassword(input.password);
    return this.users.transaction(async (tx) => {
      const user = await tx.insertIfAbsent({
        name: input.name,
        email: normaliseEmail(input.email),
        role: 'admin',
        passwordHash,
      });
      if (user) await recordCreated(tx, user, null);
      return user !== null;
    });
  }

  /** The caller as stored now; a token of a deleted account is no longer accepted. */
  async actor(principal: Principal): Promise<UserRecord> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new UnauthorizedError('Account no longer exists');
    return user;
  }

  async me(principal: Principal): Promise<UserView> {
    return toUserView(await this.actor(principal));
  }

  async list(principal: Principal, query: UserListQuery): Promise<Page<UserView>> {
    await this.requireAdmin(principal);
    const page = await this.users.list({
      role: query.role,
      emailContains: query.email,
      sort: query.sort ?? '-created_at',
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toUserView);
  }

  async get(principal: Principal, id: string): Promise<UserView> {
    return toUserView(await this.visibleUser(principal, id));
  }

  /**
   * Self: name, password (with the current one). Admin: also another account's role. Each
   * kind of change is its own audit event; a new password or role ends existing sessions.
   */
  async update(principal: Principal, id: string, changes: UserChanges): Promise<UserView> {
    const actor = await this.actor(principal);
    await this.visibleUser(principal, id, actor);
    const isSelf = actor.id === id;
    if (changes.password !== undefined && !isSelf) {
      throw new ForbiddenError('Only the account owner can change its password');
    }
    const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
    return this.users.transaction(async (tx) => {
      const target = await tx.lock(id);
      if (!target) throw userNotFound();
      const name = changes.name?.trim();
      const nameChanged = name !== undefined && name !== target.name;
      const roleChanged = changes.role !== undefined && changes.role !== target.role;
      if (roleChanged && actor.role !== 'admin') throw new ForbiddenError('Only admins can change roles');
      if (roleChanged && isSelf) throw new ConflictError('Admins cannot change their own role');
      if (passwordHash && !(await verifyPassword(target.passwordHash, changes.current_password ?? ''))) {
        throw new ForbiddenError('Current password is incorrect');
      }
      if (!nameChanged && !roleChanged && !passwordHash) return toUserView(target);
      const updated = await tx.update(id, {
        name: nameChanged ? name : undefined,
        role: roleChanged ? changes.role : undefined,
        passwordHash,
      });
      const record = (action: 'updated' | 'role_changed' | 'password_changed', fieldChanges = {}) =>
        tx.events.insert({ userId: id, actorUserId: actor.id, action, changes: fieldChanges });
      if (nameChanged) await record('updated', { name: { from: target.name, to: updated.name } });
      if (roleChanged) await record('role_changed', { role: { from: target.role, to: updated.role } });
      if (passwordHash) await record('password_changed');
      if (passwordHash || roleChanged) await tx.refreshTokens.revokeAllForUser(id);
      return toUserView(updated);
    });
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const actor = await this.requireAdmin(principal);
    if (actor.id === id) throw new ConflictError('Admins cannot delete their own account');
    await this.users.transaction(async (tx) => {
      if (!(await tx.delete(id))) throw userNotFound();
      await tx.events.insert({ userId: id, actorUserId: actor.id, action: 'deleted', changes: {} });
    });
  }

  /** Admins only; the trail outlives the account, and an id that never had one is a 404. */
  async events(
    principal: Principal,
    id: string,
    query: ListQuery<EventSortField>,
  ): Promise<Page<UserEventView>> {
    await this.requireAdmin(principal);
    if (!(await this.users.events.hadAccount(id))) throw userNotFound();
    const page = await this.users.events.list({
      userId: id,
      sort: query.sort ?? 'at',
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toUserEventView);
  }

  private async requireAdmin(principal: Principal): Promise<UserRecord> {
    const actor = await this.actor(principal);
    if (actor.role !== 'admin') throw new ForbiddenError('Admin role required');
    return actor;
  }

  /** Admins see everyone; others only themselves — anyone else's id is a 404. */
  private async visibleUser(principal: Principal, id: string, knownActor?: UserRecord): Promise<UserRecord> {
    const actor = knownActor ?? (await this.actor(principal));
    if (actor.role !== 'admin' && actor.id !== id) throw userNotFound();
    const user = actor.id === id ? actor : await this.users.findById(id);
    if (!user) throw userNotFound();
    return user;
  }
}

/** The `created` event: the account's first values (never its password). */
function recordCreated(tx: UserTx, user: UserRecord, actorUserId: string | null): Promise<void> {
  return tx.events.insert({
    userId: user.id,
    actorUserId,
    action: 'created',
    changes: {
      name: { from: null, to: user.name },
      email: { from: null, to: user.email },
      role: { from: null, to: user.role },
    },
  });
}
