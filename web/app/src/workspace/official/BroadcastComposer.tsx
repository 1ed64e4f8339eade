import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { officialKeys, useArticles, type Account } from "./useOfficial";

/** A broadcast to every follower: an article or a text, with the quota left shown and a
 * confirmation before it goes out. */
export function BroadcastComposer({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const articles = useArticles(account.id);
  const path = { params: { path: { account_id: account.id } } };
  const quota = useQuery({
    queryKey: officialKeys.quota(account.id),
    queryFn: () => ok(api.GET("/api/v1/official-accounts/{account_id}/broadcast-quota", path)),
  });
  const [kind, setKind] = useState<"article" | "text">("article");
  const [articleId, setArticleId] = useState("");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [key, setKey] = useState(() => crypto.randomUUID());
  const article = articles.data?.find((a) => String(a.id) === articleId) ?? articles.data?.[0];
  const send = useMutation({
    mutationFn: () => {
      const message =
        kind === "article" && article
          ? {
              title: article.title,
              body: firstText(article.body) || article.title,
              article: article.id,
            }
          : { title: title.trim(), body: body.trim() };
      return ok(
        api.POST("/api/v1/official-accounts/{account_id}/broadcasts", {
          ...path,
          params: { ...path.params, header: { "Idempotency-Key": key } },
          body: message,
        }),
      );
    },
    onSuccess: () => {
      setConfirming(false);
      setTitle("");
      setBody("");
      setKey(crypto.randomUUID());
      notify(t("workspaceOfficial.broadcast.sent"));
      return queryClient.invalidateQueries({ queryKey: officialKeys.quota(account.id) });
    },
    onError: (error) => {
      setConfirming(false);
      notify(errorText(error));
      return queryClient.invalidateQueries({ queryKey: officialKeys.quota(account.id) });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setConfirming(true);
  }
  const left = quota.data?.remaining ?? 0;
  const ready = kind === "article" ? Boolean(article) : Boolean(title.trim() && body.trim());
  return (
    <section className="padded stack" aria-labelledby="official-broadcast-heading">
      <h2 id="official-broadcast-heading">{t("workspaceOfficial.broadcast.title")}</h2>
      {quota.data && (
        <p className="official-quota" role="status">
          {t(`workspaceOfficial.broadcast.quota.${quota.data.period}`, {
            count: quota.data.remaining,
            limit: quota.data.limit,
          })}{" "}
          <span className="muted small">
            {t("workspaceOfficial.broadcast.resets", {
              when: formatDateTime(quota.data.resets_at, i18n.language),
            })}
          </span>
        </p>
      )}
      <form className="stack" onSubmit={submit}>
        <fieldset className="official-kind">
          <legend>{t("workspaceOfficial.broadcast.what")}</legend>
          <label>
            <input
              type="radio"
              name="broadcast-kind"
              checked={kind === "article"}
              onChange={() => setKind("article")}
            />
            {t("workspaceOfficial.broadcast.article")}
          </label>
          <label>
            <input
              type="radio"
              name="broadcast-kind"
              checked={kind === "text"}
              onChange={() => setKind("text")}
            />
            {t("workspaceOfficial.broadcast.text")}
          </label>
        </fieldset>
        {kind === "article" ? (
          <div className="field">
            <label htmlFor="broadcast-article">{t("workspaceOfficial.broadcast.pick")}</label>
            <select
              id="broadcast-article"
              value={article ? String(article.id) : ""}
              onChange={(e) => setArticleId(e.target.value)}
            >
              {articles.data?.length === 0 && (
                <option value="">{t("workspaceOfficial.menu.noArticles")}</option>
              )}
              {articles.data?.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.title}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <>
            <div className="field">
              <label htmlFor="broadcast-title">{t("workspaceOfficial.broadcast.heading")}</label>
              <input
                id="broadcast-title"
                value={title}
                maxLength={120}
                onChange={(e) => setTitle(e.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="broadcast-body">{t("workspaceOfficial.broadcast.body")}</label>
              <textarea
                id="broadcast-body"
                value={body}
                rows={4}
                maxLength={5000}
                onChange={(e) => setBody(e.target.value)}
              />
            </div>
          </>
        )}
        {!confirming && (
          <button type="submit" className="primary" disabled={!ready || left === 0}>
            {t("workspaceOfficial.broadcast.send")}
          </button>
        )}
      </form>
      {confirming && (
        <div className="official-confirm" role="alertdialog" aria-labelledby="broadcast-confirm">
          <p id="broadcast-confirm">
            {t("workspaceOfficial.broadcast.confirm", {
              count: account.follower_count,
              title: kind === "article" ? article?.title : title,
            })}
          </p>
          <button
            type="button"
            className="primary"
            disabled={send.isPending}
            onClick={() => send.mutate()}
          >
            {t("workspaceOfficial.broadcast.confirmSend")}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            {t("workspaceOfficial.broadcast.cancel")}
          </button>
        </div>
      )}
    </section>
  );
}

/** The article's first paragraph: the broadcast's text under its title. */
function firstText(body: unknown): string {
  const blocks = (Array.isArray(body) ? body : []) as { type: string; text?: string }[];
  const text = blocks.find((b) => b.type === "paragraph" && b.text)?.text ?? "";
  return text.slice(0, 5000);
}
