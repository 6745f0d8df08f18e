// Turns of the event loop inside long loops over records (the sweep, a switch-on's deletions, the
// settings of every user). On SQLite every query is synchronous under its promise, so a loop of
// thousands of applied records is one unbroken stretch of microtasks: no HTTP request, timer or
// CometD response is served until it ends. A loop that calls its turn once per record lets the
// rest of the instance run every RECORDS_PER_TURN records.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Records handled between two turns of the event loop. */
export const RECORDS_PER_TURN = 100;

/**
 * A counter to call once per record: every `every`-th call waits for the next turn of the event
 * loop (after pending I/O callbacks, as setImmediate does), the others return at once.
 */
export function loopTurns(every = RECORDS_PER_TURN): () => Promise<void> {
  let count = 0;
  return async () => {
    count += 1;
    if (count % every === 0) await nextTurn();
  };
}
