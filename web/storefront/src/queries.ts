import { useQuery } from "@tanstack/react-query";
import { ok } from "./api";
import { useStore } from "./store";

/** Server state, all through TanStack Query; keys start with the shop. */
export function useShop() {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id],
    queryFn: () =>
      ok(api.GET("/api/v1/shops/{shop_id}", { params: { path: { shop_id: config.shop_id } } })),
  });
}

export function useCollections() {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "collections"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/collections", {
          params: { path: { shop_id: config.shop_id } },
        }),
      ),
  });
}

export function useProducts(collection: number | null) {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "products", collection],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/products", {
          params: {
            path: { shop_id: config.shop_id },
            query: collection === null ? {} : { collection },
          },
        }),
      ),
  });
}

export function useProduct(productId: number | undefined) {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "product", productId],
    enabled: productId !== undefined,
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/products/{product_id}", {
          params: { path: { shop_id: config.shop_id, product_id: productId! } },
        }),
      ),
  });
}

export function useReviews(productId: number) {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "reviews", productId],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/products/{product_id}/reviews", {
          params: { path: { shop_id: config.shop_id, product_id: productId } },
        }),
      ),
  });
}

export function useCart() {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "cart"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/cart", { params: { path: { shop_id: config.shop_id } } }),
      ),
  });
}

export function useAddresses() {
  const { api } = useStore();
  return useQuery({
    queryKey: ["addresses"],
    queryFn: () => ok(api.GET("/api/v1/me/addresses")),
  });
}

export function useMyCoupons() {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "coupons"],
    queryFn: () => ok(api.GET("/api/v1/shop/coupons")),
  });
}

export function useOrders() {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "orders"],
    queryFn: () => ok(api.GET("/api/v1/shop/orders")),
  });
}

/** How often an order that is waiting for something (payment, delivery) is read again. */
export const ORDER_POLL_MS = 2_000;
const SETTLED = new Set(["completed", "cancelled", "refunded"]);

/** One order, polled while it can still change: its status turns without a reload
 * (the SDK has no push event for shop orders; docs/shop.md). */
export function useOrder(orderId: number) {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "order", orderId],
    queryFn: () =>
      ok(api.GET("/api/v1/shop/orders/{order_id}", { params: { path: { order_id: orderId } } })),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status && SETTLED.has(status) ? false : ORDER_POLL_MS;
    },
  });
}

/** A team, read again while it is open: who joined shows without a reload. */
export function useTeam(teamId: number) {
  const { api, config } = useStore();
  return useQuery({
    queryKey: ["shop", config.shop_id, "team", teamId],
    queryFn: () =>
      ok(api.GET("/api/v1/shop/teams/{team_id}", { params: { path: { team_id: teamId } } })),
    refetchInterval: (query) => (query.state.data?.status === "open" ? ORDER_POLL_MS : false),
  });
}
