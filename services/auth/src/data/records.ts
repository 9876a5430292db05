import type { Role } from '@myhotel/common';

/** Rows of the auth schema as the repositories return them (see the migrations for the tables). */
export interface UserRecord {
  id: string;
  name: string;
  email: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  createdAt: Date;
  revokedAt: Date | null;
  replacedById: string | null;
}

export type UserAction = 'created' | 'updated' | 'role_changed' | 'password_changed' | 'deleted';

/** Changed fields: name → old and new value (a password change records none). */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface UserEventRecord {
  id: string;
  userId: string;
  actorUserId: string | null;
  action: UserAction;
  changes: FieldChanges;
  at: Date;
}
