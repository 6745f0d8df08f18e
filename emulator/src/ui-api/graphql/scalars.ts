// The custom scalars of the UI API GraphQL schema (Date, DateTime, Double, Long, Picklist, ...): each
// sObject field type has its scalar, so a variable declared `$from: Date!` is checked as a date.
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseDate, parseDateTime } from '../../org/datetime.ts';

function literalText(node: ValueNode): string | undefined {
  return node.kind === Kind.STRING ? node.value : undefined;
}

function stringScalar(name: string, check?: (value: string) => boolean): GraphQLScalarType {
  const accept = (value: unknown): string => {
    if (typeof value !== 'string' || (check !== undefined && !check(value)))
      throw new GraphQLError(`${name} cannot represent value: ${JSON.stringify(value)}`);
    return value;
  };
  return new GraphQLScalarType({
    name,
    serialize: (value) => value,
    parseValue: accept,
    parseLiteral: (node) => {
      const text = literalText(node);
      if (text === undefined)
        throw new GraphQLError(`${name} cannot represent a non-string value`, { nodes: node });
      return accept(text);
    },
  });
}

function numberScalar(name: string, integer: boolean): GraphQLScalarType {
  const accept = (value: unknown): number => {
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw new GraphQLError(`${name} cannot represent value: ${JSON.stringify(value)}`);
    return value;
  };
  return new GraphQLScalarType({
    name,
    serialize: (value) => value,
    parseValue: accept,
    parseLiteral: (node) => {
      if (node.kind === Kind.INT || (!integer && node.kind === Kind.FLOAT)) return accept(Number(node.value));
      throw new GraphQLError(`${name} cannot represent value: ${node.kind}`, { nodes: node });
    },
  });
}

const isDate = (value: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) && parseDate(value) !== undefined;
const isDateTime = (value: string): boolean => value.includes('T') && parseDateTime(value) !== undefined;

export const scalars = {
  Date: stringScalar('Date', isDate),
  DateTime: stringScalar('DateTime', isDateTime),
  Time: stringScalar('Time'),
  Double: numberScalar('Double', false),
  Long: numberScalar('Long', true),
  Currency: numberScalar('Currency', false),
  Percent: numberScalar('Percent', false),
  Picklist: stringScalar('Picklist'),
  MultiPicklist: stringScalar('MultiPicklist'),
  Email: stringScalar('Email'),
  PhoneNumber: stringScalar('PhoneNumber'),
  Url: stringScalar('Url'),
  TextArea: stringScalar('TextArea'),
  LongTextArea: stringScalar('LongTextArea'),
};
