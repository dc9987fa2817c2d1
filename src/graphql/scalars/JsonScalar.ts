import { GraphQLScalarType } from 'graphql';
import { GraphQLJSON } from 'graphql-scalars';

export const JsonScalar = new GraphQLScalarType({
  ...GraphQLJSON.toConfig(),
  description: 'Any JSON value.',
});
