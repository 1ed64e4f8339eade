import { createContext, useCallback, useContext, useState } from "react";
import type { ReactNode } from "react";
import { ApiError } from "../api/errors";
import i18next from "../i18n";

type Notify = (text: string) => void;
const ToastContext = createContext<Notify>(() => undefined);

/** Refusals (`detail` of a 4xx) and confirmations, announced politely to screen readers. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [text, setText] = useState("");
  const notify = useCallback<Notify>((message) => {
    setText(message);
    window.setTimeout(() => setText((current) => (current === message ? "" : current)), 4000);
  }, []);
  return (
    <ToastContext.Provider value={notify}>
      {children}
      <div className="toast" role="status" aria-live="polite">
        {text}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): Notify {
  return useContext(ToastContext);
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError && !error.retryable) return error.message;
  return i18next.t("errors.tryAgain");
}
