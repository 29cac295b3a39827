/**
 * One `login` per operation: aliases would otherwise try many passwords in one
 * request (the GraphQL aliases limit allows 15). An operation with several
 * `login` fields is refused as a whole, before any password is checked.
 */
import { GraphQLError, Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

function countLogins(set: SelectionSetNode, info: GraphQLResolveInfo, seen: Set<string>): number {
  let n = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) n += sel.name.value === 'login' ? 1 : 0;
    else if (sel.kind === Kind.INLINE_FRAGMENT) n += countLogins(sel.selectionSet, info, seen);
    else if (!seen.has(sel.name.value)) {
      seen.add(sel.name.value);
      const frag = info.fragments[sel.name.value];
      if (frag) n += countLogins(frag.selectionSet, info, seen);
    }
  }
  return n;
}

/** Throws BAD_USER_INPUT when the operation selects `login` more than once (aliases, fragments). */
export function assertSingleLogin(info: GraphQLResolveInfo): void {
  if (countLogins(info.operation.selectionSet, info, new Set()) > 1) {
    throw new GraphQLError('Only one `login` per operation.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}
