// Types for the parts of the formulon npm package (a Salesforce formula parser and evaluator) the
// emulator uses; the package ships JavaScript only.
declare module 'formulon' {
  export type FormulonDataType =
    | 'text'
    | 'number'
    | 'checkbox'
    | 'date'
    | 'datetime'
    | 'time'
    | 'picklist'
    | 'multipicklist'
    | 'geolocation'
    | 'null';

  export interface FormulonLiteral {
    type: 'literal';
    dataType: FormulonDataType;
    value: unknown;
    options?: Record<string, unknown>;
  }

  export interface FormulonError {
    type: 'error';
    errorType: string;
    message: string;
  }

  export function parse(
    formula: string,
    identifiers?: Record<string, FormulonLiteral>,
  ): FormulonLiteral | FormulonError;
  export function extract(formula: string): string[];
}
