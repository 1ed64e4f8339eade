import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { BrowserRouter } from "react-router-dom";
import { setNonce } from "get-nonce";
import { i18nReady } from "./i18n";
import "./styles.css";
import { ApiError } from "./api/errors";
import { App } from "./App";
import { restoreSession } from "./auth/tokens";

// The <style> elements the app's own code adds (a dialog's scroll lock) carry the nonce the
// server put in the shell; the CSP refuses any other inline style (docs/web.md).
const styleNonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content;
if (styleNonce) setNonce(styleNonce);

// Asked now, not after the first render: the cookie's answer decides the first screen.
void restoreSession();

const queryClient = new QueryClient({
  queryCache: new QueryCache(),
  defaultOptions: {
    queries: {
      // Retry what may pass (5xx, network); a 4xx is the answer.
      retry: (count, error) => count < 2 && (!(error instanceof ApiError) || error.retryable),
      refetchOnWindowFocus: false,
    },
  },
});

// React Router 7's behaviour, chosen now: state updates in startTransition, and relative links
// inside a splat route (`workspace/*`) resolved from the route's own path.
const routerFuture = { v7_startTransition: true, v7_relativeSplatPath: true } as const;

void i18nReady.then(() =>
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter future={routerFuture}>
          <App />
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  ),
);
