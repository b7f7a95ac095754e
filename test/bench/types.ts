// A benchmark module measures one area and returns a section of docs/benchmarks.md.
export interface BenchSection {
  title: string;
  /** The command that reproduces these numbers on its own. */
  command: string;
  /** Markdown body: tables of measured numbers, the theoretical minimum where one exists. */
  markdown: string;
}

export interface BenchModule {
  run(): Promise<BenchSection>;
}
