/** Users and API tokens, for admins only (roles: [] admits admin alone). */
import { Type } from '@sinclair/typebox';
import { createUser, listUsers, updateUser, listTokens, revokeToken, USER_ROLES } from '../../storage/users.ts';
import { createToken, hashToken, ROLES, type Role } from '../../storage/tokens.ts';
import { parseDuration, DURATION_HELP } from '../../domain/duration.ts';
import { readSessionCookie } from '../session-cookie.ts';
import { generatePassword, passwordProblem } from '../../domain/password.ts';
import { AppError } from '../../domain/errors.ts';
import { errorResponses, ErrorBody } from '../schemas.ts';
import { IdParam } from '../ids.ts';
import type { RouteApp } from '../route-app.ts';
import type { Db } from '../../storage/db.ts';
import type { SupportConfig } from '../../support/config.ts';

const ADMIN = { roles: [] as const };
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const UserRole = Type.Union(USER_ROLES.map((r) => Type.Literal(r)));
const User = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Nullable(Type.String()),
  role: Type.String(),
  team: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  disabled_at: Nullable(Type.String({ format: 'date-time' })),
});
const NewUser = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 320 }),
    role: UserRole,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    team: Type.Optional(Type.String({ maxLength: 100 })),
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: 'at least 12 characters; generated and returned once when absent' }),
    ),
  },
  { additionalProperties: false },
);
const PatchUser = Type.Object(
  {
    role: Type.Optional(UserRole),
    name: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    team: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
    disabled: Type.Optional(
      Type.Boolean({ description: 'true also ends their sessions (and their API tokens stop working while disabled)' }),
    ),
    password: Type.Optional(Type.String({ maxLength: 1024, description: "ends the user's other sessions" })),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Token = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
  user_id: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Nullable(Type.String({ format: 'date-time' })),
  revoked_at: Nullable(Type.String({ format: 'date-time' })),
  expires_at: Nullable(Type.String({ format: 'date-time' })),
});
const NewToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    expires_in: Type.Optional(
      Type.String({
        maxLength: 20,
        description: `the token stops working after this long: ${DURATION_HELP}; never when absent`,
      }),
    ),
  },
  { additionalProperties: false },
);
const Id = Type.Object({ id: IdParam });
const doc = (summary: string) => ({ tags: ['access'], summary, security: [{ bearer: [] }] });

export interface UserRoutesOptions {
  db: Db;
  cookieMode: SupportConfig['cookieSecure'];
}

export default async function userRoutes(app: RouteApp, deps: UserRoutesOptions): Promise<void> {
  app.get(
    '/api/users',
    {
      config: ADMIN,
      schema: { ...doc('List users'), response: { 200: Type.Object({ items: Type.Array(User) }), ...errorResponses } },
    },
    async () => ({
      items: await listUsers(deps.db),
    }),
  );

  app.post(
    '/api/users',
    {
      config: ADMIN,
      schema: {
        ...doc('Create a user; a generated password is returned once'),
        body: NewUser,
        response: {
          201: Type.Object({ user: User, password: Type.Optional(Type.String()) }),
          ...errorResponses,
          409: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const generated = req.body.password === undefined ? generatePassword() : undefined;
      const password = req.body.password ?? (generated as string);
      const problem = passwordProblem(password);
      if (problem) throw new AppError('invalid', problem);
      const user = await createUser(deps.db, { ...req.body, password });
      return reply.code(201).send({ user, ...(generated ? { password: generated } : {}) });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: ADMIN,
      schema: {
        ...doc('Change role, team or name; disable; set a password'),
        params: Id,
        body: PatchUser,
        response: { 200: User, ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      if (req.body.password !== undefined) {
        const problem = passwordProblem(req.body.password);
        if (problem) throw new AppError('invalid', problem);
      }
      // An admin changing their own password keeps the session they did it from.
      const own =
        req.principal?.via === 'session' && req.principal.userId === req.params.id
          ? readSessionCookie(req, deps.cookieMode)
          : null;
      const user = await updateUser(deps.db, req.params.id, req.body, own ? hashToken(own) : undefined);
      if (!user) throw new AppError('not_found', `no user ${req.params.id}`);
      return user;
    },
  );

  app.post(
    '/api/users/:id/reset-password',
    {
      config: ADMIN,
      schema: {
        ...doc('Give a user a new generated password, returned once; their sessions end'),
        params: Id,
        response: { 200: Type.Object({ user: User, password: Type.String() }), ...errorResponses, 404: ErrorBody },
      },
    },
    async (req) => {
      const password = generatePassword();
      const user = await updateUser(deps.db, req.params.id, { password });
      if (!user) throw new AppError('not_found', `no user ${req.params.id}`);
      return { user, password };
    },
  );

  app.get(
    '/api/tokens',
    {
      config: ADMIN,
      schema: {
        ...doc('List API tokens (never the tokens themselves)'),
        response: { 200: Type.Object({ items: Type.Array(Token) }), ...errorResponses },
      },
    },
    async () => ({
      items: await listTokens(deps.db),
    }),
  );

  app.post(
    '/api/tokens',
    {
      config: ADMIN,
      schema: {
        ...doc('Make an API token; it is shown only in this answer'),
        body: NewToken,
        response: {
          201: Type.Object({ token: Type.String(), expires_at: Nullable(Type.String({ format: 'date-time' })) }),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      let expiresAt: Date | null = null;
      if (req.body.expires_in !== undefined) {
        const ms = parseDuration(req.body.expires_in);
        if (ms === null) throw new AppError('invalid', `body.expires_in must be ${DURATION_HELP}`);
        expiresAt = new Date(Date.now() + ms);
      }
      const token = await createToken(
        deps.db,
        req.body.name,
        req.body.role as Role,
        req.principal?.userId ?? null,
        expiresAt,
      );
      return reply.code(201).send({ token, expires_at: expiresAt?.toISOString() ?? null });
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      config: ADMIN,
      schema: {
        ...doc('Revoke an API token'),
        params: Id,
        response: { 204: Type.Null(), ...errorResponses, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      if (!(await revokeToken(deps.db, req.params.id))) throw new AppError('not_found', `no token ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );
}
