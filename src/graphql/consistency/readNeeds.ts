import {
  type DocumentNode,
  type FragmentDefinitionNode,
  Kind,
  OperationTypeNode,
  parse,
  type SelectionSetNode,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { ReadNeed } from './readModelsReading';

/** Root fields that read no read model: live status and the schema itself. */
const READS_NOTHING: ReadonlySet<string> = new Set([
  'projections',
  '__typename',
  '__schema',
  '__type',
]);
/** Root fields that read the log and no read model. */
const READS_LOG: ReadonlySet<string> = new Set(['events']);

const rank: Record<ReadNeed, number> = { none: 0, log: 1, readModels: 2 };
const most = (a: ReadNeed, b: ReadNeed): ReadNeed => (rank[a] >= rank[b] ? a : b);

/** What the root selection of a query reads; fragments are followed, and what is unclear counts as read models. */
function needOfSelection(
  selections: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  seen: Set<string>,
): ReadNeed {
  let need: ReadNeed = 'none';
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.name.value;
      need = most(
        need,
        READS_NOTHING.has(name) ? 'none' : READS_LOG.has(name) ? 'log' : 'readModels',
      );
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      need = most(need, needOfSelection(selection.selectionSet, fragments, seen));
    } else {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (fragment === undefined) return 'readModels';
      if (seen.has(name)) continue;
      seen.add(name);
      need = most(need, needOfSelection(fragment.selectionSet, fragments, seen));
    }
    if (need === 'readModels') return need;
  }
  return need;
}

/** The need of the operation a request runs; 'none' for a mutation, or a document that will not run. */
export function needOfDocument(
  document: DocumentNode,
  operationName: string | undefined,
): ReadNeed {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operationName === undefined
      ? operations.length === 1
        ? operations[0]
        : undefined
      : operations.find((o) => o.name?.value === operationName);
  if (operation === undefined || operation.operation !== OperationTypeNode.QUERY) return 'none';
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  return needOfSelection(operation.selectionSet, fragments, new Set());
}

/** Operation texts remembered: how many, and their characters in all. */
const KNOWN_TEXTS = 1000;
const KNOWN_TEXT_CHARS = 4 * 1024 * 1024;

/**
 * What each request must see before it runs, learned once per operation
 * text: the texts a client sends repeat, so a text is parsed once here
 * (Apollo keeps its own parsed copy). A text that does not parse needs
 * nothing: Apollo answers it with the syntax error.
 */
export function createReadNeeds(): (query: string, operationName: string | undefined) => ReadNeed {
  const known = new LRUCache<string, ReadNeed>({
    max: KNOWN_TEXTS,
    maxSize: KNOWN_TEXT_CHARS,
    sizeCalculation: (_, text) => text.length + 1,
  });
  return (query, operationName) => {
    const key = `${operationName ?? ''}\n${query}`;
    let need = known.get(key);
    if (need === undefined) {
      try {
        need = needOfDocument(parse(query, { noLocation: true }), operationName);
      } catch {
        need = 'none';
      }
      if (key.length <= KNOWN_TEXT_CHARS / 8) known.set(key, need);
    }
    return need;
  };
}
