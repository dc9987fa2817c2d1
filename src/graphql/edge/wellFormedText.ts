import type { ApolloServerPlugin } from '@apollo/server';
import { type DocumentNode, GraphQLError, visit } from 'graphql';
import { ErrorCode } from '../errors';

/**
 * U+0000 and unpaired surrogates: JSON and GraphQL strings can carry them,
 * PostgreSQL's text and jsonb cannot, and no id, name, SKU or tag of ours
 * has a use for them.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const unstorable = /[\u0000\p{Cs}]/u;

export function isStorableText(text: string): boolean {
  return !unstorable.test(text);
}

/**
 * Whether any string inside `value` is not storable text. Iterative (a body
 * may nest arrays thousands deep), and allocates nothing per value: this
 * runs on every request's variables.
 */
function holdsUnstorable(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (!isStorableText(item)) return true;
    } else if (Array.isArray(item)) {
      for (const inner of item) pending.push(inner);
    } else if (typeof item === 'object' && item !== null) {
      for (const key in item) pending.push((item as Record<string, unknown>)[key]);
    }
  }
  return false;
}

/**
 * The path of the first string inside `value` that is not storable text, or
 * undefined: what the refusal names, once holdsUnstorable found one.
 */
function firstUnstorable(value: unknown, path: string): string | undefined {
  const pending: Array<[unknown, string]> = [[value, path]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [item, at] = next;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return at;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], `${at}[${i}]`]);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, inner] of Object.entries(item).reverse())
        pending.push([inner, `${at}.${key}`]);
    }
  }
  return undefined;
}

function refuse(where: string): GraphQLError {
  return new GraphQLError(
    `${where} holds U+0000 or an unpaired surrogate: text must be well-formed Unicode without NUL characters`,
    { extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } } },
  );
}

/** Whether a document's string literals are all storable (the literal's location when not). */
function literalProblem(document: DocumentNode): string | undefined {
  let found: string | undefined;
  visit(document, {
    StringValue(node) {
      if (found === undefined && !isStorableText(node.value))
        found = `the string at line ${node.loc?.startToken.line ?? '?'}, column ${node.loc?.startToken.column ?? '?'}`;
    },
  });
  return found;
}

/**
 * Refuses, before anything runs, a request whose variables or string
 * literals hold text PostgreSQL cannot store: one BAD_USER_INPUT (HTTP 400)
 * naming where, instead of a database error half-way through a resolver.
 * A document is checked once; Apollo hands the same parsed document to
 * every request with the same query text.
 */
export function wellFormedTextPlugin(): ApolloServerPlugin {
  const literals = new WeakMap<DocumentNode, string | undefined>();
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's hooks return promises
    async requestDidStart() {
      return {
        // eslint-disable-next-line @typescript-eslint/require-await -- Apollo's hooks return promises
        async didResolveOperation({ request, document }) {
          if (!literals.has(document)) literals.set(document, literalProblem(document));
          const literal = literals.get(document);
          if (literal !== undefined) throw refuse(literal);
          const variables = request.variables ?? {};
          if (!holdsUnstorable(variables)) return;
          for (const [name, value] of Object.entries(variables)) {
            const path = firstUnstorable(value, `$${name}`);
            if (path !== undefined) throw refuse(`variable ${path}`);
          }
        },
      };
    },
  };
}
