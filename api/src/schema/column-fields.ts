/**
 * A Pothos plugin for Prisma objects in select mode (issue 8 §1): a field that
 * reads only columns the type always selects resolves straight from the row.
 *
 * In select mode `@pothos/plugin-prisma` gives every `t.expose*` field (and
 * every field with a `select`) a resolver wrapper that looks up, per row and
 * per field, which query loaded the parent (`getLoaderMapping`: a response-path
 * string built and matched for each of them) and re-loads the row when none
 * did. For the inbox page that is ~1,000 lookups per request, 7 % of its CPU.
 * A column listed in the type's own `select` (`prismaNode(…, { select })`) is
 * in every row Pothos loads for that type, and in every full row a service
 * returns, so the lookup can only answer "loaded": this plugin drops the
 * field's `pothosPrismaSelect` when it is a plain `{ column: true, … }` whose
 * columns the type-level select all contains, and the field keeps its own
 * resolver (`row[column]` for `expose`). Fields selecting relations, or
 * columns outside the type's select, keep Pothos' wrapper and its fallback.
 *
 * It also makes the Relay `id` of every Prisma node synchronous.
 * `@pothos/plugin-relay` 4.8 resolves `t.globalID` fields with an async
 * function, so every node in a result became a promise and graphql-js
 * completed every object through `promiseForObject` (244 promises for the
 * inbox page, with their microtasks, async-hook callbacks and garbage). The
 * hub's nodes all use `prismaNode(…, { id: { field: 'id' } })` over a String
 * primary key and the default encoding, so the id is
 * `encodeGlobalID(typename, row.id)`, computed the same way, without the
 * promise. Any other `id` field keeps its resolver.
 */
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { encodeGlobalID } from '@pothos/plugin-relay';

const pluginName = 'hubColumnFields';

/** The plugin's name, for `plugins: [...]` in the builder. */
export default pluginName;

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      hubColumnFields: ColumnFieldsPlugin<Types>;
    }
  }
}

/** The type-level select's plain columns (`{ column: true }`); relations and nested selects are not columns. */
function columnsOf(select: unknown): Set<string> | null {
  if (!select || typeof select !== 'object') return null;
  const out = new Set<string>();
  for (const [key, value] of Object.entries(select)) if (value === true) out.add(key);
  return out;
}

/** True when `select` is a plain `{ column: true, … }` of columns in `always`. */
function coveredBy(select: unknown, always: Set<string>): boolean {
  if (!select || typeof select !== 'object') return false;
  const entries = Object.entries(select);
  return entries.length > 0 && entries.every(([key, value]) => value === true && always.has(key));
}

/** See the module comment. */
export class ColumnFieldsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  private readonly alwaysSelected = new Map<string, Set<string> | null>();

  private columnsOfType(typename: string): Set<string> | null {
    if (!this.alwaysSelected.has(typename)) {
      const config = this.buildCache.getTypeConfig(typename);
      this.alwaysSelected.set(typename, columnsOf(config.extensions?.pothosPrismaSelect));
    }
    return this.alwaysSelected.get(typename) ?? null;
  }

  /** True for the `id` field Relay's node interface adds to a `prismaNode` type. */
  private isPrismaNodeId(fieldConfig: PothosOutputFieldConfig<Types>): boolean {
    if (fieldConfig.name !== 'id' || fieldConfig.type.kind !== 'Scalar' || fieldConfig.pothosOptions.type !== 'ID') return false;
    const type = this.buildCache.getTypeConfig(fieldConfig.parentType);
    if (type.kind !== 'Object' || !type.extensions?.pothosPrismaModel) return false;
    return type.interfaces.some((ref) => this.buildCache.getTypeConfig(ref).name === 'Node');
  }

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (this.isPrismaNodeId(fieldConfig)) {
      const typename = fieldConfig.parentType;
      return { ...fieldConfig, resolve: (parent: unknown) => encodeGlobalID(typename, String((parent as { id: unknown }).id)) };
    }
    if (fieldConfig.kind !== 'PrismaObject') return fieldConfig;
    const select = fieldConfig.extensions?.pothosPrismaSelect;
    if (!select || typeof select === 'function') return fieldConfig;
    const always = this.columnsOfType(fieldConfig.parentType);
    if (!always || !coveredBy(select, always)) return fieldConfig;
    const { pothosPrismaSelect: _covered, ...extensions } = fieldConfig.extensions ?? {};
    return { ...fieldConfig, extensions };
  }
}

SchemaBuilder.registerPlugin(pluginName, ColumnFieldsPlugin);
