import { describe, expect, it } from '@jest/globals';
import { parse, validate } from 'graphql';
import { buildGraphqlSchema } from '../../src/graphql/buildGraphqlSchema';
import { depthLimit } from '../../src/graphql/limits/depthLimit';

const schema = buildGraphqlSchema();
const messages = (query: string) =>
  validate(schema, parse(query), [depthLimit()]).map((error) => error.message);

/** `levels` fragments, each spreading the next `width` times; the last selects `leaf`. */
function spreadBomb(width: number, levels: number, leaf: string): string {
  const fragments = Array.from(
    { length: levels },
    (_, n) =>
      `fragment F${n + 1} on Store { ${Array.from({ length: width }, () => `...F${n + 2}`).join(' ')} }`,
  );
  return `query Bomb { store(id: "s") { ...F1 } }
    ${fragments.join('\n')}
    fragment F${levels + 1} on Store { ${leaf} }`;
}

describe('the depth limit', () => {
  it('measures each fragment once: 30 spreads at each of 8 levels (656 trillion paths) are one field deep', () => {
    // Following every spread anew, this would not finish.
    expect(messages(spreadBomb(30, 8, 'name'))).toEqual([]);
  });

  it('counts depth through fragments and inline fragments, and refuses past 10', () => {
    const eleven = `query Deep { store(id: "s") { ...A } }
      fragment A on Store { orders { edges { node { ... on Order { store { ...B } } } } } }
      fragment B on Store { orders { edges { node { store { orders { edges { node { id } } } } } } } }`;
    expect(messages(eleven)).toEqual(["'Deep' exceeds maximum operation depth of 10"]);
    const ten = eleven.replace('orders { edges { node { id } } }', 'orderCounts { pending }');
    expect(messages(ten)).toEqual([]);
    // Introspection fields do not count.
    expect(messages('{ __schema { types { fields { type { ofType { name } } } } } }')).toEqual([]);
  });

  it('refuses a fragment too deep where it is spread, wherever else it was measured first', () => {
    // F is first met nine fields down in Deep (past the limit there), then spread
    // seven fields down in Other, where its four levels also go past 10.
    const document = `query Deep { store(id: "s") { orders { edges { node { store { orders { edges { node { store { ...F } } } } } } } } } }
      query Other { store(id: "s") { orders { edges { node { store { orders { edges { ...G } } } } } } } }
      fragment G on OrderEdge { node { store { ...F } } }
      fragment F on Store { orders { edges { node { store { name } } } } }`;
    expect(messages(document)).toEqual([
      "'Deep' exceeds maximum operation depth of 10",
      "'Other' exceeds maximum operation depth of 10",
    ]);
  });
});
