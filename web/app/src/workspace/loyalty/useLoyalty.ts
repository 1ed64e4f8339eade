import { useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../../api/client";
import { ApiError } from "../../api/errors";

export type Program = Schemas["ProgramOutput"];
export type Reward = Schemas["Reward"];
export type Segment = Schemas["Segment"];
export type Campaign = Schemas["CampaignResultOutput"];
export type TillMember = Schemas["MemberAtTillOutput"];

/** Every query of the loyalty screens starts with this key, per brand. */
export const loyaltyKey = (brandId: number) => ["workspace", "loyalty", brandId] as const;

/** The brand's program, or null while it runs none (404 `program_not_found`). */
export function useProgram(brandId: number) {
  return useQuery({
    queryKey: [...loyaltyKey(brandId), "program"],
    queryFn: async () => {
      try {
        return await ok(
          api.GET("/api/v1/loyalty/brands/{brand_id}/program", {
            params: { path: { brand_id: brandId } },
          }),
        );
      } catch (error) {
        if (error instanceof ApiError && error.code === "program_not_found") return null;
        throw error;
      }
    },
  });
}

export function useSegments(brandId: number) {
  return useQuery({
    queryKey: [...loyaltyKey(brandId), "segments"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/segments", {
          params: { path: { brand_id: brandId } },
        }),
      ),
    select: (page) => page.results,
  });
}

export function useCampaigns(brandId: number) {
  return useQuery({
    queryKey: [...loyaltyKey(brandId), "campaigns"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/loyalty/brands/{brand_id}/campaigns", {
          params: { path: { brand_id: brandId } },
        }),
      ),
    select: (page) => page.results,
  });
}
