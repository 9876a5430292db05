import { hash, verify, type Options } from '@node-rs/argon2';

/** argon2id with the OWASP 2024 minimum (19 MiB, t=2, p=1). */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which isolatedModules cannot import).
export const passwordHashCost: Options = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashCost);
}

// Verified against for unknown emails, so both login failures take the same time.
const dummyHash = hashPassword('not-a-real-password-just-timing');

export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash ?? (await dummyHash), password);
  } catch {
    return false;
  }
}
