import { requirePrincipal, withLimit } from '@myhotel/common';
import { Router, type RequestHandler } from 'express';
import type { JSONWebKeySet } from 'jose';
import type { SessionService } from '../domain/sessions';
import type { UserService } from '../domain/users';
import type { components, operations } from './generated/openapi';

type Schemas = components['schemas'];
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export interface AuthRouteDeps {
  users: UserService;
  sessions: SessionService;
  jwks: JSONWebKeySet;
  /** Throttles failed logins (see login-throttle.ts). */
  loginThrottle: RequestHandler;
}

/** Thin HTTP layer: the spec has validated the input; each handler calls one use case. */
export function authRoutes({ users, sessions, jwks, loginThrottle }: AuthRouteDeps): Router {
  const router = Router();

  router.post('/api/auth/register', async (req, res) => {
    const user: Schemas['User'] = await users.register(req.body as Schemas['RegisterRequest']);
    res.status(201).location(`/api/users/${user.id}`).json(user);
  });

  router.post('/api/auth/login', loginThrottle, async (req, res) => {
    const { email, password } = req.body as Schemas['LoginRequest'];
    const tokens: Schemas['TokenPair'] = await sessions.login(email, password);
    res.set('Cache-Control', 'no-store').json(tokens);
  });

  router.post('/api/auth/refresh', async (req, res) => {
    const { refresh_token } = req.body as Schemas['RefreshRequest'];
    const tokens: Schemas['TokenPair'] = await sessions.refresh(refresh_token);
    res.set('Cache-Control', 'no-store').json(tokens);
  });

  router.post('/api/auth/logout', async (req, res) => {
    await sessions.logout((req.body as Schemas['RefreshRequest']).refresh_token);
    res.status(204).end();
  });

  router.get('/api/auth/me', async (req, res) => {
    const user: Schemas['User'] = await users.me(requirePrincipal(req.principal));
    res.json(user);
  });

  router.get('/api/users', async (req, res) => {
    const page: Schemas['UserPage'] = await users.list(
      requirePrincipal(req.principal),
      withLimit(req.query as Query<'listUsers'>),
    );
    res.json(page);
  });

  router.get('/api/users/:id', async (req, res) => {
    const user: Schemas['User'] = await users.get(requirePrincipal(req.principal), req.params.id);
    res.json(user);
  });

  router.patch('/api/users/:id', async (req, res) => {
    const user: Schemas['User'] = await users.update(
      requirePrincipal(req.principal),
      req.params.id,
      req.body as Schemas['UpdateUserRequest'],
    );
    res.json(user);
  });

  router.delete('/api/users/:id', async (req, res) => {
    await users.delete(requirePrincipal(req.principal), req.params.id);
    res.status(204).end();
  });

  router.get('/api/users/:id/events', async (req, res) => {
    const page: Schemas['UserEventPage'] = await users.events(
      requirePrincipal(req.principal),
      req.params.id,
      withLimit(req.query as Query<'listUserEvents'>),
    );
    res.json(page);
  });

  router.get('/.well-known/jwks.json', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(jwks);
  });

  return router;
}
