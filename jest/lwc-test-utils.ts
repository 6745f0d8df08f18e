// Helpers every LWC test shares, so DOM reset and promise flushing are not copied into each file.

/** Wait for pending promises and the re-render they trigger. */
export async function flushPromises(): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
}

/** Remove every element a test mounted. */
export function resetDom(): void {
  while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
}
