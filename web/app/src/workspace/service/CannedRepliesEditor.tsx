import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { serviceKeys, useCannedReplies } from "./useService";

/** Managers write the canned replies that every associate can pick in the reply box. */
export function CannedRepliesEditor({ brandId }: { brandId: number }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const canned = useCannedReplies(brandId);
  const [form, setForm] = useState({ title: "", text: "" });
  const refresh = () => queryClient.invalidateQueries({ queryKey: serviceKeys.canned(brandId) });
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/brands/{brand_id}/canned-replies", {
          params: { path: { brand_id: brandId } },
          body: form,
        }),
      ),
    onSuccess: () => {
      setForm({ title: "", text: "" });
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const remove = useMutation({
    mutationFn: (id: number) =>
      ok(
        api.DELETE("/api/v1/brands/{brand_id}/canned-replies/{canned_reply_id}", {
          params: { path: { brand_id: brandId, canned_reply_id: id } },
        }),
      ),
    onSuccess: () => void refresh(),
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <details className="cs-card cs-canned-editor">
      <summary>{t("cs.service.cannedEditor", { count: canned.data?.length ?? 0 })}</summary>
      <ul className="list">
        {canned.data?.map((reply) => (
          <li key={reply.id} className="row">
            <span className="row-main">
              <span className="row-title">{reply.title}</span>
              <span className="row-sub">{reply.text}</span>
            </span>
            <button
              type="button"
              aria-label={t("cs.service.deleteCanned", { title: reply.title })}
              onClick={() => remove.mutate(reply.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="cs-note-form" onSubmit={submit}>
        <input
          aria-label={t("cs.service.cannedTitle")}
          placeholder={t("cs.service.cannedTitle")}
          maxLength={60}
          required
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
        />
        <textarea
          aria-label={t("cs.service.cannedText")}
          placeholder={t("cs.service.cannedText")}
          maxLength={2000}
          rows={2}
          required
          value={form.text}
          onChange={(e) => setForm({ ...form, text: e.target.value })}
        />
        <button type="submit" disabled={create.isPending}>
          {t("cs.service.addCanned")}
        </button>
      </form>
    </details>
  );
}
