import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  visit,
} from 'graphql';

/** Deep enough for a page of orders with their store's counts; too shallow for store/order/store/... loops. */
export const MAX_QUERY_DEPTH = 10;

/** The fragments each fragment (and each operation) spreads, directly. */
function spreads(selectionSet: SelectionSetNode): string[] {
  const names: string[] = [];
  visit(selectionSet, { FragmentSpread: (node) => void names.push(node.name.value) });
  return names;
}

/** A document's fragment definitions, by name. */
function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  return fragments;
}

/** Whether every spread names a known fragment and no fragment spreads itself, directly or not. */
function wellFormedFragments(
  document: DocumentNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): boolean {
  const graph = new Map<string, string[]>();
  for (const [name, fragment] of fragments) graph.set(name, spreads(fragment.selectionSet));
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
 * How many fields with a selection deep a selection set reaches (fields whose
 * name starts with __, introspection, do not count), following fragment
 * spreads. Each fragment is measured once: a rule that followed every spread
 * anew took seconds for a one-kilobyte document spreading a fragment twenty
 * times at each of six levels, with the event loop blocked all along.
 * Measuring stops past `cap`, so the recursion stays as shallow as the limit.
 */
function depthOf(
  selectionSet: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  measured: Map<string, number>,
  cap: number,
): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    let depth = 0;
    if (selection.kind === Kind.FIELD) {
      if (selection.selectionSet && !selection.name.value.startsWith('__'))
        depth = cap <= 0 ? 1 : 1 + depthOf(selection.selectionSet, fragments, measured, cap - 1);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      depth = depthOf(selection.selectionSet, fragments, measured, cap);
    } else {
      const name = selection.name.value;
      let known = measured.get(name);
      if (known === undefined) {
        known = depthOf(fragments.get(name)!.selectionSet, fragments, measured, cap);
        measured.set(name, known);
      }
      depth = known;
    }
    if (depth > deepest) deepest = depth;
  }
  return deepest;
}

/**
 * Refuses operations nested more than `maxDepth` fields deep (as
 * graphql-depth-limit counts and words it). Documents whose fragments are
 * not well formed (unknown, cyclic) are left to graphql's own rules
 * (KnownFragmentNames, NoFragmentCycles), which refuse them.
 */
export function depthLimit(maxDepth = MAX_QUERY_DEPTH): ValidationRule {
  return (context: ValidationContext) => {
    const document = context.getDocument();
    const fragments = fragmentsOf(document);
    if (!wellFormedFragments(document, fragments)) return {};
    // A fragment's depth does not depend on where it is spread, so it is
    // measured once for the whole document. A measure clamped by the cap only
    // arises where the document already goes past the limit, so the
    // document's verdict stays exact.
    const measured = new Map<string, number>();
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      if (depthOf(definition.selectionSet, fragments, measured, maxDepth + 1) > maxDepth) {
        context.reportError(
          new GraphQLError(
            `'${definition.name?.value ?? ''}' exceeds maximum operation depth of ${maxDepth}`,
            { nodes: [definition] },
          ),
        );
      }
    }
    return {};
  };
}
