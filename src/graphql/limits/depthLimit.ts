import {
  type DocumentNode,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';
import graphqlDepthLimit from 'graphql-depth-limit';

/** Deep enough for a page of orders with their store's counts; too shallow for store/order/store/... loops. */
export const MAX_QUERY_DEPTH = 10;

/** The fragments each fragment (and each operation) spreads, directly. */
function spreads(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  visit(selectionSet, { FragmentSpread: (node) => void names.push(node.name.value) });
  return names;
}

/** Whether every spread names a known fragment and no fragment spreads itself, directly or not. */
function wellFormedFragments(document: DocumentNode): boolean {
  const graph = new Map<string, string[]>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      graph.set(definition.name.value, spreads(definition.selectionSet));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const acyclic = (name: string): boolean => {
    if (done.has(name)) return true;
    if (visiting.has(name) || !graph.has(name)) return false;
    visiting.add(name);
    const ok = graph.get(name)!.every(acyclic);
    visiting.delete(name);
    done.add(name);
    return ok;
  };
  return document.definitions.every(
    (d) =>
      (d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION) ||
      spreads(d.selectionSet).every(acyclic),
  );
}

/**
 * graphql-depth-limit's rule, run only on documents whose fragments are well
 * formed: it follows spreads without checking, so an unknown fragment would
 * crash it and a cycle would recurse forever. Such documents are refused by
 * graphql's own rules (KnownFragmentNames, NoFragmentCycles) instead.
 */
export function depthLimit(maxDepth = MAX_QUERY_DEPTH): ValidationRule {
  // Its types say any; it is a validation rule.
  const rule = graphqlDepthLimit(maxDepth) as ValidationRule;
  return (context: ValidationContext) =>
    wellFormedFragments(context.getDocument()) ? rule(context) : {};
}
