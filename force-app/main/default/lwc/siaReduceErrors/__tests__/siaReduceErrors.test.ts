import { reduceErrors, reduceFieldErrors } from 'c/siaReduceErrors';
import updateRecordFieldError from './data/updateRecordFieldError.json';
import wireNotFound from './data/wireNotFound.json';

describe('c/siaReduceErrors', () => {
  it('reads the message of a wire adapter error body', () => {
    expect(reduceErrors(wireNotFound)).toEqual(['The requested resource does not exist']);
  });

  it('reads page and field errors of a UI API save error, without duplicates', () => {
    expect(reduceErrors([updateRecordFieldError, updateRecordFieldError])).toEqual([
      'An error occurred while trying to update the record. Please try again.',
      'Only SIA Sync admins can change the admin settings.',
      'Enter a valid BCC address, such as emailtosalesforce@example.com.',
    ]);
  });

  it('reads field errors keyed by field API name', () => {
    expect(reduceFieldErrors(updateRecordFieldError)).toEqual([
      {
        field: 'Bcc_Address__c',
        message: 'Enter a valid BCC address, such as emailtosalesforce@example.com.',
      },
    ]);
  });

  it('reads JavaScript errors, strings and GraphQL error lists', () => {
    expect(reduceErrors(new TypeError('x is undefined'))).toEqual(['x is undefined']);
    expect(reduceErrors('Plain failure')).toEqual(['Plain failure']);
    expect(reduceErrors({ errors: [{ message: 'Field Foo is not supported' }] })).toEqual([
      'Field Foo is not supported',
    ]);
  });

  it('falls back to the status text and ignores empty values', () => {
    expect(reduceErrors({ status: 500, statusText: 'Server Error', body: null })).toEqual(['Server Error']);
    expect(reduceErrors([undefined, null, ''])).toEqual([]);
    expect(reduceFieldErrors(new Error('no body'))).toEqual([]);
  });
});
