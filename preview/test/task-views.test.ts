// The SIA page's views and words, without a browser: every task in exactly one view, where a new
// task shows, and the plain-word checks of a draft.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SiaTask } from '../src/sia/sia-api.ts';
import {
  apiFieldProblem,
  dueDateProblem,
  nameProblem,
  stateLabel,
  taskViews,
  viewOfDueDate,
  whereItShows,
} from '../src/sia/task-views.ts';

const TODAY = '2026-12-05';

function task(
  id: string,
  dueDate: string,
  status: SiaTask['status'] = 'open',
  extra: Partial<SiaTask> = {},
): SiaTask {
  return {
    id,
    ownerId: 'riley',
    type: 'call',
    name: `Task ${id}`,
    dueDate,
    priority: 'normal',
    details: null,
    status,
    person: { salesforceId: null, email: null },
    relatedToId: null,
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    salesforceTaskId: null,
    ...extra,
  };
}

describe('taskViews', () => {
  it('puts every task in exactly one view: overdue, today, tomorrow, upcoming or done', () => {
    const tasks = [
      task('past', '2026-11-30'),
      task('today', TODAY),
      task('tomorrow', '2026-12-06'),
      task('later', '2026-12-11'),
      task('completed', '2026-11-01', 'completed', { updatedAt: '2026-12-04T09:00:00.000Z' }),
      task('skipped', '2026-12-20', 'skipped', { updatedAt: '2026-12-05T09:00:00.000Z' }),
    ];
    const views = taskViews(tasks, TODAY);
    const ids = (list: SiaTask[]) => list.map((t) => t.id);
    assert.deepEqual(ids(views.overdue), ['past']);
    assert.deepEqual(ids(views.today), ['today']);
    assert.deepEqual(ids(views.tomorrow), ['tomorrow']);
    assert.deepEqual(ids(views.upcoming), ['later']);
    // Most recently finished first.
    assert.deepEqual(ids(views.done), ['skipped', 'completed']);
    const shown = Object.values(views).flatMap(ids).sort();
    assert.deepEqual(shown, ids(tasks).sort());
  });
});

describe('whereItShows', () => {
  it('says where a task went and when it reaches Command Center, in the locale', () => {
    assert.equal(viewOfDueDate('2026-12-11', TODAY), 'upcoming');
    assert.equal(
      whereItShows('2026-12-11', TODAY, 'en-US'),
      'Due Dec 11, 2026: under Upcoming; it shows in Command Center from Dec 10, 2026.',
    );
    assert.equal(
      whereItShows('2026-12-01', TODAY, 'en-US'),
      'Due Dec 1, 2026, which has passed: under Overdue.',
    );
    assert.equal(
      whereItShows(TODAY, TODAY, 'en-US'),
      'Due today, Dec 5, 2026: in Command Center under Due today.',
    );
    assert.equal(
      whereItShows('2026-12-06', TODAY, 'de-DE'),
      'Due tomorrow, 06.12.2026: in Command Center under Due tomorrow.',
    );
  });
});

describe('stateLabel', () => {
  it('says a skipped task was removed from Salesforce when the setting deletes skipped tasks', () => {
    const skipped = task('s', TODAY, 'skipped');
    assert.equal(stateLabel(skipped, 'SyncDeleteSkipped'), 'Skipped (removed from Salesforce)');
    assert.equal(
      stateLabel({ ...skipped, salesforceTaskId: '00T000000000001AAA' }, 'SyncDeleteSkipped'),
      'Skipped (being removed from Salesforce)',
    );
    assert.equal(stateLabel(skipped, 'DoNotSync'), 'Skipped · Not in Salesforce');
    assert.equal(
      stateLabel({ ...task('o', TODAY), salesforceTaskId: '00T000000000001AAA' }, 'SyncCompleteSkipped'),
      'Open · In Salesforce',
    );
  });
});

describe('draft checks', () => {
  it('names what is wrong with a name in plain words and changes nothing', () => {
    assert.equal(nameProblem('   '), 'Enter what to do.');
    assert.equal(nameProblem('a'.repeat(255)), undefined);
    assert.equal(
      nameProblem('a'.repeat(300)),
      'Shorten to 255 characters, the Salesforce subject limit (this has 300).',
    );
  });

  it('tells an empty date from text that is not a date, with an example in the locale', () => {
    assert.equal(dueDateProblem('2026-12-11', false, TODAY, 'en-US'), undefined);
    assert.equal(dueDateProblem(null, false, TODAY, 'en-US'), 'Enter a due date.');
    assert.equal(dueDateProblem(null, true, TODAY, 'en-US'), 'Enter a date such as Dec 5, 2026.');
    assert.equal(dueDateProblem('', true, '', 'en-US'), 'Enter a date.');
  });

  it('words the API field problems once, for a rep', () => {
    assert.equal(apiFieldProblem('name', 'must not be empty'), 'Enter what to do.');
    assert.equal(
      apiFieldProblem('priority', 'must be one of normal, high'),
      'Priority must be one of normal, high.',
    );
  });
});
