import { buildSchema, getIntrospectionQuery, parse, validate, type DocumentNode } from 'graphql';
import {
  INTROSPECTION_MAX_DEPTH,
  introspectionDepth,
  introspectionDepthRule,
} from '../../../src/graphql/introspection-depth.js';

const schema = buildSchema('type Query { me: User } type User { id: ID friend: User }');

function depthOf(document: DocumentNode): number {
  const fragments = new Map(
    document.definitions.flatMap((d) =>
      d.kind === 'FragmentDefinition' ? [[d.name.value, d] as const] : [],
    ),
  );
  const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
  if (operation?.kind !== 'OperationDefinition') throw new Error('no operation');
  return introspectionDepth(operation.selectionSet, (name) => fragments.get(name));
}

describe('introspectionDepth', () => {
  it('leaves room for the deepest standard introspection query', () => {
    const everything = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    expect(depthOf(parse(everything))).toBeLessThanOrEqual(INTROSPECTION_MAX_DEPTH);
  });

  it('counts fields through fragments, not the fragments themselves', () => {
    const q =
      '{ __schema { ...A } } fragment A on __Schema { ... on __Schema { types { ...B } } } fragment B on __Type { name }';
    expect(depthOf(parse(q))).toBe(3);
  });

  it('ignores fields outside introspection', () => {
    expect(depthOf(parse('{ me { friend { friend { id } } } }'))).toBe(0);
  });

  it('terminates on a fragment cycle and on many nested spreads', () => {
    expect(depthOf(parse('{ __schema { ...A } } fragment A on __Schema { ...A types { name } }'))).toBe(3);
    const chain = Array.from(
      { length: 60 },
      (_, i) => `fragment F${i} on __Type { ...F${i + 1} ...F${i + 1} }`,
    );
    const q = `{ __schema { types { ...F0 } } } ${chain.join(' ')} fragment F60 on __Type { name }`;
    expect(depthOf(parse(q))).toBe(3);
  });

  it('is reported by the validation rule past the bound, with the numbers only when limits are exposed', () => {
    const deep = parse(`{ __schema { queryType { ${'ofType { '.repeat(20)}name${' }'.repeat(20)} } } }`);
    const exposed = validate(schema, deep, [introspectionDepthRule({ maxDepth: 15, exposeLimits: true })]);
    expect(exposed.map((e) => e.message)).toEqual(['Introspection depth limit of 15 exceeded, found 23.']);
    const hidden = validate(schema, deep, [introspectionDepthRule({ maxDepth: 15, exposeLimits: false })]);
    expect(hidden.map((e) => e.message)).toEqual(['Introspection depth limit exceeded.']);
  });
});
