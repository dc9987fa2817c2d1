import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  visit,
} from 'graphql';
import { type ComplexityEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { ErrorCode } from '../errors';
import { MAX_PAGE_SIZE } from '../pagination/pageSize';

/** A page of 100 orders with every field, their line items, store and counts fits; pages of pages do not. */
export const MAX_QUERY_COMPLEXITY = 10_000;

/**
 * A mutation writes (a command, its events, often a platform call) and runs
 * after the one before it: each costs this much besides its selection, so
 * one request holds at most about a hundred of them.
 */
export const MUTATION_COST = 100;

/**
 * Fields counted before a document is refused without a full cost (fragments
 * spread many times over can make a small document huge).
 */
const MAX_COSTED_NODES = 10_000;

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
 * Costs an operation against the limit before it runs. Costs depend on
 * variables (`first: $n`), so the check runs on the resolved operation
 * rather than as a cached validation rule. Apollo hands the same parsed
 * document to every request with the same query text, so a cost is computed
 * once per document and the values it depends on.
 */
export function createComplexityCheck(
  schema: GraphQLSchema,
  maximum = MAX_QUERY_COMPLEXITY,
): ComplexityCheck {
  const mutationType = schema.getMutationType();
  const mutationEstimator: ComplexityEstimator = ({ type, childComplexity }) =>
    type === mutationType ? MUTATION_COST + childComplexity : undefined;
  const estimators = [
    mutationEstimator,
    pagedListEstimator,
    simpleEstimator({ defaultComplexity: 1 }),
  ];
  const known = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();

  /** The operation's cost; undefined when its variables do not fit their types. */
  function complexityOf(
    document: DocumentNode,
    operation: OperationDefinitionNode | undefined,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): number | undefined {
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
      // Checked before costing, because the costing library collects every
      // error of the variables, each quoting its value: a list of 400,000 bad
      // items under the body limit held the event loop for minutes.
      if (variablesDoNotFit(schema, operation, variables)) return undefined;
      cost = getComplexity({
        schema,
        query: document,
        variables,
        operationName,
        estimators,
        maxQueryNodes: MAX_COSTED_NODES,
      });
      if (entry.costs.size >= MAX_COSTS_PER_DOCUMENT) entry.costs.clear();
      entry.costs.set(key, cost);
    }
    return cost;
  }

  return (document, operation, operationName, variables) => {
    let complexity: number | undefined;
    try {
      complexity = complexityOf(document, operation, operationName, variables);
    } catch (error) {
      // An operation that cannot be costed (more than MAX_COSTED_NODES
      // fields once fragments are spread) is refused: it must not run uncosted.
      return tooComplex(
        `the query is too large to cost (${(error as Error).message}): ask for fewer items or fewer fields`,
        { maximumComplexity: maximum },
      );
    }
    // Variables that do not fit their types: execution reports that, precisely (at most 50 errors).
    if (complexity === undefined || complexity <= maximum) return undefined;
    return tooComplex(
      `the query's complexity is ${complexity}, more than the limit of ${maximum}: ask for fewer items or fewer fields`,
      { complexity, maximumComplexity: maximum },
    );
  };
}

/** The operation's cost checked against the limit: the error to answer with, or undefined when it fits. */
export type ComplexityCheck = (
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  operationName: string | undefined,
  variables: Record<string, unknown>,
) => GraphQLError | undefined;

/**
 * Refuses an operation whose estimated cost exceeds the limit, before it
 * runs (see createComplexityCheck).
 */
export function complexityPlugin(
  schema: GraphQLSchema,
  maximum = MAX_QUERY_COMPLEXITY,
): ApolloServerPlugin {
  const check = createComplexityCheck(schema, maximum);
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's hooks return promises
    async requestDidStart() {
      return {
        // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's hooks return promises
        async didResolveOperation({ request, document, operation }) {
          const error = check(
            document,
            operation,
            request.operationName ?? undefined,
            request.variables ?? {},
          );
          if (error !== undefined) throw error;
        },
      };
    },
  };
}

function tooComplex(message: string, extensions: Record<string, number>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, ...extensions, http: { status: 400 } },
  });
}

function variablesDoNotFit(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode | undefined,
  variables: Record<string, unknown>,
): boolean {
  // One error answers the question (without a limit, every bad item of a
  // long list would build an error of its own).
  const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], variables, {
    maxErrors: 1,
  });
  return coerced.errors !== undefined;
}
