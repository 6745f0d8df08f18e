// The Lightning Experience addresses components link to, and where the preview's Salesforce shell
// shows them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lightningRoute } from '../server/preview-server.ts';

describe('lightningRoute', () => {
  it('maps record pages, tabs, object homes and the home page to the shell routes', () => {
    assert.equal(lightningRoute('/lightning/r/Task/00T5g000000003UEAQ/view'), '#/r/Task/00T5g000000003UEAQ');
    assert.equal(
      lightningRoute('/lightning/r/SIA_Sync_Error__c/a035g0000000001AAA/view'),
      '#/r/SIA_Sync_Error__c/a035g0000000001AAA',
    );
    assert.equal(lightningRoute('/lightning/r/User/005000000000004/view'), '#/r/User/005000000000004');
    assert.equal(lightningRoute('/lightning/n/SIA_Sync_Health'), '#/n/SIA_Sync_Health');
    assert.equal(lightningRoute('/lightning/o/Contact/home'), '#/o/Contact');
    assert.equal(lightningRoute('/lightning/page/home'), '#/');
  });

  it('leaves anything else alone', () => {
    for (const path of [
      '/lightning/r/Task/not-an-id/view',
      '/lightning/r/Task/00T5g000000003UEAQ/edit',
      '/lightning/r/../etc/00T5g000000003UEAQ/view',
      '/lightning/n/',
      '/salesforce/',
    ])
      assert.equal(lightningRoute(path), undefined, path);
  });
});
