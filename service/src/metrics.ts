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
  /** How far behind the sync is; set from the sync engine's reading before each scrape. */
  lag: {
    leader: Gauge;
    outboxQueued: Gauge;
    outboxDue: Gauge;
    outboxOldestAge: Gauge;
    inboundOldestAge: Gauge;
    streamConnected: Gauge<'channel'>;
    streamLastEvent: Gauge<'channel'>;
    streamReplayId: Gauge<'channel'>;
  };
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
    lag: {
      leader: new Gauge({
        name: 'sia_sync_leader',
        help: '1 while this instance leads (follows the change events and drains the outbox)',
        registers: [registry],
      }),
      outboxQueued: new Gauge({
        name: 'sia_sync_outbox_queued',
        help: 'SIA changes queued for Salesforce (one entry per task)',
        registers: [registry],
      }),
      outboxDue: new Gauge({
        name: 'sia_sync_outbox_due',
        help: 'Queued SIA changes due now (not waiting out a retry backoff)',
        registers: [registry],
      }),
      outboxOldestAge: new Gauge({
        name: 'sia_sync_outbox_oldest_age_seconds',
        help: 'Age of the oldest queued SIA change (0 when none is queued)',
        registers: [registry],
      }),
      inboundOldestAge: new Gauge({
        name: 'sia_sync_inbound_oldest_pending_age_seconds',
        help: 'How long the oldest received, unapplied change event has waited (0 when none)',
        registers: [registry],
      }),
      streamConnected: new Gauge({
        name: 'sia_sync_stream_connected',
        help: '1 while the channel is subscribed and not interrupted',
        labelNames: ['channel'],
        registers: [registry],
      }),
      streamLastEvent: new Gauge({
        name: 'sia_sync_stream_last_event_timestamp_seconds',
        help: 'Commit time of the last change event applied from the channel (Unix seconds)',
        labelNames: ['channel'],
        registers: [registry],
      }),
      streamReplayId: new Gauge({
        name: 'sia_sync_stream_last_replay_id',
        help: 'Replay id of the last change event applied from the channel',
        labelNames: ['channel'],
        registers: [registry],
      }),
    },
  };
}
