/** One server's figures for one scenario of the comparison (bench/compare/run.ts; bench/targets.ts reads them as JSON). */
export interface Figures {
  /** Requests answered per second (autocannon). */
  rps: number;
  /** Latency percentiles, ms (autocannon's). */
  p50: number;
  p99: number;
  /** The server process's CPU time per request, ms. */
  cpuMs: number;
  /** SQL statements per request. */
  statements: number;
  /** The server's highest RSS during the round, MB. */
  rssMb: number;
}

/** What bench/compare/run.ts writes to BENCH_RESULT_FILE: medians of the rounds per scenario. */
export interface CompareResult {
  rounds: number;
  seconds: number;
  connections: number;
  scenarios: { name: string; hub: Figures; baseline: Figures; pglite: Figures | null }[];
}
