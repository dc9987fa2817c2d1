import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, GraphQLError, type GraphQLSchema, Kind, visit } from 'graphql';
import { type ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../errors';
import { MAX_PAGE_SIZE } from '../pagination/pageSize';

/** A page of 100 orders with every field, their line items, store and counts fits; pages of pages do not. */
export const MAX_QUERY_COMPLEXITY = 10_000;

/**
 * Every field costs 1, plus what it selects; a list with `first` costs its
 * selection `first` times over (clamped to the page limit: a larger `first`
 * is refused with BAD_USER_INPUT when the field resolves).
 */
const pagedListEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const first = field.args.find((arg) => arg.name === 'first');
  if (first === undefined) return undefined;
  // Left out or null, `first` is its default (as the resolvers read it).
  const asked = typeof args.first === 'number' ? args.first : (first.defaultValue as number);
  const pageSize = Math.min(Math.max(asked, 0), MAX_PAGE_SIZE);
  return 1 + pageSize * childComplexity;
};

/** The variables a document's cost depends on: those of `first` arguments and of @include/@skip. */
function costVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node, _key, _parent, _path, ancestors) {
      if (node.value.kind !== Kind.VARIABLE) return;
      const owner = ancestors[ancestors.length - 1];
      const inDirective =
        !Array.isArray(owner) && (owner as { kind?: string }).kind === Kind.DIRECTIVE;
      if (node.name.value === 'first' || inDirective) names.add(node.value.name.value);
    },
  });
  return [...names].sort();
}

/** Costs remembered per document; a document's entries, per the values its cost depends on. */
const MAX_COSTS_PER_DOCUMENT = 100;

/**
 * Refuses an operation whose estimated cost exceeds the limit, before it
 * runs. Costs depend on variables (`first: $n`), so this is a plugin on the
 * resolved operation rather than a cached validation rule. Apollo hands the
 * same parsed document to every request with the same query text, so a
 * cost is computed once per document and the values it depends on.
 */
export function complexityPlugin(
  schema: GraphQLSchema,
  maximum = MAX_QUERY_COMPLEXITY,
): ApolloServerPlugin {
  const estimators = [pagedListEstimator, simpleEstimator({ defaultComplexity: 1 })];
  const known = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();

  function complexityOf(
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): number {
    let entry = known.get(document);
    if (entry === undefined) {
      entry = { variables: costVariables(document), costs: new Map() };
      known.set(document, entry);
    }
    const key = JSON.stringify([
      operationName ?? null,
      ...entry.variables.map((v) => variables[v] ?? null),
    ]);
    let cost = entry.costs.get(key);
    if (cost === undefined) {
      cost = getComplexity({ schema, query: document, variables, operationName, estimators });
      if (entry.costs.size >= MAX_COSTS_PER_DOCUMENT) entry.costs.clear();
      entry.costs.set(key, cost);
    }
    return cost;
  }

  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's hooks return promises
    async requestDidStart() {
      return {
        // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's hooks return promises
        async didResolveOperation({ request, document }) {
          let complexity: number;
          try {
            complexity = complexityOf(
              document,
              request.operationName ?? undefined,
              request.variables ?? {},
            );
          } catch {
            // Variables that do not fit their types: execution reports that, precisely.
            return;
          }
          if (complexity > maximum) {
            throw new GraphQLError(
              `the query's complexity is ${complexity}, more than the limit of ${maximum}: ask for fewer items or fewer fields`,
              {
                extensions: {
                  code: ErrorCode.QUERY_TOO_COMPLEX,
                  complexity,
                  maximumComplexity: maximum,
                  http: { status: 400 },
                },
              },
            );
          }
        },
      };
    },
  };
}
