import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/siaReduceErrors';

/** The one error panel: every component shows failures through it. */
export default class SiaErrorPanel extends LightningElement {
  /** Heading shown above the messages. */
  @api friendlyMessage = 'An error occurred';
  /** Any error shape: an LDS/UI API error, a list of them, a JS Error or a string. */
  @api errors: unknown;

  get messages(): { key: string; text: string }[] {
    return reduceErrors(this.errors).map((text, index) => ({ key: `${index}`, text }));
  }

  get hasMessages(): boolean {
    return this.messages.length > 0;
  }
}
