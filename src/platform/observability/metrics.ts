import { Registry, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process: request latency, queue depth, outbox backlog. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const gaugeCollectors: Array<() => Promise<void>> = [];
  return {
    registry,
    httpDuration,
    /**
     * Adds a gauge whose values are read from `read` at scrape time (queue depth, outbox backlog),
     * so that every node reports the shared database's truth rather than its own counters.
     */
    addGauge(name: string, help: string, labelName: string, read: () => Promise<Record<string, number>>) {
      const gauge = new Gauge({ name, help, labelNames: [labelName], registers: [registry] });
      gaugeCollectors.push(async () => {
        const values = await read();
        gauge.reset();
        for (const [label, value] of Object.entries(values)) gauge.set({ [labelName]: label }, value);
      });
    },
    /**
     * Adds a gauge of several labels whose series are read from `read` at scrape time; series
     * missing from a read are dropped (reset), as with {@link addGauge}.
     */
    addGaugeSeries<L extends string>(name: string, help: string, labelNames: readonly L[],
      read: () => Promise<Array<{ labels: Record<L, string>; value: number }>>) {
      const gauge = new Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });
      gaugeCollectors.push(async () => {
        const series = await read();
        gauge.reset();
        for (const { labels, value } of series) gauge.set(labels, value);
      });
    },
    /** Renders the exposition text. */
    async render(): Promise<string> {
      await Promise.all(gaugeCollectors.map((collect) => collect().catch(() => undefined)));
      return registry.metrics();
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
