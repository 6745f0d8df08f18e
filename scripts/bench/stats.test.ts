// The benchmark's pure parts: percentiles, ratio wording, request-log counting and the table.
// No timing here: benchmarks measure time, tests never assert on it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countCalls,
  floorCalls,
  formatMs,
  formatRatio,
  isProbe,
  isServiceCall,
  lessIsBetter,
  moreIsBetter,
  percentile,
  perThousand,
  PROBE_MARKER,
  renderTable,
  routeOf,
  summarize,
  type LoggedRequest,
} from './stats.ts';

function entry(method: string, path: string, counted = true, query = ''): LoggedRequest {
  return { method, path, query, status: 200, counted, at: '2026-11-28T12:00:00.000Z' };
}

describe('bench stats', () => {
  it('interpolates percentiles and summarizes', () => {
    assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
    assert.equal(percentile([10, 20], 95), 19.5);
    assert.equal(percentile([7], 95), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
    assert.deepEqual(summarize([4, 2, 6]), { n: 3, min: 2, p50: 4, p95: 5.8, p99: 5.96, max: 6, mean: 4 });
    assert.equal(summarize([]).n, 0);
  });

  it('words ratios against the baseline in the right direction', () => {
    assert.equal(lessIsBetter(5, 1_000, 'fewer'), '200× fewer');
    assert.equal(lessIsBetter(400, 100, 'faster'), '4.00× slower');
    assert.equal(lessIsBetter(188, 136, 'less'), '1.38× more');
    assert.equal(lessIsBetter(0, 10, 'fewer'), '∞× fewer');
    assert.equal(lessIsBetter(0, 0, 'fewer'), '1.0× (both 0)');
    assert.equal(lessIsBetter(Number.NaN, 10, 'fewer'), 'n/a');
    assert.equal(moreIsBetter(300, 100), '3.00× higher');
    assert.equal(moreIsBetter(50, 100), '2.00× lower');
    assert.equal(moreIsBetter(0, 100), 'n/a');
    assert.equal(formatRatio(12.345), '12.3×');
    assert.equal(formatRatio(1234.5), '1235×');
    assert.equal(perThousand(18, 200), 90);
    assert.ok(Number.isNaN(perThousand(1, 0)));
    assert.equal(formatMs(6.4), '6 ms');
    assert.equal(formatMs(1_500), '1.50 s');
    assert.equal(formatMs(300_000), '5.0 min');
  });

  it('counts only requests the org counted, by route, leaving out the benchmark probes', () => {
    const log = [
      entry('PATCH', '/services/data/v66.0/composite/sobjects/Task/SIA_Task_Id__c'),
      entry('PATCH', '/services/data/v66.0/composite/sobjects/Task/SIA_Task_Id__c'),
      entry('POST', '/services/data/v66.0/sobjects/Task'),
      entry('GET', '/services/data/v66.0/sobjects/Task/00T000000000001AAA'),
      entry('GET', '/services/data/v66.0/sobjects/Task/00T000000000002AAA'),
      entry('POST', '/services/oauth2/token', false),
      entry('POST', '/cometd/66.0/connect', false),
      entry(
        'GET',
        '/services/data/v66.0/query',
        true,
        `?q=SELECT+COUNT()+FROM+Task+WHERE+Subject+!%3D+'${PROBE_MARKER}'`,
      ),
    ];
    const counted = countCalls(log, isProbe);
    assert.equal(counted.total, 5);
    assert.deepEqual(counted.byRoute, {
      'PATCH /composite/sobjects/Task/SIA_Task_Id__c': 2,
      'POST /sobjects/Task': 1,
      'GET /sobjects/Task/{id}': 2,
    });
    assert.equal(countCalls(log).total, 6);
    assert.equal(routeOf('GET', '/services/data/v66.0'), 'GET /');
    assert.equal(
      routeOf('GET', '/services/data/v66.0/query/01g5g6337cb61708cd-2000'),
      'GET /query/{locator}',
    );
    assert.equal(isProbe(entry('GET', '/q', true, '?q=%E0%A4%A')), false);
  });

  it('puts the floor at one collection call per 200 records and tells the service by its client', () => {
    assert.equal(floorCalls(1), 1);
    assert.equal(floorCalls(200), 1);
    assert.equal(floorCalls(201), 2);
    assert.equal(floorCalls(100_000), 500);
    assert.equal(floorCalls(0), 0);
    assert.equal(isServiceCall({ ...entry('POST', '/composite'), client: 'SIASync' }), true);
    assert.equal(isServiceCall({ ...entry('PATCH', '/sobjects/Task/x'), client: null }), false);
    assert.equal(isServiceCall(entry('PATCH', '/sobjects/Task/x')), false);
  });

  it('renders a padded Markdown table', () => {
    assert.equal(
      renderTable(['a', 'bb'], [['long cell', 'x']]),
      ['| a         | bb |', '|-----------|----|', '| long cell | x  |'].join('\n'),
    );
  });
});
