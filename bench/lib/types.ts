// The contract between bench/run.ts and a benchmark module (bench/<name>.bench.ts).

export interface Figure {
  value: number;
  unit: string;
  /** Upper bound the figure must stay under (lower is better), if there is one. */
  max?: number;
  note?: string;
}

export interface BenchReport {
  title: string;
  figures: Record<string, Figure>;
  /** Markdown body of the module's section in BENCHMARKS.md (without the heading). */
  markdown: string;
  details?: Record<string, unknown>;
}

export interface BenchContext {
  /** Smaller inputs and fewer repetitions (`npm run bench -- --quick`). */
  quick: boolean;
  log: (line: string) => void;
}

/** What each bench/<name>.bench.ts exports. */
export interface BenchModule {
  name: string;
  run(ctx: BenchContext): Promise<BenchReport>;
}
