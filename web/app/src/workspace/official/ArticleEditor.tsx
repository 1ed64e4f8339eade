import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { uploadMedia } from "../../api/upload";
import { ChoosePhotoButton } from "../../components/Photo";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { ArticleBlocks, type Block } from "../../screens/OfficialAccount";
import { officialKeys, useArticles, type Account } from "./useOfficial";

const BLOCK_TYPES: Block["type"][] = ["heading", "paragraph", "quote", "image"];

/** Write an article as typed blocks, seeing it as followers will, then publish it. */
export function ArticleEditor({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const articles = useArticles(account.id);
  const [title, setTitle] = useState("");
  const [blocks, setBlocks] = useState<Block[]>([{ type: "paragraph", text: "" }]);
  const publish = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/official-accounts/{account_id}/articles", {
          params: { path: { account_id: account.id } },
          body: { title: title.trim(), body: blocks, links: [] },
        }),
      ),
    onSuccess: () => {
      setTitle("");
      setBlocks([{ type: "paragraph", text: "" }]);
      notify(t("workspaceOfficial.articles.published"));
      return queryClient.invalidateQueries({ queryKey: officialKeys.articles(account.id) });
    },
    onError: (error) => notify(errorText(error)),
  });
  function change(index: number, block: Block) {
    setBlocks(blocks.map((b, i) => (i === index ? block : b)));
  }
  function move(index: number, by: number) {
    const next = [...blocks];
    const [block] = next.splice(index, 1);
    if (block) next.splice(index + by, 0, block);
    setBlocks(next);
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    publish.mutate();
  }
  const filled = blocks.filter((b) => (b.type === "image" ? b.url : b.text?.trim()));
  return (
    <>
      <div className="official-article-editor">
        <form className="padded stack" onSubmit={submit} aria-labelledby="article-editor-heading">
          <h2 id="article-editor-heading">{t("workspaceOfficial.articles.write")}</h2>
          <div className="field">
            <label htmlFor="article-title">{t("workspaceOfficial.articles.title")}</label>
            <input
              id="article-title"
              value={title}
              maxLength={120}
              required
              onChange={(e) => setTitle(e.target.value)}
            />
          </div>
          <ol className="official-blocks" aria-label={t("workspaceOfficial.articles.blocks")}>
            {blocks.map((block, index) => (
              <li key={index}>
                <BlockField block={block} position={index + 1} onChange={(b) => change(index, b)} />
                <div className="official-block-actions">
                  <button
                    type="button"
                    className="icon-button"
                    disabled={index === 0}
                    aria-label={t("workspaceOfficial.articles.up", { n: index + 1 })}
                    onClick={() => move(index, -1)}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    disabled={index === blocks.length - 1}
                    aria-label={t("workspaceOfficial.articles.down", { n: index + 1 })}
                    onClick={() => move(index, 1)}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    className="icon-button"
                    disabled={blocks.length === 1}
                    aria-label={t("workspaceOfficial.articles.remove", { n: index + 1 })}
                    onClick={() => setBlocks(blocks.filter((_, i) => i !== index))}
                  >
                    ×
                  </button>
                </div>
              </li>
            ))}
          </ol>
          <div className="official-add-blocks">
            {BLOCK_TYPES.map((type) => (
              <button
                key={type}
                type="button"
                onClick={() =>
                  setBlocks([...blocks, type === "image" ? { type } : { type, text: "" }])
                }
              >
                {t(`workspaceOfficial.articles.add.${type}`)}
              </button>
            ))}
          </div>
          <button
            type="submit"
            className="primary"
            disabled={publish.isPending || filled.length !== blocks.length}
          >
            {t("workspaceOfficial.articles.publish")}
          </button>
        </form>
        <section
          className="padded official-preview"
          aria-label={t("workspaceOfficial.articles.preview")}
        >
          <h2>{t("workspaceOfficial.articles.preview")}</h2>
          <article className="article">
            <h3>{title || t("workspaceOfficial.articles.untitled")}</h3>
            <ArticleBlocks blocks={filled} />
          </article>
        </section>
      </div>
      <section className="padded" aria-labelledby="articles-published-heading">
        <h2 id="articles-published-heading">{t("workspaceOfficial.articles.list")}</h2>
        {articles.data?.length === 0 && (
          <p className="empty">{t("workspaceOfficial.articles.none")}</p>
        )}
        <ul className="list">
          {articles.data?.map((article) => (
            <li key={article.id} className="row">
              <span className="row-main">
                <span className="row-title">{article.title}</span>
                <span className="row-sub">{formatDateTime(article.created_at, i18n.language)}</span>
              </span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function BlockField({
  block,
  position,
  onChange,
}: {
  block: Block;
  position: number;
  onChange(block: Block): void;
}) {
  const { t } = useTranslation();
  const notify = useToast();
  const label = t("workspaceOfficial.articles.blockLabel", {
    n: position,
    type: t(`workspaceOfficial.articles.types.${block.type}`),
  });
  async function upload(file: File) {
    try {
      const media = await uploadMedia(file, "article");
      onChange({ ...block, url: media.url ?? "" });
    } catch (error) {
      notify(errorText(error));
    }
  }
  if (block.type === "image")
    return (
      <div className="field">
        <label>
          {label}
          <input
            type="url"
            value={block.url ?? ""}
            placeholder="https://"
            onChange={(e) => onChange({ ...block, url: e.target.value })}
          />
        </label>
        <ChoosePhotoButton
          label={t("workspaceOfficial.articles.upload")}
          onPick={(file) => void upload(file)}
        />
        <label>
          {t("workspaceOfficial.articles.alt")}
          <input
            value={block.alt ?? ""}
            maxLength={200}
            onChange={(e) => onChange({ ...block, alt: e.target.value })}
          />
        </label>
      </div>
    );
  return (
    <div className="field">
      <label>
        {label}
        {block.type === "heading" ? (
          <input
            value={block.text ?? ""}
            maxLength={5000}
            onChange={(e) => onChange({ ...block, text: e.target.value })}
          />
        ) : (
          <textarea
            value={block.text ?? ""}
            rows={3}
            maxLength={5000}
            onChange={(e) => onChange({ ...block, text: e.target.value })}
          />
        )}
      </label>
    </div>
  );
}
