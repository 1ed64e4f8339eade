import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { OneLineForm } from "../../components/Form";
import { api, ok } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";

/** The shop's collections: listed, and a new one added by title. */
export function Collections({ shopId }: { shopId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [title, setTitle] = useState("");
  const collections = useQuery({
    queryKey: ["workspace", "collections", shopId],
    queryFn: () =>
      ok(api.GET("/api/v1/shops/{shop_id}/collections", { params: { path: { shop_id: shopId } } })),
  });
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/collections", {
          params: { path: { shop_id: shopId } },
          body: { title: title.trim() },
        }),
      ),
    onSuccess: () => {
      setTitle("");
      void queryClient.invalidateQueries({ queryKey: ["workspace", "collections", shopId] });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="collections-heading" className="padded">
      <h2 id="collections-heading">{t("shopDesk.collections.title")}</h2>
      {collections.data?.length === 0 && <p className="muted">{t("shopDesk.collections.none")}</p>}
      <ul className="collection-chips" aria-label={t("shopDesk.collections.title")}>
        {collections.data?.map((c) => <li key={c.id}>{c.title}</li>)}
      </ul>
      <OneLineForm
        label={t("shopDesk.collections.new")}
        maxLength={100}
        value={title}
        onChange={setTitle}
        onSubmit={() => {
          if (title.trim()) create.mutate();
        }}
        button={t("shopDesk.collections.add")}
        disabled={create.isPending}
      />
    </section>
  );
}
