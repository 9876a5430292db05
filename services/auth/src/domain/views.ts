import type { Role } from '@myhotel/common';
import type { FieldChanges, UserAction, UserEventRecord, UserRecord } from '../data/records';

/** API shapes (snake_case, timestamps ISO 8601 UTC); never a password hash. */
export interface UserView {
  id: string;
  name: string;
  email: string;
  role: Role;
  created_at: string;
}

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export function toUserView(user: UserRecord): UserView {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    created_at: user.createdAt.toISOString(),
  };
}

export interface UserEventView {
  id: string;
  user_id: string;
  action: UserAction;
  actor_user_id: string | null;
  changes: FieldChanges;
  at: string;
}

export function toUserEventView(event: UserEventRecord): UserEventView {
  return {
    id: event.id,
    user_id: event.userId,
    action: event.action,
    actor_user_id: event.actorUserId,
    changes: event.changes,
    at: event.at.toISOString(),
  };
}
