import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { api, ok } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { useCurrentTeam } from "../useTeams";
import { useBrandShop } from "../useShop";
import { useArticles, type Account, type MenuItem } from "./useOfficial";

type Target = "link" | "miniprogram" | "article";

/** The account's custom menu: add items (a web page, a mini-program page, an article), move
 * them, remove them, then save the whole menu. */
export function MenuEditor({ account }: { account: Account }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [items, setItems] = useState<MenuItem[]>((account.menu ?? []) as MenuItem[]);
  const save = useMutation({
    mutationFn: () =>
      ok(
        api.PUT("/api/v1/official-accounts/{account_id}/menu", {
          params: { path: { account_id: account.id } },
          body: { menu: items },
        }),
      ),
    onSuccess: () => {
      notify(t("workspaceOfficial.menu.saved"));
      return queryClient.invalidateQueries({ queryKey: ["workspace", "official"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  function move(index: number, by: number) {
    const next = [...items];
    const [item] = next.splice(index, 1);
    if (item) next.splice(index + by, 0, item);
    setItems(next);
  }
  return (
    <section className="padded stack" aria-labelledby="official-menu-heading">
      <h2 id="official-menu-heading">{t("workspaceOfficial.menu.title")}</h2>
      {items.length === 0 && <p className="empty">{t("workspaceOfficial.menu.empty")}</p>}
      <ol className="official-menu-items" aria-label={t("workspaceOfficial.menu.items")}>
        {items.map((item, index) => (
          <li key={`${index}-${item.name}`}>
            <span className="row-main">
              <span className="row-title">{item.name}</span>
              <span className="row-sub">{describe(item, t)}</span>
            </span>
            <button
              type="button"
              className="icon-button"
              disabled={index === 0}
              aria-label={t("workspaceOfficial.menu.up", { name: item.name })}
              onClick={() => move(index, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="icon-button"
              disabled={index === items.length - 1}
              aria-label={t("workspaceOfficial.menu.down", { name: item.name })}
              onClick={() => move(index, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label={t("workspaceOfficial.menu.remove", { name: item.name })}
              onClick={() => setItems(items.filter((_, i) => i !== index))}
            >
              ×
            </button>
          </li>
        ))}
      </ol>
      <NewMenuItem account={account} onAdd={(item) => setItems([...items, item])} />
      <button
        type="button"
        className="primary"
        disabled={save.isPending}
        onClick={() => save.mutate()}
      >
        {t("workspaceOfficial.menu.save")}
      </button>
    </section>
  );
}

function describe(item: MenuItem, t: TFunction): string {
  if (item.type === "article")
    return t("workspaceOfficial.menu.toArticle", { id: item.article_id });
  if (item.type === "miniprogram") return `${item.app_id ?? ""} ${item.path ?? ""}`;
  if (item.type === "keyword")
    return t("workspaceOfficial.menu.toKeyword", { keyword: item.keyword });
  if (item.sub_items?.length)
    return t("workspaceOfficial.menu.subMenu", { count: item.sub_items.length });
  return item.url ?? "";
}

/** The mini-programs a menu may open: the brand's storefront and the apps the person develops. */
function usePickableApps(brandId: number) {
  const shop = useBrandShop(brandId);
  const mine = useQuery({
    queryKey: ["workspace", "official", "apps"],
    queryFn: () => ok(api.GET("/api/v1/dev/miniprograms")),
    select: (page) => page.results,
  });
  const apps: { app_id: string; name: string }[] = [];
  if (shop.data) apps.push({ app_id: shop.data.app_id, name: shop.data.name });
  for (const app of mine.data ?? []) if (!apps.some((a) => a.app_id === app.app_id)) apps.push(app);
  return apps;
}

function NewMenuItem({ account, onAdd }: { account: Account; onAdd(item: MenuItem): void }) {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const articles = useArticles(account.id);
  const apps = usePickableApps(team?.id ?? account.brand.id);
  const [name, setName] = useState("");
  const [target, setTarget] = useState<Target>("link");
  const [url, setUrl] = useState("");
  const [appId, setAppId] = useState("");
  const [path, setPath] = useState("/");
  const [articleId, setArticleId] = useState("");
  function submit(event: FormEvent) {
    event.preventDefault();
    const base = { name: name.trim() };
    if (target === "link") onAdd({ ...base, type: "link", url });
    else if (target === "miniprogram")
      onAdd({ ...base, type: "miniprogram", app_id: appId || apps[0]?.app_id || "", path });
    else
      onAdd({ ...base, type: "article", article_id: Number(articleId || articles.data?.[0]?.id) });
    setName("");
  }
  return (
    <form className="stack official-new-item" onSubmit={submit}>
      <h3>{t("workspaceOfficial.menu.add")}</h3>
      <div className="field">
        <label htmlFor="menu-item-name">{t("workspaceOfficial.menu.name")}</label>
        <input
          id="menu-item-name"
          value={name}
          maxLength={16}
          required
          onChange={(e) => setName(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="menu-item-target">{t("workspaceOfficial.menu.target")}</label>
        <select
          id="menu-item-target"
          value={target}
          onChange={(e) => setTarget(e.target.value as Target)}
        >
          <option value="link">{t("workspaceOfficial.menu.targets.link")}</option>
          <option value="miniprogram">{t("workspaceOfficial.menu.targets.miniprogram")}</option>
          <option value="article">{t("workspaceOfficial.menu.targets.article")}</option>
        </select>
      </div>
      {target === "link" && (
        <div className="field">
          <label htmlFor="menu-item-url">{t("workspaceOfficial.menu.url")}</label>
          <input
            id="menu-item-url"
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
      )}
      {target === "miniprogram" && (
        <>
          <div className="field">
            <label htmlFor="menu-item-app">{t("workspaceOfficial.menu.app")}</label>
            <select
              id="menu-item-app"
              required
              value={appId}
              onChange={(e) => setAppId(e.target.value)}
            >
              {apps.length === 0 && <option value="">{t("workspaceOfficial.menu.noApps")}</option>}
              {apps.map((app) => (
                <option key={app.app_id} value={app.app_id}>
                  {app.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="menu-item-path">{t("workspaceOfficial.menu.path")}</label>
            <input
              id="menu-item-path"
              required
              value={path}
              onChange={(e) => setPath(e.target.value)}
            />
          </div>
        </>
      )}
      {target === "article" && (
        <div className="field">
          <label htmlFor="menu-item-article">{t("workspaceOfficial.menu.article")}</label>
          <select
            id="menu-item-article"
            required
            value={articleId}
            onChange={(e) => setArticleId(e.target.value)}
          >
            {articles.data?.length === 0 && (
              <option value="">{t("workspaceOfficial.menu.noArticles")}</option>
            )}
            {articles.data?.map((article) => (
              <option key={article.id} value={article.id}>
                {article.title}
              </option>
            ))}
          </select>
        </div>
      )}
      <button type="submit">{t("workspaceOfficial.menu.addButton")}</button>
    </form>
  );
}
