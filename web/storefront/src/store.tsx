import { createContext, useContext } from "react";
import type { StorefrontApi, StorefrontConfig } from "./api";
import type { Route } from "./route";

export interface Store {
  config: StorefrontConfig;
  api: StorefrontApi;
  route: Route;
  go(route: Route): void;
}

export const StoreContext = createContext<Store | null>(null);

export function useStore(): Store {
  const store = useContext(StoreContext);
  if (!store) throw new Error("useStore outside the storefront");
  return store;
}
