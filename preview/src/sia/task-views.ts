// The SIA page's views of the rep's tasks and the words it uses about them, with no DOM: where a
// task shows (Command Center, Overdue, Upcoming, Done), what a new task's confirmation says, how a
// draft is checked before it is sent, and how a skipped task's place in Salesforce reads.
import { addDays, isIsoDate } from '../../../force-app/main/default/lwc/siaDateBuckets/siaDateBuckets.ts';
import { formatDate } from '../../../force-app/main/default/lwc/siaFormat/siaFormat.ts';
import type { SiaTask } from './sia-api.ts';

/** The page's views, as SIA has them: Command Center is today and tomorrow, as SIA documents it. */
export type ViewKey = 'command-center' | 'overdue' | 'upcoming' | 'done';

export const VIEW_LABELS: Readonly<Record<ViewKey, string>> = {
  'command-center': 'Command Center',
  overdue: 'Overdue',
  upcoming: 'Upcoming',
  done: 'Done',
};

/** Salesforce's Task.Subject holds 255 characters; SIA's task name goes there. */
export const MAX_NAME_LENGTH = 255;

export interface TaskViews {
  today: SiaTask[];
  tomorrow: SiaTask[];
  overdue: SiaTask[];
  upcoming: SiaTask[];
  done: SiaTask[];
}

const byDueThenName = (a: SiaTask, b: SiaTask): number =>
  a.dueDate.localeCompare(b.dueDate) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** Every task in exactly one view: open ones by due date against the owner's today, the rest in Done. */
export function taskViews(tasks: readonly SiaTask[], today: string): TaskViews {
  const tomorrow = addDays(today, 1);
  const open = tasks.filter((task) => task.status === 'open').sort(byDueThenName);
  return {
    today: open.filter((task) => task.dueDate === today),
    tomorrow: open.filter((task) => task.dueDate === tomorrow),
    overdue: open.filter((task) => task.dueDate < today),
    upcoming: open.filter((task) => task.dueDate > tomorrow),
    // Most recently finished first: what the rep just did is at the top.
    done: tasks
      .filter((task) => task.status !== 'open')
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id)),
  };
}

/** The view an open task due on `dueDate` shows in. */
export function viewOfDueDate(dueDate: string, today: string): ViewKey {
  if (dueDate < today) return 'overdue';
  if (dueDate <= addDays(today, 1)) return 'command-center';
  return 'upcoming';
}

/**
 * Where a new (or re-dated) open task went, in words: "Due Dec 11, 2026: under Upcoming; it shows
 * in Command Center from Dec 10, 2026."
 */
export function whereItShows(dueDate: string, today: string, locale: string): string {
  const due = formatDate(dueDate, locale);
  const view = viewOfDueDate(dueDate, today);
  if (view === 'overdue') return `Due ${due}, which has passed: under Overdue.`;
  if (dueDate === today) return `Due today, ${due}: in Command Center under Due today.`;
  if (view === 'command-center') return `Due tomorrow, ${due}: in Command Center under Due tomorrow.`;
  return `Due ${due}: under Upcoming; it shows in Command Center from ${formatDate(addDays(dueDate, -1), locale)}.`;
}

/**
 * How a row reads about the task's state and its Salesforce Task: "Open · In Salesforce". A skipped
 * task whose Task the setting deletes says so in one phrase, "Skipped (removed from Salesforce)":
 * the setting at work, not a sync failure.
 */
export function stateLabel(task: SiaTask, mode: string | undefined): string {
  const inSalesforce = task.salesforceTaskId !== null;
  if (task.status === 'skipped' && mode === 'SyncDeleteSkipped')
    return inSalesforce ? 'Skipped (being removed from Salesforce)' : 'Skipped (removed from Salesforce)';
  const status = task.status === 'open' ? 'Open' : task.status === 'completed' ? 'Completed' : 'Skipped';
  return `${status} · ${inSalesforce ? 'In Salesforce' : 'Not in Salesforce'}`;
}

/**
 * The checks a task's name makes before it is sent, in plain words; nothing is cut or changed.
 * `name` is the text as typed.
 */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'Enter what to do.';
  if (name.length > MAX_NAME_LENGTH)
    return `Shorten to ${MAX_NAME_LENGTH} characters, the Salesforce subject limit (this has ${name.length}).`;
  return undefined;
}

/**
 * The message for a due date field: none when it holds a date; "Enter a due date." when empty; an
 * example in the user's locale when its text is not a date (the text stays as typed).
 */
export function dueDateProblem(
  value: unknown,
  badInput: boolean,
  exampleDate: string,
  locale: string,
): string | undefined {
  if (typeof value === 'string' && isIsoDate(value)) return undefined;
  if (!badInput) return 'Enter a due date.';
  return isIsoDate(exampleDate)
    ? `Enter a date such as ${formatDate(exampleDate, locale)}.`
    : 'Enter a date.';
}

const API_FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'What to do',
  dueDate: 'Due date',
  priority: 'Priority',
  type: 'Type',
  'person.salesforceId': 'About',
};

/** A field problem the SIA API reported, as one sentence a rep can act on. */
export function apiFieldProblem(field: string, message: string): string {
  if (field === 'name' && message === 'must not be empty') return 'Enter what to do.';
  if (field === 'name' && message.startsWith('must be at most'))
    return `Shorten to ${MAX_NAME_LENGTH} characters, the Salesforce subject limit.`;
  if (field === 'dueDate') return 'Enter a due date.';
  return `${API_FIELD_LABELS[field] ?? field} ${message}.`;
}
