import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * A scalar carried as a string. Parsing only checks that it is a string:
 * whether it is a well-formed amount or instant is the edge validation's
 * call, so that a mutation reports it as a userError on the exact input
 * field (and a query argument as BAD_USER_INPUT) instead of failing the
 * whole request at coercion.
 */
export function stringScalar(name: string, description: string, example: string) {
  const refuse = (value: unknown): never => {
    throw new GraphQLError(
      `${name} must be a string such as ${JSON.stringify(example)}, got ${typeof value}`,
    );
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) =>
      value instanceof Date
        ? value.toISOString()
        : typeof value === 'string'
          ? value
          : refuse(value),
    parseValue: (value) => (typeof value === 'string' ? value : refuse(value)),
    parseLiteral: (node: ValueNode) =>
      node.kind === Kind.STRING ? node.value : refuse(node.kind.toLowerCase()),
  });
}
