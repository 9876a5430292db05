import {
  ConflictError,
  ForbiddenError,
  mapPage,
  NotFoundError,
  UnauthorizedError,
  type Page,
  type Principal,
  type Role,
} from '@myhotel/common';
import type { UserRecord } from '../data/records';
import type { RefreshTokenRepository } from '../data/refresh-token-repository';
import { DuplicateEmailError, type UserRepository } from '../data/user-repository';
import { hashPassword, verifyPassword } from './passwords';
import { toUserView, type UserView } from './views';

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export interface UserListQuery {
  role?: Role;
  email?: string;
  limit: number;
  cursor?: string;
}

export interface UserChanges {
  name?: string;
  password?: string;
  current_password?: string;
  role?: Role;
}

/**
 * Account use cases. Authorization uses the caller's *current* role and existence from the
 * database, so a deleted or demoted user's still-valid access token loses its powers here
 * at once (hotel trusts the token's role until it expires, at most 15 minutes).
 */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  async register(input: { name: string; email: string; password: string }): Promise<UserView> {
    try {
      const user = await this.users.insert({
        name: input.name.trim(),
        email: normaliseEmail(input.email),
        role: 'guest',
        passwordHash: await hashPassword(input.password),
      });
      return toUserView(user);
    } catch (err) {
      if (err instanceof DuplicateEmailError)
        throw new ConflictError('An account with this email already exists');
      throw err;
    }
  }

  /** Creates the first admin if no account has that email; false when it already exists. */
  async ensureAdmin(input: { name: string; email: string; password: string }): Promise<boolean> {
    return this.users.insertIfAbsent({
      name: input.name,
      email: normaliseEmail(input.email),
      role: 'admin',
      passwordHash: await hashPassword(input.password),
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
      limit: query.limit,
      cursor: query.cursor,
    });
    return mapPage(page, toUserView);
  }

  async get(principal: Principal, id: string): Promise<UserView> {
    return toUserView(await this.visibleUser(principal, id));
  }

  async update(principal: Principal, id: string, changes: UserChanges): Promise<UserView> {
    const actor = await this.actor(principal);
    const target = await this.visibleUser(principal, id, actor);
    const isSelf = actor.id === target.id;
    const update: { name?: string; role?: Role; passwordHash?: string } = {};
    if (changes.role !== undefined && changes.role !== target.role) {
      if (actor.role !== 'admin') throw new ForbiddenError('Only admins can change roles');
      if (isSelf) throw new ConflictError('Admins cannot change their own role');
      update.role = changes.role;
    }
    if (changes.password !== undefined) {
      if (!isSelf) throw new ForbiddenError('Only the account owner can change its password');
      if (!(await verifyPassword(target.passwordHash, changes.current_password ?? ''))) {
        throw new ForbiddenError('Current password is incorrect');
      }
      update.passwordHash = await hashPassword(changes.password);
    }
    if (changes.name !== undefined) update.name = changes.name.trim();
    const updated = Object.keys(update).length > 0 ? await this.users.update(target.id, update) : target;
    if (!updated) throw new NotFoundError('User not found');
    // A new password or role ends existing sessions.
    if (update.passwordHash || update.role) await this.refreshTokens.revokeAllForUser(target.id);
    return toUserView(updated);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const actor = await this.requireAdmin(principal);
    if (actor.id === id) throw new ConflictError('Admins cannot delete their own account');
    if (!(await this.users.delete(id))) throw new NotFoundError('User not found');
  }

  private async requireAdmin(principal: Principal): Promise<UserRecord> {
    const actor = await this.actor(principal);
    if (actor.role !== 'admin') throw new ForbiddenError('Admin role required');
    return actor;
  }

  /** Admins see everyone; others only themselves — anyone else's id is a 404. */
  private async visibleUser(principal: Principal, id: string, knownActor?: UserRecord): Promise<UserRecord> {
    const actor = knownActor ?? (await this.actor(principal));
    if (actor.role !== 'admin' && actor.id !== id) throw new NotFoundError('User not found');
    const user = actor.id === id ? actor : await this.users.findById(id);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }
}
