import { lazy, Suspense, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { Form, SelectField } from "../../components/Form";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { useCurrentTeam } from "../useTeams";
import { officialKeys, useBrandAccounts, type Account } from "./useOfficial";
import { AccountNameField, ProfilePanel } from "./ProfilePanel";
import { MenuEditor } from "./MenuEditor";
import { AutoReplies } from "./AutoReplies";
import { ArticleEditor } from "./ArticleEditor";
import { BroadcastComposer } from "./BroadcastComposer";

const FollowersChart = lazy(() => import("./FollowersChart"));

const PARTS = ["profile", "menu", "replies", "articles", "broadcast", "followers"] as const;
type Part = (typeof PARTS)[number];

/** The brand's official account: profile, menu, auto-replies, articles, broadcasts, followers. */
export default function OfficialScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const accounts = useBrandAccounts(team?.id ?? 0);
  const [chosen, setChosen] = useState<number | null>(null);
  if (!team || accounts.isPending) return <Loading />;
  if (accounts.isError)
    return <ErrorView error={accounts.error} retry={() => void accounts.refetch()} />;
  const account = accounts.data.find((a) => a.id === chosen) ?? accounts.data[0];
  return (
    <>
      <TopBar title={t("workspaceOfficial.title")} />
      {accounts.data.length > 1 && (
        <div className="field padded">
          <label htmlFor="official-account-pick">{t("workspaceOfficial.account")}</label>
          <select
            id="official-account-pick"
            value={account?.id}
            onChange={(e) => setChosen(Number(e.target.value))}
          >
            {accounts.data.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {account ? <AccountEditor key={account.id} account={account} /> : null}
      <NewAccount brandId={team.id} first={!account} />
    </>
  );
}

function AccountEditor({ account }: { account: Account }) {
  const { t } = useTranslation();
  const [part, setPart] = useState<Part>("profile");
  return (
    <div className="official-editor">
      <div role="tablist" aria-label={t("workspaceOfficial.parts")} className="official-tabs">
        {PARTS.map((p) => (
          <button
            key={p}
            type="button"
            role="tab"
            aria-selected={part === p}
            onClick={() => setPart(p)}
          >
            {t(`workspaceOfficial.tabs.${p}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={t(`workspaceOfficial.tabs.${part}`)}>
        {part === "profile" && <ProfilePanel account={account} />}
        {part === "menu" && <MenuEditor account={account} />}
        {part === "replies" && <AutoReplies account={account} />}
        {part === "articles" && <ArticleEditor account={account} />}
        {part === "broadcast" && <BroadcastComposer account={account} />}
        {part === "followers" && (
          <Suspense fallback={<Loading />}>
            <FollowersChart account={account} />
          </Suspense>
        )}
      </div>
    </div>
  );
}

/** Open an account: the first one, or another (a brand may have a few). */
function NewAccount({ brandId, first }: { brandId: number; first: boolean }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"subscription" | "service">("subscription");
  const create = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/v1/official-accounts", { body: { brand: brandId, name, kind } })),
    onSuccess: () => {
      setName("");
      notify(t("workspaceOfficial.created"));
      return queryClient.invalidateQueries({ queryKey: officialKeys.accounts(brandId) });
    },
    onError: (error) => notify(errorText(error)),
  });
  const form = (
    <Form
      onSubmit={() => {
        if (name.trim()) create.mutate();
      }}
    >
      <AccountNameField id="official-new-name" value={name} onChange={setName} />
      <SelectField
        id="official-new-kind"
        label={t("workspaceOfficial.kind")}
        value={kind}
        onChange={(kind) => setKind(kind as "subscription" | "service")}
      >
        <option value="subscription">{t("workspaceOfficial.kinds.subscription")}</option>
        <option value="service">{t("workspaceOfficial.kinds.service")}</option>
      </SelectField>
      <button type="submit" className="primary" disabled={create.isPending}>
        {t("workspaceOfficial.create")}
      </button>
    </Form>
  );
  if (first)
    return (
      <section className="padded" aria-labelledby="official-new-heading">
        <h2 id="official-new-heading">{t("workspaceOfficial.none")}</h2>
        {form}
      </section>
    );
  return (
    <details className="padded">
      <summary>{t("workspaceOfficial.another")}</summary>
      {form}
    </details>
  );
}
