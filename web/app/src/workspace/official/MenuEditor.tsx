import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { api, ok } from "../../api/client";
import { Form, PickField, SelectField, TextField } from "../../components/Form";
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
  function add() {
    const base = { name: name.trim() };
    if (target === "link") onAdd({ ...base, type: "link", url });
    else if (target === "miniprogram")
      onAdd({ ...base, type: "miniprogram", app_id: appId || apps[0]?.app_id || "", path });
    else
      onAdd({ ...base, type: "article", article_id: Number(articleId || articles.data?.[0]?.id) });
    setName("");
  }
  return (
    <Form
      className="stack official-new-item"
      title={t("workspaceOfficial.menu.add")}
      onSubmit={add}
    >
      <TextField
        id="menu-item-name"
        label={t("workspaceOfficial.menu.name")}
        value={name}
        maxLength={16}
        required
        onChange={setName}
      />
      <SelectField
        id="menu-item-target"
        label={t("workspaceOfficial.menu.target")}
        value={target}
        onChange={(target) => setTarget(target as Target)}
      >
        <option value="link">{t("workspaceOfficial.menu.targets.link")}</option>
        <option value="miniprogram">{t("workspaceOfficial.menu.targets.miniprogram")}</option>
        <option value="article">{t("workspaceOfficial.menu.targets.article")}</option>
      </SelectField>
      {target === "link" && (
        <TextField
          id="menu-item-url"
          label={t("workspaceOfficial.menu.url")}
          type="url"
          required
          value={url}
          onChange={setUrl}
        />
      )}
      {target === "miniprogram" && (
        <>
          <PickField
            id="menu-item-app"
            label={t("workspaceOfficial.menu.app")}
            value={appId}
            onChange={setAppId}
            choices={apps.map((app) => ({ value: app.app_id, label: app.name }))}
            none={t("workspaceOfficial.menu.noApps")}
          />
          <TextField
            id="menu-item-path"
            label={t("workspaceOfficial.menu.path")}
            required
            value={path}
            onChange={setPath}
          />
        </>
      )}
      {target === "article" && (
        <PickField
          id="menu-item-article"
          label={t("workspaceOfficial.menu.article")}
          value={articleId}
          onChange={setArticleId}
          choices={articles.data?.map((article) => ({ value: article.id, label: article.title }))}
          none={t("workspaceOfficial.menu.noArticles")}
        />
      )}
      <button type="submit">{t("workspaceOfficial.menu.addButton")}</button>
    </Form>
  );
}
