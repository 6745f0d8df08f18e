// GET /limits: the org's allocations, with the daily API allowance tracked by ApiUsage.
import type { ApiContext, ApiResponse } from './api-types.ts';

function allocation(max: number, remaining = max): { Max: number; Remaining: number } {
  return { Max: max, Remaining: remaining };
}

export function limitsResource(ctx: ApiContext): ApiResponse {
  const used = ctx.usage.used();
  return {
    status: 200,
    body: {
      ConcurrentAsyncGetReportInstances: allocation(200),
      ConcurrentSyncReportRuns: allocation(20),
      DailyApiRequests: allocation(ctx.usage.max, Math.max(0, ctx.usage.max - used)),
      DailyAsyncApexExecutions: allocation(250000),
      ...ctx.bulk.usage.limits(),
      DailyDeliveredPlatformEvents: allocation(50000),
      DailyStandardVolumePlatformEvents: allocation(10000),
      DataStorageMB: allocation(5, 5),
      FileStorageMB: allocation(20, 20),
      HourlyPublishedPlatformEvents: allocation(250000),
      HourlyPublishedStandardVolumePlatformEvents: allocation(1000),
      MonthlyPlatformEventsUsageEntitlement: allocation(4500000),
      SingleEmail: allocation(5000),
    },
  };
}
