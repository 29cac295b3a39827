/**
 * The price of a GraphQL request, checked BEFORE execution, on HTTP (an Apollo
 * Server plugin) and on graphql-ws (checkSocketOperation, called by onSubscribe).
 *
 * 1. Shape limits, configured, not hand-written: tokens 1,000 (graphql-js'
 *    own `maxTokens` parse option, the check graphql-armor-max-tokens makes:
 *    Apollo Server 5 has no parse hook for armor's parser, and a plugin that
 *    throws while parsing answers 500), then graphql-armor's validation rules
 *    beside graphql-js' own: depth 7 (`maxDepthRule`; fragments flattened, the
 *    `__schema` introspection field ignored so introspection keeps working),
 *    aliases 15 (`maxAliasesRule`; `__typename` aliases free) and directives
 *    50 (`maxDirectivesRule`).
 * 2. A query cost computed Shopify's way with graphql-query-complexity and
 *    the estimator below: scalars and enums 0, objects 1, a connection 2 +
 *    `first`/`last` (DEFAULT_PAGE_SIZE when absent) × the cost of one edge,
 *    `nodes(ids)` the number of ids × one node, a mutation field 10. Above
 *    MAX_QUERY_COST (1,000) the request is refused with MAX_COST_EXCEEDED and
 *    `extensions.cost.requestedQueryCost`: no resolver (so no SQL) runs.
 * 3. A bucket per API key, per user, and per IP for anonymous requests
 *    (rate-limiter-flexible; Redis when REDIS_URL is set, memory otherwise):
 *    RATE_LIMIT_BUCKET_POINTS points (1,000), consuming requestedQueryCost.
 *    rate-limiter-flexible counts in fixed windows, so the bucket is refilled
 *    in full every RATE_LIMIT_BUCKET_POINTS / RATE_LIMIT_RESTORE_RATE seconds
 *    (1,000 / 50 = 20 s): the average restore rate is RATE_LIMIT_RESTORE_RATE
 *    points per second, not a continuous leak. After execution, the difference
 *    between the requested and the actual cost (items really returned) is given
 *    back. An empty bucket answers THROTTLED, HTTP 429 and Retry-After.
 *
 * Every response to an operation that was priced carries `extensions.cost`
 * in Shopify's shape: { requestedQueryCost, actualQueryCost, throttleStatus:
 * { maximumAvailable, currentlyAvailable, restoreRate } }.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ParseOptions,
  type SelectionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { createRedisClient } from '../shared/redis.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { DEFAULT_PAGE_SIZE } from '../schema/builder.js';
import type { AppDeps } from '../shared/app.js';
import type { HubContext } from '../shared/context.js';

/** Shape limits (graphql-armor's defaults, but depth 7: a Relay connection spends two levels, edges and node, per hop) and the cost ceiling of one request. */
export const GRAPHQL_LIMITS = {
  maxTokens: 1000,
  // graphql-armor's default is 6; Relay's edges/node take two levels, and
  // API clients read a thread's message → sender → user (7 levels).
  maxDepth: 7,
  maxAliases: 15,
  maxDirectives: 50,
  maxQueryCost: 1000,
} as const;

/** Shopify's prices. */
export const COST = { scalar: 0, object: 1, connection: 2, mutation: 10 } as const;

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus?: ThrottleStatus;
}

// ---------------------------------------------------------------------------
// Shape limits

/**
 * graphql-armor reports through the validation context instead of throwing
 * (a throw would escape graphql-js' validate() and Apollo would answer 500).
 */
const report = (ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(err);
const armor = { propagateOnRejection: false, onReject: [report] };

/** graphql-armor's depth, alias and directive rules, configured. */
export const limitValidationRules: ValidationRule[] = [
  maxDepthRule({ ...armor, n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: true }) as unknown as ValidationRule,
  maxAliasesRule({ ...armor, n: GRAPHQL_LIMITS.maxAliases }) as unknown as ValidationRule,
  maxDirectivesRule({ ...armor, n: GRAPHQL_LIMITS.maxDirectives }) as unknown as ValidationRule,
];

/** For ApolloServer's `parseOptions`: parsing stops at the token limit. */
export const limitParseOptions: ParseOptions = { maxTokens: GRAPHQL_LIMITS.maxTokens };

/** Parses as Apollo does (token limit included); throws GRAPHQL_PARSE_FAILED (HTTP 400) past the limit. */
export function parseWithLimits(source: string): DocumentNode {
  try {
    return parse(source, limitParseOptions);
  } catch (e) {
    const err = e instanceof GraphQLError ? e : new GraphQLError(String(e));
    throw new GraphQLError(err.message, { nodes: err.nodes, positions: err.positions, source: err.source, extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } } });
  }
}

// ---------------------------------------------------------------------------
// Cost

const isConnection = (t: GraphQLNamedType | null | undefined): boolean =>
  !!t && isObjectType(t) && t.name.endsWith('Connection') && 'edges' in t.getFields() && 'pageInfo' in t.getFields();

/** The page size a connection field asks for: `first`, else `last`, else the default. */
const pageSize = (args: Record<string, unknown>): number => {
  const n = (args.first ?? args.last ?? DEFAULT_PAGE_SIZE) as number;
  return Math.max(0, Number.isFinite(n) ? n : DEFAULT_PAGE_SIZE);
};

/** Own cost of a field, whatever it selects (used for the actual cost too). */
function ownCost(parent: GraphQLNamedType, field: Pick<GraphQLField<unknown, unknown>, 'name' | 'type'>, schema: GraphQLSchema): number {
  if (parent === schema.getMutationType()) return COST.mutation;
  const named = getNamedType(field.type);
  if (!isCompositeType(named)) return COST.scalar;
  if (isConnection(named)) return COST.connection;
  // The edges list is priced by the connection's multiplier; pageInfo is part of its 2 points.
  if (isConnection(parent) && (field.name === 'edges' || field.name === 'pageInfo')) return 0;
  return COST.object;
}

/** Shopify's estimator for graphql-query-complexity. */
function shopifyEstimator(schema: GraphQLSchema): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const own = ownCost(type, field, schema);
    const named = getNamedType(field.type);
    if (type !== schema.getMutationType() && isConnection(named)) return own + pageSize(args) * childComplexity;
    if (field.name === 'nodes' && Array.isArray(args.ids)) return args.ids.length * (COST.object + childComplexity);
    return own + childComplexity;
  };
}

const estimators = new WeakMap<GraphQLSchema, ComplexityEstimator[]>();

/** Requested costs already computed, per schema and parsed document, by operation name and variables (see {@link requestedQueryCost}). */
const requestedCosts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
/** Longest cache key (operation name and variables as JSON, characters) whose cost is kept; larger variables are priced every time. */
const COST_KEY_MAX_CHARS = 2048;
/** Costs kept per document; past this the document's entries are dropped and collected again (a client paging with new cursors). */
const COSTS_PER_DOCUMENT = 256;

/**
 * The requested cost of an operation (graphql-query-complexity with Shopify's
 * estimator). Throws a GraphQLError when the variables do not fit the operation.
 *
 * The cost is a function of the schema, the document, the operation name and the variables alone,
 * so it is kept per parsed document (Apollo Server hands a repeated query the same DocumentNode)
 * under its operation name and variables: the inbox polled with the same variables is priced once,
 * not on every request (the walk was ~3 % of the inbox page's CPU, issue 8 §1). At most
 * COSTS_PER_DOCUMENT entries per document, each key at most COST_KEY_MAX_CHARS; errors are not kept.
 */
export function requestedQueryCost(schema: GraphQLSchema, document: DocumentNode, variables?: Record<string, unknown> | null, operationName?: string | null): number {
  let byDocument = requestedCosts.get(schema);
  if (!byDocument) requestedCosts.set(schema, (byDocument = new WeakMap()));
  let costs = byDocument.get(document);
  const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
  const known = costs?.get(key);
  if (known !== undefined) return known;
  let est = estimators.get(schema);
  if (!est) estimators.set(schema, (est = [shopifyEstimator(schema)]));
  const cost = getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators: est });
  if (key.length <= COST_KEY_MAX_CHARS) {
    if (!costs) byDocument.set(document, (costs = new Map()));
    else if (costs.size >= COSTS_PER_DOCUMENT) costs.clear();
    costs.set(key, cost);
  }
  return cost;
}

/** Fields of one selection set on one object, merged by response key as graphql-js' CollectFields merges them. */
function collectFields(
  schema: GraphQLSchema,
  parent: GraphQLCompositeType,
  selections: readonly SelectionNode[],
  fragments: Map<string, FragmentDefinitionNode>,
  into = new Map<string, { parent: GraphQLCompositeType; nodes: FieldNode[] }>(),
  seen = new Set<string>(),
) {
  for (const sel of selections) {
    if (sel.kind === Kind.FIELD) {
      const key = sel.alias?.value ?? sel.name.value;
      const entry = into.get(key);
      if (entry) entry.nodes.push(sel);
      else into.set(key, { parent, nodes: [sel] });
      continue;
    }
    const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments.get(sel.name.value);
    if (!fragment) continue;
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      if (seen.has(sel.name.value)) continue;
      seen.add(sel.name.value);
    }
    const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent;
    collectFields(schema, condition && isCompositeType(condition) ? condition : parent, fragment.selectionSet.selections, fragments, into, seen);
  }
  return into;
}

/** One field of an operation as the actual cost sees it: its response key, own cost and the fields beneath. */
interface CostField {
  key: string;
  own: number;
  /** `nodes` of object cost: 1 per non-null item. */
  perItem: boolean;
  /** The fields selected beneath (a composite type), or null. */
  children: CostField[] | null;
}

/** The cost plan of a selection set on `parent`; introspection fields and fields that cost nothing with nothing costly beneath are left out. */
function costPlan(schema: GraphQLSchema, parent: GraphQLCompositeType, selections: readonly SelectionNode[], fragments: Map<string, FragmentDefinitionNode>): CostField[] {
  const plan: CostField[] = [];
  for (const [key, { parent: owner, nodes }] of collectFields(schema, parent, selections, fragments)) {
    const name = nodes[0]!.name.value;
    // Introspection (`__schema`, `__type`, `__typename`) is free, as its resolvers are graphql-js' own.
    if (name.startsWith('__')) continue;
    const field = isObjectType(owner) || isInterfaceType(owner) ? owner.getFields()[name] : undefined;
    if (!field) continue;
    const own = ownCost(owner, field, schema);
    const named = getNamedType(field.type);
    const children = isCompositeType(named)
      ? costPlan(
          schema,
          named,
          nodes.flatMap((n) => n.selectionSet?.selections ?? []),
          fragments,
        )
      : null;
    // A field that costs nothing and has nothing that costs beneath it (a scalar, pageInfo) is left out of the
    // plan: the walk of every result (`actualQueryCost`) then never looks at it (~2 % of the inbox page's CPU).
    if (own === 0 && (children === null || children.length === 0)) continue;
    plan.push({ key, own, perItem: own === COST.object && name === 'nodes', children });
  }
  return plan;
}

/** Cost plans per parsed document and operation name (Apollo Server hands repeated queries the same DocumentNode). */
const costPlans = new WeakMap<DocumentNode, Map<string, CostField[] | null>>();

function planOf(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): CostField[] | null {
  let byOperation = costPlans.get(document);
  if (!byOperation) costPlans.set(document, (byOperation = new Map()));
  const name = operationName ?? '';
  let plan = byOperation.get(name);
  if (plan === undefined) {
    const operation = getOperationAST(document, operationName ?? undefined);
    const root = operation && schema.getRootType(operation.operation);
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
    plan = operation && root ? costPlan(schema, root, operation.selectionSet.selections, fragments) : null;
    byOperation.set(name, plan);
  }
  return plan;
}

function costOfObject(plan: CostField[], value: Record<string, unknown>): number {
  let total = 0;
  for (const f of plan) {
    if (!(f.key in value)) continue;
    const result = value[f.key];
    if (f.own === COST.object) {
      if (result != null) total += f.perItem && Array.isArray(result) ? nonNullItems(result) : f.own;
    } else total += f.own;
    if (result != null && f.children) total += costOfValue(f.children, result);
  }
  return total;
}

function costOfValue(plan: CostField[], value: unknown): number {
  if (Array.isArray(value)) {
    let total = 0;
    for (const item of value) if (item != null) total += costOfValue(plan, item);
    return total;
  }
  return typeof value === 'object' && value !== null ? costOfObject(plan, value as Record<string, unknown>) : 0;
}

function nonNullItems(list: unknown[]): number {
  let n = 0;
  for (const item of list) if (item != null) n++;
  return n;
}

/**
 * The actual cost of an executed operation, Shopify's way: what really resolved. Walks the
 * result (`data`) along the document: a connection or mutation field that resolved costs its own
 * points, an object field 1 when it is not null, `nodes` 1 per non-null item; scalars nothing.
 * A field absent from the result (under a null parent, skipped, or of a fragment that did not
 * apply) and introspection cost nothing. The document's plan (keys, own costs) is computed once
 * per parsed document. Computed after execution instead of from a hook on every resolver (that
 * hook made Apollo Server wrap every field's resolver: issue 8 §1).
 */
export function actualQueryCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, data: unknown): number {
  const plan = planOf(schema, document, operationName);
  return plan && data && typeof data === 'object' ? costOfObject(plan, data as Record<string, unknown>) : 0;
}

function maxCostError(cost: number): GraphQLError {
  return new GraphQLError(`Query cost is ${cost}, which exceeds the maximum cost of ${GRAPHQL_LIMITS.maxQueryCost} per request.`, {
    extensions: { code: 'MAX_COST_EXCEEDED', cost: { requestedQueryCost: cost, maximumCost: GRAPHQL_LIMITS.maxQueryCost }, http: { status: 400 } },
  });
}

// ---------------------------------------------------------------------------
// Buckets

/** Whose bucket a request spends: its API key, its user, else its IP. */
export function bucketKey(ctx: Pick<HubContext, 'viewer' | 'request'>): string {
  const v = ctx.viewer;
  if (v?.kind === 'API_KEY') return `key:${v.id}`;
  if (v) return `user:${v.id}`;
  return `ip:${ctx.request.ip ?? 'unknown'}`;
}

type Spend = { ok: true; status: ThrottleStatus } | { ok: false; status: ThrottleStatus; retryAfterSeconds: number };

export interface CostBuckets {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
  spend(key: string, points: number): Promise<Spend>;
  /** Gives back points (requested − actual) and returns the status after it. */
  refund(key: string, points: number): Promise<ThrottleStatus>;
  close(): Promise<void>;
}

export function createCostBuckets(config: { RATE_LIMIT_BUCKET_POINTS: number; RATE_LIMIT_RESTORE_RATE: number; REDIS_URL?: string }): CostBuckets {
  const points = config.RATE_LIMIT_BUCKET_POINTS;
  const restoreRate = config.RATE_LIMIT_RESTORE_RATE;
  // Fixed windows in which the whole bucket refills at restoreRate on average.
  const duration = Math.max(1, Math.ceil(points / restoreRate));
  const opts = { points, duration, keyPrefix: 'hub:graphql-cost' };
  const redis = config.REDIS_URL ? createRedisClient(config.REDIS_URL, { maxRetriesPerRequest: 2 }) : null;
  const limiter: RateLimiterAbstract = redis ? new RateLimiterRedis({ ...opts, storeClient: redis, insuranceLimiter: new RateLimiterMemory(opts) }) : new RateLimiterMemory(opts);
  const status = (res: RateLimiterRes): ThrottleStatus => ({ maximumAvailable: points, currentlyAvailable: Math.max(0, Math.min(points, res.remainingPoints)), restoreRate });
  return {
    maximumAvailable: points,
    restoreRate,
    async spend(key, cost) {
      if (cost <= 0) {
        const res = await limiter.get(key);
        return { ok: true, status: res ? status(res) : { maximumAvailable: points, currentlyAvailable: points, restoreRate } };
      }
      try {
        return { ok: true, status: status(await limiter.consume(key, cost)) };
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        // A refused request costs nothing: give its points back.
        const after = await limiter.reward(key, cost).catch(() => e);
        return { ok: false, status: status(after), retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
      }
    },
    async refund(key, cost) {
      const res = cost > 0 ? await limiter.reward(key, cost) : await limiter.get(key);
      return res ? status(res) : { maximumAvailable: points, currentlyAvailable: points, restoreRate };
    },
    close: async () => {
      await redis?.quit().catch(() => undefined);
    },
  };
}

function throttledError(cost: number, spend: Extract<Spend, { ok: false }>): GraphQLError {
  return new GraphQLError(
    `Throttled: this request costs ${cost} points and ${spend.status.currentlyAvailable} of ${spend.status.maximumAvailable} are available; retry in ${spend.retryAfterSeconds} s.`,
    {
      extensions: {
        code: 'THROTTLED',
        retryAfterSeconds: spend.retryAfterSeconds,
        http: { status: 429, headers: new HeaderMap([['retry-after', String(spend.retryAfterSeconds)]]) },
      },
    },
  );
}

// ---------------------------------------------------------------------------
// HTTP: the Apollo Server plugin

interface RequestPrice {
  requested?: number;
  status?: ThrottleStatus;
  key?: string;
  charged: boolean;
}

export interface GraphQLLimits {
  /** Add to ApolloServer's `plugins`. */
  plugin: ApolloServerPlugin<HubContext>;
  /** ApolloServer's `validationRules`. */
  validationRules: ValidationRule[];
  /** ApolloServer's `parseOptions` (the token limit). */
  parseOptions: ParseOptions;
  /**
   * For graphql-ws `onSubscribe`: parses, validates (graphql-js + limits),
   * prices and charges an operation of a socket. Returns the execution
   * arguments, or the errors to send instead.
   */
  checkSocketOperation(
    hub: HubContext,
    schema: GraphQLSchema,
    payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null },
  ): Promise<{ schema: GraphQLSchema; document: DocumentNode; variableValues?: Record<string, unknown> | null; operationName?: string | null } | GraphQLError[]>;
  buckets: CostBuckets;
}

export function createGraphQLLimits(deps: Pick<AppDeps, 'config' | 'logger'>): GraphQLLimits {
  const buckets = createCostBuckets(deps.config);

  /** Prices the operation and charges its bucket; returns the refusal, if any. */
  async function priceAndCharge(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
    key: string,
    price: RequestPrice,
  ): Promise<GraphQLError | null> {
    let cost: number;
    try {
      cost = requestedQueryCost(schema, document, variables, operationName);
    } catch (e) {
      const err = e instanceof GraphQLError ? e : new GraphQLError(String(e));
      return new GraphQLError(err.message, { nodes: err.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
    }
    price.requested = cost;
    if (cost > GRAPHQL_LIMITS.maxQueryCost) return maxCostError(cost);
    const spent = await buckets.spend(key, cost);
    price.status = spent.status;
    if (!spent.ok) return throttledError(cost, spent);
    price.key = key;
    price.charged = true;
    return null;
  }

  const plugin: ApolloServerPlugin<HubContext> = {
    async serverWillStart() {
      return {
        async serverWillStop() {
          await buckets.close();
        },
      };
    },
    async requestDidStart() {
      const price: RequestPrice = { charged: false };
      return {
        async didResolveOperation(rc) {
          const refusal = await priceAndCharge(rc.schema, rc.document!, rc.request.variables, rc.operationName, bucketKey(rc.contextValue), price);
          if (refusal) throw refusal;
        },
        async willSendResponse(rc) {
          const body = rc.response.body;
          if (body.kind !== 'single') return;
          let requested = price.requested;
          // Refused by a shape limit: still say what the document would have cost.
          if (requested === undefined && rc.document) {
            try {
              requested = requestedQueryCost(rc.schema, rc.document, rc.request.variables, rc.request.operationName);
            } catch {
              requested = undefined;
            }
          }
          if (requested === undefined) return;
          let actual: number | null = 0;
          let status = price.status;
          if (price.charged && price.key) {
            actual = Math.min(rc.document ? actualQueryCost(rc.schema, rc.document, rc.operationName, body.singleResult.data) : 0, requested);
            try {
              if (requested > actual) status = await buckets.refund(price.key, requested - actual);
            } catch (e) {
              deps.logger.warn({ err: e }, 'could not refund query cost');
            }
          }
          const cost: QueryCost = { requestedQueryCost: requested, actualQueryCost: actual, ...(status ? { throttleStatus: status } : {}) };
          body.singleResult.extensions = { ...body.singleResult.extensions, cost };
        },
      };
    },
  };

  return {
    plugin,
    validationRules: limitValidationRules,
    parseOptions: limitParseOptions,
    buckets,
    async checkSocketOperation(hub, schema, payload) {
      let document: DocumentNode;
      try {
        document = parseWithLimits(payload.query);
      } catch (e) {
        return [e as GraphQLError];
      }
      const errors = validate(schema, document, [...specifiedRules, ...limitValidationRules]);
      if (errors.length > 0) return [...errors];
      const price: RequestPrice = { charged: false };
      const refusal = await priceAndCharge(schema, document, payload.variables, payload.operationName, bucketKey(hub), price);
      if (refusal) {
        const { http: _http, ...extensions } = refusal.extensions as Record<string, unknown>;
        return [new GraphQLError(refusal.message, { extensions })];
      }
      return { schema, document, variableValues: payload.variables, operationName: payload.operationName };
    },
  };
}
