import { useEffect, useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useLocation, useParams } from "react-router-dom";
import { appPath } from "../miniprogram/paths";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime } from "../i18n/format";

/** One typed block of an article body (the API's BlockInput). */
export interface Block {
  type: "heading" | "paragraph" | "quote" | "image";
  text?: string;
  url?: string;
  alt?: string;
}

interface MenuAction {
  name: string;
  type?: "link" | "miniprogram" | "keyword" | "article";
  article_id?: number;
  url?: string;
  keyword?: string;
  app_id?: string;
  path?: string;
  sub_items?: MenuAction[];
}

/** An article's typed blocks as HTML elements (never raw HTML from the server). */
export function ArticleBlocks({ blocks }: { blocks: Block[] }) {
  return (
    <>
      {blocks.map((block, index) => {
        switch (block.type) {
          case "heading":
            return <h4 key={index}>{block.text}</h4>;
          case "quote":
            return <blockquote key={index}>{block.text}</blockquote>;
          case "image":
            return (
              <img key={index} src={block.url} alt={block.alt ?? ""} className="article-image" />
            );
          default:
            return <p key={index}>{block.text}</p>;
        }
      })}
    </>
  );
}

export default function OfficialAccountScreen() {
  const accountId = Number(useParams().id);
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const path = { params: { path: { account_id: accountId } } };
  const profile = useQuery({
    queryKey: ["official", "account", accountId],
    queryFn: () => ok(api.GET("/api/v1/official-accounts/{account_id}", path)),
  });
  const articles = useQuery({
    queryKey: ["official", "articles", accountId],
    queryFn: () =>
      ok(api.GET("/api/v1/official-accounts/{account_id}/articles", path)).then((p) => p.results),
  });
  useScrollToHash(articles.isSuccess);
  const follow = useMutation({
    mutationFn: (following: boolean) =>
      following
        ? ok(api.DELETE("/api/v1/official-accounts/{account_id}/follow", path))
        : ok(api.POST("/api/v1/official-accounts/{account_id}/follow", path)),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["official"] }),
    onError: (error) => notify(errorText(error)),
  });
  if (profile.isPending) return <Loading />;
  if (profile.isError)
    return <ErrorView error={profile.error} retry={() => void profile.refetch()} />;
  const account = profile.data;
  const menu = (account.menu ?? []) as MenuAction[];
  return (
    <>
      <TopBar title={account.name} back />
      <section className="stack padded">
        <p>{account.description}</p>
        <p className="muted small">{t("official.followers", { count: account.follower_count })}</p>
        <button
          type="button"
          className={account.following ? "" : "primary"}
          onClick={() => follow.mutate(account.following)}
        >
          {account.following ? t("official.unfollow") : t("official.follow")}
        </button>
      </section>
      {menu.length > 0 && (
        <nav aria-label={t("official.menu")} className="account-menu">
          {menu.map((item) => (
            <MenuButton key={item.name} item={item} accountId={accountId} />
          ))}
        </nav>
      )}
      <section aria-labelledby="articles-heading">
        <h2 id="articles-heading">{t("official.articles")}</h2>
        {articles.data?.length === 0 && <p className="empty">{t("official.noArticles")}</p>}
        {articles.data?.map((article) => (
          <article
            key={article.id}
            id={`article-${article.id}`}
            className="article"
            aria-label={article.title}
          >
            <h3>{article.title}</h3>
            <p className="muted small">
              <time dateTime={article.created_at}>
                {formatDateTime(article.created_at, i18n.language)}
              </time>
            </p>
            <ArticleBlocks blocks={(article.body ?? []) as Block[]} />
          </article>
        ))}
      </section>
      {account.following && <ServiceChat accountId={accountId} />}
    </>
  );
}

/** Brings `#article-N` (an article opened from search) into view once the list is there. */
function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash) return;
    // Braces: Chromium's scrollIntoView returns a promise, which is not an effect cleanup.
    void document.getElementById(hash.slice(1))?.scrollIntoView({ block: "start" });
  }, [ready, hash]);
}

function MenuButton({ item, accountId }: { item: MenuAction; accountId: number }) {
  const queryClient = useQueryClient();
  if (item.sub_items?.length) {
    return (
      <details>
        <summary>{item.name}</summary>
        {item.sub_items.map((sub) => (
          <MenuButton key={sub.name} item={sub} accountId={accountId} />
        ))}
      </details>
    );
  }
  if (item.type === "miniprogram" && item.app_id) {
    return (
      <Link to={appPath(item.app_id, { path: item.path, from: "official_account_menu" })}>
        {item.name}
      </Link>
    );
  }
  if (item.type === "article" && item.article_id) {
    return <a href={`#article-${item.article_id}`}>{item.name}</a>;
  }
  if (item.type === "link" && item.url) {
    return (
      <a href={item.url} target="_blank" rel="noreferrer noopener">
        {item.name}
      </a>
    );
  }
  return (
    <button
      type="button"
      onClick={() =>
        void ok(
          api.POST("/api/v1/official-accounts/{account_id}/messages", {
            params: { path: { account_id: accountId } },
            body: { text: item.keyword ?? item.name },
          }),
        ).then(() =>
          queryClient.invalidateQueries({ queryKey: ["official", "messages", accountId] }),
        )
      }
    >
      {item.name}
    </button>
  );
}

function ServiceChat({ accountId }: { accountId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [text, setText] = useState("");
  const path = { params: { path: { account_id: accountId } } };
  const messages = useQuery({
    queryKey: ["official", "messages", accountId],
    queryFn: () =>
      ok(api.GET("/api/v1/official-accounts/{account_id}/messages", path)).then((p) =>
        [...p.results].reverse(),
      ),
  });
  const send = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/v1/official-accounts/{account_id}/messages", { ...path, body: { text } })),
    onSuccess: () => {
      setText("");
      void queryClient.invalidateQueries({ queryKey: ["official", "messages", accountId] });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    send.mutate();
  }
  return (
    <section aria-labelledby="service-heading">
      <h2 id="service-heading">{t("official.customerService")}</h2>
      <ol className="messages">
        {messages.data?.map((m) => (
          <li
            key={m.id}
            className={m.direction === "from_follower" ? "bubble-row mine" : "bubble-row"}
          >
            <div className="bubble">
              {m.title && <strong>{m.title}</strong>}
              <p className="text">{m.text}</p>
            </div>
          </li>
        ))}
      </ol>
      <form className="composer-row" onSubmit={submit}>
        <label htmlFor="service-text" className="visually-hidden">
          {t("official.messageAccount")}
        </label>
        <input
          id="service-text"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("official.messageAccount")}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {t("chat.send")}
        </button>
      </form>
    </section>
  );
}
