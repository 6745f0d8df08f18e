// Prometheus metrics of one service instance (its own registry, so tests can build several).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  pushedRecords: Counter<'op' | 'result'>;
  appliedEvents: Counter<'kind'>;
  /** Records re-read because their change event was older than their last sync (late events). */
  staleRereads: Counter;
  salesforceCalls: Counter<'result'>;
  apiUsage: Gauge<'kind'>;
  /** Change events received and not yet applied, per channel (bounded: see streamPauses). */
  inboundBacklog: Gauge<'channel'>;
  /** Times a change stream stopped taking events until its backlog was applied. */
  streamPauses: Counter<'channel'>;
}

export function createMetrics(options: { defaultMetrics: boolean }): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'sia_http_requests_total',
      help: 'SIA API requests',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'sia_http_request_duration_seconds',
      help: 'SIA API request duration',
      labelNames: ['method', 'route'],
      registers: [registry],
    }),
    pushedRecords: new Counter({
      name: 'sia_sync_pushed_records_total',
      help: 'Task changes sent to Salesforce',
      labelNames: ['op', 'result'],
      registers: [registry],
    }),
    appliedEvents: new Counter({
      name: 'sia_sync_inbound_changes_total',
      help: 'Salesforce changes processed',
      labelNames: ['kind'],
      registers: [registry],
    }),
    staleRereads: new Counter({
      name: 'sia_sync_stale_rereads_total',
      help: 'Records re-read from Salesforce because their change event predates their last sync',
      registers: [registry],
    }),
    salesforceCalls: new Counter({
      name: 'sia_salesforce_calls_total',
      help: 'Salesforce API calls',
      labelNames: ['result'],
      registers: [registry],
    }),
    apiUsage: new Gauge({
      name: 'sia_salesforce_api_usage',
      help: 'Sforce-Limit-Info api-usage (used, limit)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    inboundBacklog: new Gauge({
      name: 'sia_sync_inbound_backlog',
      help: 'Change events received and not yet applied',
      labelNames: ['channel'],
      registers: [registry],
    }),
    streamPauses: new Counter({
      name: 'sia_sync_stream_pauses_total',
      help: 'Times a change stream paused until its backlog of received events was applied',
      labelNames: ['channel'],
      registers: [registry],
    }),
  };
}
