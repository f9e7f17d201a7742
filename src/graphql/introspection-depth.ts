import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';

/**
 * The field depth graphql-js's own `getIntrospectionQuery()` reaches: `__schema { types { fields { args { type`
 * and then its TypeRef fragment, which nests `ofType` nine times. Apollo Sandbox and GraphiQL send that query or
 * a shallower one.
 */
export const INTROSPECTION_MAX_DEPTH = 15;

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/**
 * The deepest field, counted from the operation's root, that lies inside an introspection field; 0 when there
 * is none. Fields count, fragments do not (a spread is replaced by its selections), and each fragment is walked
 * once per context, so a document of nested spreads costs linear time.
 */
export function introspectionDepth(
  root: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
): number {
  const memo = new Map<string, number>();
  const walk = (set: SelectionSetNode, inside: boolean): number => {
    let deepest = 0;
    for (const selection of set.selections) {
      let depth: number;
      if (selection.kind === Kind.FIELD) {
        const within = inside || INTROSPECTION_FIELDS.has(selection.name.value);
        const below = selection.selectionSet ? walk(selection.selectionSet, within) : 0;
        depth = within || below > 0 ? 1 + below : 0;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        depth = walk(selection.selectionSet, inside);
      } else {
        const key = `${selection.name.value}|${inside}`;
        if (!memo.has(key)) {
          memo.set(key, 0); // a cycle (NoFragmentCyclesRule refuses it) must not recurse for ever here
          const definition = fragment(selection.name.value);
          memo.set(key, definition ? walk(definition.selectionSet, inside) : 0);
        }
        depth = memo.get(key)!;
      }
      deepest = Math.max(deepest, depth);
    }
    return deepest;
  };
  return walk(root, false);
}

/**
 * Bounds the depth of introspection, which graphql-armor's depth limit skips (`ignoreIntrospection`): without
 * it `__schema { types { ofType { ofType … } } }` nests as deep as the token limit allows.
 */
export function introspectionDepthRule(options: { maxDepth: number; exposeLimits: boolean }): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      const depth = introspectionDepth(operation.selectionSet, (name) => context.getFragment(name));
      if (depth <= options.maxDepth) return;
      const detail = options.exposeLimits ? ` of ${options.maxDepth} exceeded, found ${depth}` : ' exceeded';
      context.reportError(new GraphQLError(`Introspection depth limit${detail}.`, { nodes: operation }));
    },
  });
}
