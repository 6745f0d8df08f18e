import { idForms, idKey, isSalesforceId, sameId, toCaseSafeId } from 'c/siaSalesforceId';

describe('toCaseSafeId', () => {
  it('adds the checksum suffix CASESAFEID() adds', () => {
    // Suffix of a well-known example: 001A0000006Vm9r -> 001A0000006Vm9rIAC.
    expect(toCaseSafeId('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(toCaseSafeId('005xx000001svqa')).toBe('005xx000001svqaAAA');
  });

  it('recomputes the suffix of an 18-character Id', () => {
    expect(toCaseSafeId('001A0000006Vm9rxxx')).toBe('001A0000006Vm9rIAC');
  });

  it('rejects what is not an Id', () => {
    expect(() => toCaseSafeId('ORG')).toThrow(/Not a Salesforce Id/);
    expect(() => toCaseSafeId('001A0000006Vm9r!')).toThrow();
  });
});

describe('isSalesforceId', () => {
  it('takes 15 or 18 letters and digits only', () => {
    expect(isSalesforceId('001A0000006Vm9r')).toBe(true);
    expect(isSalesforceId('001A0000006Vm9rIAC')).toBe(true);
    expect(isSalesforceId('001A0000006Vm9rI')).toBe(false);
    expect(isSalesforceId("001A0000006Vm9' OR ")).toBe(false);
    expect(isSalesforceId(null)).toBe(false);
    expect(isSalesforceId(15)).toBe(false);
  });
});

describe('sameId', () => {
  it('matches the 15- and 18-character forms of one record', () => {
    expect(sameId('001A0000006Vm9r', '001A0000006Vm9rIAC')).toBe(true);
    expect(sameId('001A0000006Vm9rIAC', '001A0000006Vm9r')).toBe(true);
    expect(sameId('001A0000006Vm9rIAC', '001A0000006Vm9rIAC')).toBe(true);
  });

  it('tells 15-character Ids that differ only in case apart', () => {
    expect(sameId('001A0000006Vm9r', '001a0000006vm9r')).toBe(false);
    expect(sameId('001a0000006vm9r', '001A0000006Vm9rIAC')).toBe(false);
  });

  it('is false for different records and for what is not an Id', () => {
    expect(sameId('001A0000006Vm9r', '001A0000006Vm9s')).toBe(false);
    expect(sameId(null, null)).toBe(false);
    expect(sameId('', '')).toBe(false);
    expect(sameId('ORG', 'ORG')).toBe(false);
  });
});

describe('idKey', () => {
  it('is the 15-character, case-sensitive form', () => {
    expect(idKey('001A0000006Vm9r')).toBe('001A0000006Vm9r');
    expect(idKey('001A0000006Vm9rIAC')).toBe('001A0000006Vm9r');
    expect(idKey('nope')).toBeUndefined();
    expect(idKey(null)).toBeUndefined();
  });
});

describe('idKey of an 18-character Id (the checksum suffix rule)', () => {
  // CASESAFEID(): the suffix records which of the first 15 characters are upper-case letters, so
  // the 18-character form is read without regard to case.
  it('restores the case of the first 15 characters from the suffix', () => {
    expect(idKey('001a0000006vm9riac')).toBe('001A0000006Vm9r');
    expect(idKey('001A0000006VM9RIAC')).toBe('001A0000006Vm9r');
    expect(sameId('001A0000006Vm9r', '001a0000006vm9riac')).toBe(true);
  });

  it('lets the suffix, not the letters, decide which record is meant', () => {
    expect(idKey('001A0000006Vm9rAAA')).toBe('001a0000006vm9r');
    expect(sameId('001A0000006Vm9r', '001A0000006Vm9rAAA')).toBe(false);
  });

  it('is undefined when the suffix marks a digit as upper case', () => {
    expect(idKey('001A0000006Vm9rxxx')).toBeUndefined();
    expect(sameId('001A0000006Vm9rxxx', '001A0000006Vm9r')).toBe(false);
    expect(idForms('001A0000006Vm9rxxx')).toEqual(['001A0000006Vm9rxxx']);
  });
});

describe('idForms', () => {
  it('lists both lengths an Id may be stored in', () => {
    expect(idForms('001A0000006Vm9r')).toEqual(['001A0000006Vm9r', '001A0000006Vm9rIAC']);
    expect(idForms('001A0000006Vm9rIAC')).toEqual(['001A0000006Vm9rIAC', '001A0000006Vm9r']);
    expect(idForms('001a0000006vm9riac')).toEqual([
      '001a0000006vm9riac',
      '001A0000006Vm9rIAC',
      '001A0000006Vm9r',
    ]);
    expect(idForms('ORG')).toEqual(['ORG']);
  });
});
