import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_DESCRIPTION_LENGTH, taskDescription, toPlainText } from './plain-text.ts';

describe('email body as plain text', () => {
  it('turns HTML into readable lines, dropping styles, scripts and comments', () => {
    const html =
      '<html><head><style>p{color:red}</style></head><body><!-- tracking --><p>Hi&nbsp;Ada,</p>' +
      '<div>See <a href="https://example.com/deck">the deck</a> &amp; reply.<br>Thanks</div>' +
      '<ul><li>One</li><li>Two</li></ul><script>track()</script>&#8212;&#x2014;</body></html>';
    assert.equal(
      toPlainText(html),
      'Hi Ada,\n\nSee the deck (https://example.com/deck) & reply.\nThanks\n\n- One\n- Two\n——',
    );
  });

  it('keeps plain text as written, normalising line ends', () => {
    assert.equal(toPlainText('Hi <Ada>,\r\n\r\n\r\n\r\nBye'), 'Hi <Ada>,\n\nBye');
  });

  it('fits Task.Description: at most 32,000 characters, never half an emoji', () => {
    const long = `${'a'.repeat(MAX_DESCRIPTION_LENGTH - 30)}${'😀'.repeat(100)}`;
    const description = taskDescription(long) ?? '';
    assert.ok(description.length <= MAX_DESCRIPTION_LENGTH);
    assert.match(description, /cut to fit Salesforce\]$/);
    assert.equal(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(description), false);
    assert.equal(taskDescription('short'), 'short');
    assert.equal(taskDescription(undefined), null);
    assert.equal(taskDescription('<p> </p>'), null);
  });
});
