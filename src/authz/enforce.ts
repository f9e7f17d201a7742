import {
  defaultFieldResolver,
  type GraphQLFieldConfig,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import type { Clock } from '../clock.js';
import type { Viewer } from './viewer.js';
import type { Role } from './role.js';
import type { Transport } from './transport.js';
import type { AuthPolicy } from './policy.js';
import { decide, type Denial } from './decide.js';
import { denialError } from './denial-error.js';

/** What the enforcing resolver needs from the request context. */
export interface AuthzContext {
  readonly viewer: Viewer | null;
}

export interface EnforceOptions {
  readonly clock: Clock;
  /** Called for every denial of an authenticated caller (the audit log); must not throw. */
  readonly onDenied?: (denial: Denial, coordinate: string, context: AuthzContext) => void;
  /** REQUIRE_MFA_FOR_ROLES: a policy requiring one of these roles requires `mfa` of the callers it lets in by role. */
  readonly requireMfaForRoles?: readonly Role[];
}

/** How policies are read: the settings that add conditions to what the schema says. */
export interface PolicyOptions {
  readonly requireMfaForRoles?: readonly Role[];
}

/** Reads the effective policies of every field: field-level `@auth`/`@public`, else the type's `@auth`. */
export function readPolicies(
  schema: GraphQLSchema,
  options: PolicyOptions = {},
): Map<string, AuthPolicy[] | 'public'> {
  const policies = new Map<string, AuthPolicy[] | 'public'>();
  mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const policy = fieldPolicy(schema, field, typeName, options);
      if (policy) policies.set(`${typeName}.${fieldName}`, policy);
      return field;
    },
  });
  return policies;
}

/**
 * The one place authorization is enforced: wraps the resolver of every field that a policy covers. A type-level
 * `@auth` covers each of its fields; a field-level `@auth` adds its own conditions; `@public` on a field exempts it.
 */
export function enforceAuthorization(schema: GraphQLSchema, options: EnforceOptions): GraphQLSchema {
  const now = () => options.clock.now();
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const policy = fieldPolicy(schema, field, typeName, options);
      if (!policy || policy === 'public') return field;
      const coordinate = `${typeName}.${fieldName}`;
      const check = (source: unknown, context: AuthzContext) => {
        for (const p of policy) {
          const denial = decide(p, context.viewer, source, now);
          if (denial) {
            if (context.viewer) options.onDenied?.(denial, coordinate, context);
            throw denialError(denial);
          }
        }
      };
      const resolve = field.resolve ?? defaultFieldResolver;
      const subscribe = field.subscribe;
      return {
        ...field,
        resolve(source, args, context: AuthzContext, info) {
          check(source, context);
          return resolve(source, args, context, info);
        },
        // A subscription is checked before its event stream opens, not only per event.
        ...(subscribe && {
          subscribe(
            source: unknown,
            args: Record<string, unknown>,
            context: AuthzContext,
            info: GraphQLResolveInfo,
          ) {
            check(source, context);
            return subscribe(source, args, context, info);
          },
        }),
      };
    },
  });
}

function fieldPolicy(
  schema: GraphQLSchema,
  field: GraphQLFieldConfig<unknown, unknown>,
  typeName: string,
  options: PolicyOptions,
): AuthPolicy[] | 'public' | undefined {
  if (getDirective(schema, field, 'public')?.length) return 'public';
  const type = schema.getType(typeName);
  const policies = [
    ...(type ? (getDirective(schema, type as never, 'auth') ?? []) : []),
    ...(getDirective(schema, field, 'auth') ?? []),
  ].map((args) => withRoleMfa(toPolicy(args), options.requireMfaForRoles ?? []));
  return policies.length ? policies : undefined;
}

/** A policy that requires one of `roles` (REQUIRE_MFA_FOR_ROLES) requires `mfa` of the callers it lets in by role. */
function withRoleMfa(policy: AuthPolicy, roles: readonly Role[]): AuthPolicy {
  if (policy.mfa === true || !policy.requires.some((r) => roles.includes(r))) return policy;
  return { ...policy, mfa: policy.owner === undefined ? true : 'roles' };
}

function toPolicy(args: Record<string, unknown>): AuthPolicy {
  return {
    requires: (args.requires as Role[] | undefined) ?? [],
    fresh: args.fresh as number | undefined,
    via: args.via as Transport[] | undefined,
    owner: args.owner as string | undefined,
    ...(args.verified === true && { verified: true }),
    ...(args.mfa === true && { mfa: true }),
  };
}
