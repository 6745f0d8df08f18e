import {
  DYNAMIC_FIELDS,
  MAX_SUBJECT_LENGTH,
  renderSubject,
  replySubject,
  stripLineBreaks,
  subjectIsTaskName,
  truncateSubject,
  unknownFields,
  usesActivitySubject,
} from 'c/siaSubjectTemplate';

describe('renderSubject', () => {
  it('replaces every documented dynamic field', () => {
    const template = DYNAMIC_FIELDS.map((f) => `${f}={{${f}}}`).join(' ');
    expect(
      renderSubject(template, {
        activity_type: 'Call',
        activity_subject: 'Intro call',
        sales_campaign_name: 'Q3 Outreach',
        sales_campaign_day: 2,
        sales_campaign_step: 3,
        call_outcome: 'Answered',
        call_reason: 'Follow-up',
      }),
    ).toBe(
      'activity_type=Call activity_subject=Intro call sales_campaign_name=Q3 Outreach sales_campaign_day=2 ' +
        'sales_campaign_step=3 call_outcome=Answered call_reason=Follow-up',
    );
  });

  it("matches SIA's own tip, {{Activity_type}}, case-insensitively and with spaces inside the braces", () => {
    expect(renderSubject('[Sales Insight Actions] - {{Activity_type}}', { activity_type: 'Email' })).toBe(
      '[Sales Insight Actions] - Email',
    );
    expect(renderSubject('{{ activity_subject }}', { activity_subject: 'Hello' })).toBe('Hello');
  });

  it('renders nothing for empty, null and missing values and collapses the gap', () => {
    expect(
      renderSubject('{{sales_campaign_name}} {{activity_type}} {{call_reason}} {{activity_subject}}', {
        sales_campaign_name: '',
        activity_type: null,
        activity_subject: 'Pricing question',
      }),
    ).toBe('Pricing question');
  });

  it('keeps unknown placeholders as typed so the admin sees the mistake', () => {
    expect(renderSubject('{{activity_subjct}} x', { activity_subject: 'A' })).toBe('{{activity_subjct}} x');
  });

  it('removes line breaks from the template and from values', () => {
    expect(
      renderSubject('Mkto_sales\n{{activity_subject}}\r\n', { activity_subject: 'Line one\nline two' }),
    ).toBe('Mkto_sales Line one line two');
  });

  it('cuts the result at 255 characters', () => {
    const subject = renderSubject('{{activity_type}}: {{activity_subject}}', {
      activity_type: 'Email',
      activity_subject: 'x'.repeat(400),
    });
    expect(subject).toHaveLength(MAX_SUBJECT_LENGTH);
    expect(subject.startsWith('Email: xxx')).toBe(true);
  });

  it('leaves a subject of exactly 255 characters whole', () => {
    const name = 'y'.repeat(255);
    expect(renderSubject('{{activity_subject}}', { activity_subject: name })).toBe(name);
  });

  it('does not inject the value of a placeholder written inside a value', () => {
    expect(
      renderSubject('{{activity_subject}}', { activity_subject: '{{call_reason}}', call_reason: 'R' }),
    ).toBe('{{call_reason}}');
  });
});

describe('truncateSubject', () => {
  it('never splits a surrogate pair at the boundary', () => {
    const text = `${'a'.repeat(254)}😀b`;
    const cut = truncateSubject(text);
    expect(cut).toBe('a'.repeat(254));
    expect(cut.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
  });

  it('honours a smaller limit and trims a trailing space', () => {
    expect(truncateSubject('abc def', 4)).toBe('abc');
  });
});

describe('stripLineBreaks', () => {
  it('turns each run of breaks with its surrounding spaces into one space', () => {
    expect(stripLineBreaks('  a \n\n  b\u2028c  ')).toBe('a b c');
  });
});

describe('template checks', () => {
  it('lists unknown dynamic fields once each, as typed', () => {
    expect(unknownFields('{{foo}} {{activity_type}} {{Foo}} {{foo}} {{bar}}')).toEqual(['foo', 'Foo', 'bar']);
    expect(unknownFields('{{ACTIVITY_TYPE}} plain text')).toEqual([]);
  });

  it('knows when a renamed SIA task updates the Salesforce subject', () => {
    expect(usesActivitySubject('[SIA] {{Activity_Subject}}')).toBe(true);
    expect(usesActivitySubject('[SIA] {{activity_type}}')).toBe(false);
  });

  it('lets Salesforce subject edits flow back only when the template is exactly {{activity_subject}}', () => {
    expect(subjectIsTaskName(' {{ activity_subject }} ')).toBe(true);
    expect(subjectIsTaskName('{{activity_subject}} - SIA')).toBe(false);
    expect(subjectIsTaskName('')).toBe(false);
  });
});

describe('replySubject', () => {
  it('ignores templates: "Reply: <email subject>", single line, at most 255', () => {
    expect(replySubject('Quick question\nabout pricing')).toBe('Reply: Quick question about pricing');
    expect(replySubject('z'.repeat(300))).toHaveLength(MAX_SUBJECT_LENGTH);
  });
});
