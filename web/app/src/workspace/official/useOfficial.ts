import { useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../../api/client";

export type Account = Schemas["AccountOutput"];
export type Article = Schemas["ArticleOutput"];
export type MenuItem = Schemas["MenuItemInputRequest"];
export type BlockDraft = Schemas["BlockInputRequest"];

/** Query keys of the editor, under one root so a change can refresh all of it. */
export const officialKeys = {
  accounts: (brandId: number) => ["workspace", "official", brandId, "accounts"] as const,
  articles: (accountId: number) => ["workspace", "official", "articles", accountId] as const,
  replies: (accountId: number) => ["workspace", "official", "replies", accountId] as const,
  quota: (accountId: number) => ["workspace", "official", "quota", accountId] as const,
  followers: (accountId: number) => ["workspace", "official", "followers", accountId] as const,
};

/** The brand's official accounts, newest first. */
export function useBrandAccounts(brandId: number) {
  return useQuery({
    queryKey: officialKeys.accounts(brandId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/brands/{brand_id}/official-accounts", {
          params: { path: { brand_id: brandId } },
        }),
      ),
    select: (page) => page.results,
  });
}

/** The account's published articles, newest first. */
export function useArticles(accountId: number) {
  return useQuery({
    queryKey: officialKeys.articles(accountId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/official-accounts/{account_id}/articles", {
          params: { path: { account_id: accountId } },
        }),
      ),
    select: (page) => page.results,
  });
}
