import { useQuery } from "@tanstack/react-query";
import { api, ok } from "../api/client";
import { ApiError } from "../api/errors";

/** The brand's shop, or null while the storefront is off (404 `shop_not_found`). */
export function useBrandShop(brandId: number) {
  return useQuery({
    queryKey: ["workspace", "shop", brandId],
    queryFn: async () => {
      try {
        return await ok(
          api.GET("/api/v1/brands/{brand_id}/shop", { params: { path: { brand_id: brandId } } }),
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === "shop_not_found") return null;
        throw error;
      }
    },
  });
}
