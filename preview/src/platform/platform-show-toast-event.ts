// lightning/platformShowToastEvent: the event Lightning Experience turns into a toast. It bubbles
// and crosses shadow boundaries so the preview's page shell can show it, as the platform does.

export interface ToastConfig {
  title?: string;
  message?: string;
  variant?: 'info' | 'success' | 'warning' | 'error';
  mode?: 'dismissible' | 'pester' | 'sticky';
}

export const SHOW_TOAST_EVENT = 'lightning__showtoast';

export class ShowToastEvent extends CustomEvent<ToastConfig> {
  constructor(toast: ToastConfig) {
    super(SHOW_TOAST_EVENT, { bubbles: true, composed: true, cancelable: true, detail: toast });
  }
}
