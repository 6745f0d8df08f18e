// Domain errors the HTTP layer turns into 404/409 answers with a field-level message.

export class NotFoundError extends Error {
  readonly resource: string;
  readonly id: string;
  /** The request field that named the missing thing, when it came from the body or query. */
  readonly field: string | undefined;
  constructor(resource: string, id: string, field?: string) {
    super(`${resource} ${id} not found`);
    this.name = 'NotFoundError';
    this.resource = resource;
    this.id = id;
    this.field = field;
  }
}
