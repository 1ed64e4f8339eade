import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, ok } from "../api/client";
import { forgetTokens, rememberTokens, restoreSession } from "./tokens";

type Status = "loading" | "anonymous" | "signed-in";

interface Session {
  status: Status;
  logIn(username: string, password: string): Promise<void>;
  register(username: string, password: string, displayName: string): Promise<void>;
  logOut(): Promise<void>;
  /** The server said the session is over (erased account, revoked token). */
  ended(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>("loading");

  useEffect(() => {
    // A reload keeps the session through the HttpOnly refresh cookie.
    void restoreSession().then((token) => setStatus(token ? "signed-in" : "anonymous"));
  }, []);

  const ended = useCallback(() => {
    forgetTokens();
    queryClient.clear();
    setStatus("anonymous");
  }, [queryClient]);

  const session = useMemo<Session>(
    () => ({
      status,
      async logIn(username, password) {
        rememberTokens(await ok(api.POST("/api/v1/auth/login", { body: { username, password } })));
        setStatus("signed-in");
      },
      async register(username, password, display_name) {
        rememberTokens(
          await ok(
            api.POST("/api/v1/auth/register", { body: { username, password, display_name } }),
          ),
        );
        setStatus("signed-in");
      },
      async logOut() {
        try {
          await ok(api.POST("/api/v1/auth/logout"));
        } finally {
          ended();
        }
      },
      ended,
    }),
    [status, ended],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
