import { createContext, useContext, useEffect, useState, useSyncExternalStore } from "react";
import type { ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { RealtimeEngine, type ConnectionStatus } from "./engine";

const EngineContext = createContext<RealtimeEngine | null>(null);

/** Starts the tab's one socket while signed in. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [engine] = useState(() => new RealtimeEngine(queryClient));
  useEffect(() => {
    engine.start();
    return () => engine.stop();
  }, [engine]);
  return <EngineContext.Provider value={engine}>{children}</EngineContext.Provider>;
}

export function useConnectionStatus(): ConnectionStatus {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error("useConnectionStatus outside RealtimeProvider");
  return useSyncExternalStore(engine.subscribe, engine.getStatus);
}
