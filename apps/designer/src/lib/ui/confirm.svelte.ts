/** `await confirmAction({...})`: a promise-based confirmation shown by ConfirmHost. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
  /** The user must type this to confirm (deleting a table). */
  typeToConfirm?: string;
  resolve: (ok: boolean) => void;
}

class ConfirmState {
  current = $state<ConfirmRequest | null>(null);
}
export const confirmState = new ConfirmState();

export function confirmAction(req: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  return new Promise((resolve) => {
    confirmState.current = { ...req, resolve };
  });
}
