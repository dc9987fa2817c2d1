import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  buildSchema,
  findBreakingChanges,
  type GraphQLNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
  printSchema,
} from 'graphql';
import { buildGraphqlSchema } from '../../src/graphql/buildGraphqlSchema';

const root = path.resolve(__dirname, '../..');
const served = buildGraphqlSchema();

describe('the served schema', () => {
  it('is the committed schema.graphql (UPDATE_SCHEMA=1 npx jest test/graphql/schema rewrites it)', () => {
    const file = path.join(root, 'schema.graphql');
    if (process.env.UPDATE_SCHEMA === '1') {
      writeFileSync(file, printSchema(served));
      // Committed as prettier formats it, since `npm run lint` checks every file's format.
      execFileSync(process.execPath, [
        require.resolve('prettier/bin/prettier.cjs'),
        '--write',
        file,
      ]);
    }
    // Printed again from the file, so only the schema counts, not how prettier wraps its lines.
    expect(printSchema(buildSchema(readFileSync(file, 'utf8')))).toBe(printSchema(served));
  });

  it('has no breaking change against the contract (contract/schema.graphql)', () => {
    const contract = buildSchema(readFileSync(path.join(root, 'contract/schema.graphql'), 'utf8'));
    expect(findBreakingChanges(contract, served)).toEqual([]);
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const undescribed: string[] = [];
    const check = (where: string, description: string | null | undefined) => {
      if (!description?.trim()) undescribed.push(where);
    };
    const types = Object.values(served.getTypeMap()).filter(
      (t: GraphQLNamedType) => !t.name.startsWith('__') && !isSpecifiedScalarType(t),
    );
    for (const type of types) {
      if (!['Query', 'Mutation', 'Subscription'].includes(type.name))
        check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          for (const arg of field.args)
            check(`${type.name}.${field.name}(${arg.name})`, arg.description);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields()))
          check(`${type.name}.${field.name}`, field.description);
      } else if (isEnumType(type)) {
        for (const value of type.getValues())
          check(`${type.name}.${value.name}`, value.description);
      }
    }
    expect(undescribed).toEqual([]);
  });

  it('says on every `first` argument that it is at most 100', () => {
    const firsts = Object.values(served.getTypeMap())
      .filter(isObjectType)
      .flatMap((type) => Object.values(type.getFields()))
      .filter((field) => field.args.some((arg) => arg.name === 'first'));
    expect(firsts.map((f) => f.name).sort()).toEqual(['events', 'orders', 'stores']);
    for (const field of firsts) {
      expect(field.description).toMatch(/`first` is (at most|1 to) 100/);
      expect(field.args.find((a) => a.name === 'first')!.description).toMatch(/to 100/);
    }
  });
});
