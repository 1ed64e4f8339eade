import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import { officialKeys, type Account } from "./useOfficial";

type Rule = Schemas["KeywordReplyOutput"];
type Match = Rule["match"];
interface Draft {
  keyword: string;
  match: Match;
  reply: string;
}

/** Keyword → automatic reply rules: add, edit in place, delete. */
export function AutoReplies({ account }: { account: Account }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [editing, setEditing] = useState<number | null>(null);
  const [added, setAdded] = useState(0);
  const path = { params: { path: { account_id: account.id } } };
  const key = officialKeys.replies(account.id);
  const rules = useQuery({
    queryKey: key,
    queryFn: () => ok(api.GET("/api/v1/official-accounts/{account_id}/auto-replies", path)),
    select: (page) => page.results,
  });
  const done = () => queryClient.invalidateQueries({ queryKey: key });
  const create = useMutation({
    mutationFn: (body: Draft) =>
      ok(api.POST("/api/v1/official-accounts/{account_id}/auto-replies", { ...path, body })),
    onSuccess: () => {
      setAdded(added + 1); // a fresh, empty form
      return done();
    },
    onError: (error) => notify(errorText(error)),
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: Draft & { id: number }) =>
      ok(
        api.PATCH("/api/v1/official-accounts/{account_id}/auto-replies/{reply_id}", {
          params: { path: { account_id: account.id, reply_id: id } },
          body,
        }),
      ),
    onSuccess: () => {
      setEditing(null);
      return done();
    },
    onError: (error) => notify(errorText(error)),
  });
  const remove = useMutation({
    mutationFn: (id: number) =>
      api.DELETE("/api/v1/official-accounts/{account_id}/auto-replies/{reply_id}", {
        params: { path: { account_id: account.id, reply_id: id } },
      }),
    onSuccess: done,
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section className="padded stack" aria-labelledby="official-replies-heading">
      <h2 id="official-replies-heading">{t("workspaceOfficial.replies.title")}</h2>
      {rules.data?.length === 0 && <p className="empty">{t("workspaceOfficial.replies.empty")}</p>}
      <ul className="list" aria-label={t("workspaceOfficial.replies.title")}>
        {rules.data?.map((rule) =>
          editing === rule.id ? (
            <li key={rule.id}>
              <RuleForm
                initial={{ keyword: rule.keyword, match: rule.match ?? "exact", reply: rule.reply }}
                label={t("workspaceOfficial.save")}
                onSubmit={(draft) => update.mutate({ id: rule.id, ...draft })}
              />
            </li>
          ) : (
            <li key={rule.id} className="row">
              <span className="row-main">
                <span className="row-title">
                  {rule.keyword}{" "}
                  <span className="muted small">
                    {t(`workspaceOfficial.replies.matches.${rule.match}`)}
                  </span>
                </span>
                <span className="row-sub">{rule.reply}</span>
              </span>
              <button type="button" onClick={() => setEditing(rule.id)}>
                {t("workspaceOfficial.replies.edit", { keyword: rule.keyword })}
              </button>
              <button type="button" onClick={() => remove.mutate(rule.id)}>
                {t("workspaceOfficial.replies.delete", { keyword: rule.keyword })}
              </button>
            </li>
          ),
        )}
      </ul>
      <h3>{t("workspaceOfficial.replies.add")}</h3>
      <RuleForm
        key={added}
        initial={{ keyword: "", match: "exact", reply: "" }}
        label={t("workspaceOfficial.replies.addButton")}
        onSubmit={(draft) => create.mutate(draft)}
      />
    </section>
  );
}

function RuleForm({
  initial,
  label,
  onSubmit,
}: {
  initial: Draft;
  label: string;
  onSubmit(draft: Draft): void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>({
    keyword: initial.keyword,
    match: initial.match,
    reply: initial.reply,
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    onSubmit(draft);
  }
  return (
    <form className="stack" onSubmit={submit} aria-label={label}>
      <div className="field">
        <label>
          {t("workspaceOfficial.replies.keyword")}
          <input
            value={draft.keyword}
            maxLength={32}
            required
            onChange={(e) => setDraft({ ...draft, keyword: e.target.value })}
          />
        </label>
      </div>
      <div className="field">
        <label>
          {t("workspaceOfficial.replies.match")}
          <select
            value={draft.match}
            onChange={(e) => setDraft({ ...draft, match: e.target.value as Match })}
          >
            <option value="exact">{t("workspaceOfficial.replies.matches.exact")}</option>
            <option value="contains">{t("workspaceOfficial.replies.matches.contains")}</option>
          </select>
        </label>
      </div>
      <div className="field">
        <label>
          {t("workspaceOfficial.replies.reply")}
          <textarea
            value={draft.reply}
            maxLength={1000}
            rows={2}
            required
            onChange={(e) => setDraft({ ...draft, reply: e.target.value })}
          />
        </label>
      </div>
      <button type="submit">{label}</button>
    </form>
  );
}
