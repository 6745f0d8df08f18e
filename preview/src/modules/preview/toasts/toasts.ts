import { LightningElement, api } from 'lwc';

interface Toast {
  key: number;
  title?: string;
  message?: string;
  variant?: string;
}

const AUTO_CLOSE_MS = 5000;

/** The toasts ShowToastEvent asks for, as Lightning Experience shows them (SLDS toast). */
export default class Toasts extends LightningElement {
  @api toasts: Toast[] = [];
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();

  get items(): (Toast & { toastClass: string; iconName: string })[] {
    return this.toasts.map((toast) => {
      const variant = toast.variant ?? 'info';
      if (!this.timers.has(toast.key)) {
        this.timers.set(
          toast.key,
          setTimeout(() => {
            this.close(toast.key);
          }, AUTO_CLOSE_MS),
        );
      }
      return {
        ...toast,
        toastClass: `slds-notify slds-notify_toast slds-theme_${variant}`,
        iconName: `utility:${variant}`,
      };
    });
  }

  handleClose(event: Event): void {
    const key = Number((event.currentTarget as HTMLElement).dataset.key);
    this.close(key);
  }

  private close(key: number): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.dispatchEvent(new CustomEvent('toastclose', { detail: { key } }));
  }
}
