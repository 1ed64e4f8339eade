import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { uploadMedia } from "../../api/upload";
import { Field, Form, TextField } from "../../components/Form";
import { ChoosePhotoButton } from "../../components/Photo";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { useCurrentTeam, can } from "../useTeams";
import type { Account } from "./useOfficial";

/** Name, description and avatar of the account, and the brand's verification status. */
export function ProfilePanel({ account }: { account: Account }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [name, setName] = useState(account.name);
  const [description, setDescription] = useState(account.description ?? "");
  const [progress, setProgress] = useState<number | null>(null);
  const path = { params: { path: { account_id: account.id } } };
  const save = useMutation({
    mutationFn: (body: { name?: string; description?: string; avatar_media?: number }) =>
      ok(api.PATCH("/api/v1/official-accounts/{account_id}", { ...path, body })),
    onSuccess: () => {
      notify(t("workspaceOfficial.profile.saved"));
      return queryClient.invalidateQueries({ queryKey: ["workspace", "official"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  async function upload(file: File) {
    setProgress(0);
    try {
      const media = await uploadMedia(file, "avatar", setProgress);
      save.mutate({ avatar_media: media.id });
    } catch (error) {
      notify(errorText(error));
    } finally {
      setProgress(null);
    }
  }
  return (
    <section className="padded stack" aria-labelledby="official-profile-heading">
      <h2 id="official-profile-heading">{t("workspaceOfficial.profile.title")}</h2>
      <div className="official-avatar-row">
        {account.avatar_url ? (
          <img className="official-avatar" src={account.avatar_url} alt="" />
        ) : (
          <span className="official-avatar" aria-hidden="true">
            {account.name.slice(0, 1)}
          </span>
        )}
        <ChoosePhotoButton
          label={t("workspaceOfficial.profile.avatar")}
          onPick={(file) => void upload(file)}
        />
        {progress !== null && (
          <progress
            max={1}
            value={progress}
            aria-label={t("workspaceOfficial.profile.uploading")}
          />
        )}
      </div>
      <Form onSubmit={() => save.mutate({ name: name.trim(), description: description.trim() })}>
        <AccountNameField id="official-name" value={name} onChange={setName} />
        <Field id="official-description" label={t("workspaceOfficial.profile.description")}>
          <textarea
            id="official-description"
            value={description}
            maxLength={300}
            rows={3}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <button type="submit" className="primary" disabled={save.isPending}>
          {t("workspaceOfficial.save")}
        </button>
      </Form>
      <p className="muted small">
        {t(`workspaceOfficial.kinds.${account.kind}`)} ·{" "}
        {t("workspaceOfficial.profile.followers", { count: account.follower_count })}
      </p>
      <Verification account={account} />
    </section>
  );
}

/** The account's name, as followers see it. */
export function AccountNameField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: string;
  onChange(value: string): void;
}) {
  const { t } = useTranslation();
  return (
    <TextField
      id={id}
      label={t("workspaceOfficial.name")}
      value={value}
      maxLength={64}
      required
      onChange={onChange}
    />
  );
}

function Verification({ account }: { account: Account }) {
  const { t, i18n } = useTranslation();
  const { team } = useCurrentTeam();
  const queryClient = useQueryClient();
  const notify = useToast();
  const brand = account.brand;
  const request = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/brands/{brand_id}/verification-request", {
          params: { path: { brand_id: brand.id } },
        }),
      ),
    onSuccess: () => {
      notify(t("workspaceOfficial.verification.requested"));
      return queryClient.invalidateQueries({ queryKey: ["workspace", "official"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  let status: string;
  if (brand.verified) status = t("workspaceOfficial.verification.verified");
  else if (brand.verification_requested_at)
    status = t("workspaceOfficial.verification.pending", {
      when: formatDateTime(brand.verification_requested_at, i18n.language),
    });
  else status = t("workspaceOfficial.verification.unverified");
  return (
    <section className="official-verification" aria-labelledby="official-verification-heading">
      <h3 id="official-verification-heading">{t("workspaceOfficial.verification.title")}</h3>
      <p role="status">{status}</p>
      {!brand.verified && team && can.own(team.role) && (
        <button type="button" disabled={request.isPending} onClick={() => request.mutate()}>
          {brand.verification_requested_at
            ? t("workspaceOfficial.verification.again")
            : t("workspaceOfficial.verification.request")}
        </button>
      )}
    </section>
  );
}
