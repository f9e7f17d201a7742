import { getDirective } from '@graphql-tools/utils';
import { isObjectType, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { Transport } from './transport.js';
import type { Role } from './role.js';
import { readPolicies, type PolicyOptions } from './enforce.js';
import type { AuthPolicy } from './policy.js';

/** Who one `@auth` lets through, in words. */
export type Who = 'any user' | 'roles' | 'roles or owner' | 'owner only';

/** One `@auth` that applies to a field; a field with several needs every one of them. */
export interface AccessCondition {
  readonly who: Who;
  readonly requires: readonly Role[];
  readonly owner: string | null;
  readonly fresh: number | null;
  readonly via: readonly Transport[] | null;
  /** The caller's email address must be verified. */
  readonly verified: boolean;
  /**
   * A session established with two factors: `true` for every caller, `'roles'` for a caller let in by the roles
   * (not as the owner; from REQUIRE_MFA_FOR_ROLES), null when not required.
   */
  readonly mfa: true | 'roles' | null;
  /** Where the directive is written: on the field, or on its type (covering every field of the type). */
  readonly declaredOn: 'field' | 'type';
}

/** The access policy of one object field, as enforced. */
export interface FieldAccess {
  /** `Type.field` */
  readonly coordinate: string;
  readonly type: string;
  readonly field: string;
  /** A field of Query, Mutation or Subscription. */
  readonly root: boolean;
  /**
   * `public`: anyone, on purpose. `protected`: every condition must hold. `inherits parent`: no policy of its
   * own, so reachable by whoever may reach the object it belongs to. `undecided`: a root field with neither
   * directive (default deny refuses to build such a schema; shown if a schema is reported without that check).
   */
  readonly access: 'public' | 'protected' | 'inherits parent' | 'undecided';
  readonly conditions: readonly AccessCondition[];
}

/** Every object field of a schema with the policy `enforceAuthorization` applies to it (same reader). */
export function accessReport(schema: GraphQLSchema, options: PolicyOptions = {}): FieldAccess[] {
  const policies = readPolicies(schema, options);
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(
    (t): t is GraphQLObjectType => !!t,
  );
  const rootNames = new Set(roots.map((t) => t.name));
  const others = Object.values(schema.getTypeMap())
    .filter(
      (t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__') && !rootNames.has(t.name),
    )
    .sort((x, y) => x.name.localeCompare(y.name));

  return [...roots, ...others].flatMap((type) => {
    const onType = getDirective(schema, type, 'auth')?.length ?? 0;
    const root = rootNames.has(type.name);
    return Object.values(type.getFields()).map((field): FieldAccess => {
      const coordinate = `${type.name}.${field.name}`;
      const policy = policies.get(coordinate);
      const base = { coordinate, type: type.name, field: field.name, root };
      if (policy === 'public') return { ...base, access: 'public', conditions: [] };
      if (!policy) return { ...base, access: root ? 'undecided' : 'inherits parent', conditions: [] };
      // readPolicies lists the type's @auth before the field's own.
      const conditions = policy.map((p, i) => condition(p, i < onType ? 'type' : 'field'));
      return { ...base, access: 'protected', conditions };
    });
  });
}

function condition(policy: AuthPolicy, declaredOn: 'field' | 'type'): AccessCondition {
  const hasRoles = policy.requires.length > 0;
  const hasOwner = policy.owner !== undefined;
  const who: Who = hasRoles ? (hasOwner ? 'roles or owner' : 'roles') : hasOwner ? 'owner only' : 'any user';
  return {
    who,
    requires: [...policy.requires],
    owner: policy.owner ?? null,
    fresh: policy.fresh ?? null,
    via: policy.via ? [...policy.via] : null,
    verified: policy.verified === true,
    mfa: policy.mfa === true || policy.mfa === 'roles' ? policy.mfa : null,
    declaredOn,
  };
}

const HEADER = ['FIELD', 'WHO', 'ROLES', 'OWNER', 'FRESH', 'VIA', 'VERIFIED', 'MFA', 'DECLARED ON'] as const;

/** The report as an aligned plain-text table: one line per field (per condition when a field has several). */
export function formatAccessTable(report: readonly FieldAccess[]): string {
  const lines: (readonly string[] | null)[] = [HEADER];
  let previousType: string | undefined;
  for (const row of report) {
    if (previousType !== undefined && row.type !== previousType) lines.push(null);
    previousType = row.type;
    if (row.conditions.length === 0) {
      const who = row.access === 'undecided' ? 'UNDECIDED (no @auth or @public)' : row.access;
      lines.push([
        row.coordinate,
        who,
        '-',
        '-',
        '-',
        '-',
        '-',
        '-',
        row.access === 'public' ? 'field' : '-',
      ]);
      continue;
    }
    row.conditions.forEach((c, i) => {
      lines.push([
        i === 0 ? row.coordinate : '',
        i === 0 ? c.who : `and ${c.who}`,
        c.requires.length ? c.requires.join(', ') : '-',
        c.owner ?? '-',
        c.fresh !== null ? `${c.fresh}s` : '-',
        c.via ? c.via.join(', ') : '-',
        c.verified ? 'yes' : '-',
        c.mfa === true ? 'yes' : c.mfa === 'roles' ? 'by role' : '-',
        c.declaredOn === 'type' ? `type ${row.type}` : 'field',
      ]);
    });
  }
  const cells = lines.filter((l): l is readonly string[] => l !== null);
  const widths = HEADER.map((_, i) => Math.max(...cells.map((l) => l[i]!.length)));
  const render = (l: readonly string[]) =>
    l
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const count = (access: FieldAccess['access']) => report.filter((r) => r.access === access).length;
  const summary =
    `${report.length} fields: ${count('public')} public, ${count('protected')} protected, ` +
    `${count('inherits parent')} inherit their parent` +
    (count('undecided') ? `, ${count('undecided')} UNDECIDED` : '') +
    '.\nROLES: one of them suffices; ADMIN includes USER. OWNER: the parent property holding the owner’s user id.\n' +
    'FRESH: the password login must be at most this old. VIA: the transports allowed.\n' +
    'VERIFIED: the caller’s email address must be verified (a mailed link was followed).\n' +
    'MFA: the session was established with two factors ("by role": for callers let in by ROLES, not as OWNER).\n' +
    'Several lines for one field: all must hold. "inherits parent": whoever may reach the object may read it.';
  return [...lines.map((l) => (l === null ? '' : render(l))), '', summary, ''].join('\n');
}
