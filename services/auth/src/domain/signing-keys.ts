import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JSONWebKeySet, type JWK } from 'jose';

export interface SigningKeys {
  privateKey: KeyObject;
  kid: string;
  /** Current public key first, then a previous one still accepted during rotation. */
  jwks: JSONWebKeySet;
}

async function publicJwk(key: KeyObject, kid?: string): Promise<JWK> {
  const jwk = key.export({ format: 'jwk' }) as JWK;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') throw new Error('JWT keys must be Ed25519');
  const keyId = kid ?? (await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }));
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: keyId, alg: 'EdDSA', use: 'sig' };
}

export async function loadSigningKeys(
  privatePem: string,
  kid?: string,
  previousPublicPem?: string,
): Promise<SigningKeys> {
  const privateKey = createPrivateKey(privatePem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('JWT_PRIVATE_KEY must be an Ed25519 key');
  const current = await publicJwk(createPublicKey(privateKey), kid);
  const keys = [current];
  if (previousPublicPem) keys.push(await publicJwk(createPublicKey(previousPublicPem)));
  return { privateKey, kid: current.kid!, jwks: { keys } };
}
