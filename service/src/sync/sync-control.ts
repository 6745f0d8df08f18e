// What the SIA API needs from the sync engine: the API usage Sync Health shows, how far behind
// the sync is, and a way to ask for a reconcile sweep. The engine implements it; the HTTP layer
// only holds this interface.
import type { SyncLag } from './lag.ts';

export interface ApiUsage {
  used: number;
  limit: number;
  budgetPercent: number | null;
}

export interface SyncControl {
  apiUsage(): ApiUsage | null;
  lag(): Promise<SyncLag>;
  reconcile(ownerId: string | undefined): Promise<{ users: number }>;
}
