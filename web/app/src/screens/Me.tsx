import { useState } from "react";
import type { FormEvent } from "react";
import { Link } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { fieldError } from "../api/errors";
import { useSession } from "../auth/session";
import { LanguageSelect } from "../components/LanguageSelect";
import { Sheet } from "../components/Sheet";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { Form } from "../components/Form";
import { ChoosePhotoButton } from "../components/Photo";
import { uploadMedia } from "../api/upload";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime, formatMoney } from "../i18n/format";
import { MemberCards } from "./MemberCards";
import { InvitationsForMe, WorkspaceEntry } from "../workspace/WorkspaceEntry";
import { useMe } from "./useMe";

export default function MeScreen() {
  const { t } = useTranslation();
  const { logOut } = useSession();
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <ErrorView error={me.error} retry={() => void me.refetch()} />;
  return (
    <>
      <TopBar title={t("tabs.me")} />
      <InvitationsForMe />
      <WorkspaceEntry />
      <AvatarPicker avatarUrl={me.data.avatar_url ?? ""} />
      <Profile
        key={me.data.username}
        displayName={me.data.display_name ?? ""}
        bio={me.data.bio ?? ""}
        username={me.data.username}
      />
      <ul className="list">
        <li>
          <Link className="row" to="/wallet">
            {t("wallet.title")}
          </Link>
        </li>
      </ul>
      <section className="padded">
        <LanguageSelect />
      </section>
      <MemberCards />
      <Orders />
      <ul className="list">
        <li>
          <Link className="row" to="/me/miniprogram-permissions">
            {t("me.grants")}
          </Link>
        </li>
      </ul>
      <Privacy />
      <section className="padded">
        <button type="button" onClick={() => void logOut()}>
          {t("auth.logOut")}
        </button>
      </section>
    </>
  );
}

function Profile({
  displayName,
  bio,
  username,
}: {
  displayName: string;
  bio: string;
  username: string;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [form, setForm] = useState({ display_name: displayName, bio });
  const save = useMutation({
    mutationFn: () => ok(api.PATCH("/api/v1/me", { body: form })),
    onSuccess: (data) => {
      queryClient.setQueryData(["me"], data);
      notify(t("me.saved"));
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }
  return (
    <section aria-labelledby="profile-heading" className="padded">
      <h2 id="profile-heading">{t("me.profile")}</h2>
      <p className="muted small">@{username}</p>
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="display-name">{t("auth.displayName")}</label>
          <input
            id="display-name"
            value={form.display_name}
            onChange={(e) => setForm({ ...form, display_name: e.target.value })}
          />
          {fieldError(save.error, "display_name") && (
            <p className="field-error">{fieldError(save.error, "display_name")}</p>
          )}
        </div>
        <div className="field">
          <label htmlFor="bio">{t("me.bio")}</label>
          <textarea
            id="bio"
            rows={2}
            value={form.bio}
            onChange={(e) => setForm({ ...form, bio: e.target.value })}
          />
        </div>
        <button type="submit" disabled={save.isPending}>
          {t("me.save")}
        </button>
      </form>
    </section>
  );
}

function AvatarPicker({ avatarUrl }: { avatarUrl: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [progress, setProgress] = useState<number | null>(null);
  const change = useMutation({
    mutationFn: async (file: File) => {
      const media = await uploadMedia(file, "avatar", setProgress);
      return ok(api.POST("/api/v1/me/avatar", { body: { media: media.id } }));
    },
    onSuccess: async () => {
      notify(t("media.avatarSaved"));
      await queryClient.invalidateQueries({ queryKey: ["me"] });
    },
    onError: (error) => notify(errorText(error)),
    onSettled: () => setProgress(null),
  });
  return (
    <section className="padded row">
      {avatarUrl && <img className="avatar-photo" src={avatarUrl} alt={t("media.avatar")} />}
      <ChoosePhotoButton
        className="attach button"
        label={t("media.changeAvatar")}
        disabled={change.isPending}
        onPick={(file) => change.mutate(file)}
      />
      {progress !== null && <progress value={progress} max={1} aria-label={t("media.uploading")} />}
    </section>
  );
}

function Orders() {
  const { t, i18n } = useTranslation();
  const orders = useQuery({
    queryKey: ["orders"],
    queryFn: () => ok(api.GET("/api/v1/shop/orders")).then((p) => p.results),
  });
  return (
    <section aria-labelledby="orders-heading" className="padded">
      <h2 id="orders-heading">{t("me.orders")}</h2>
      {orders.isError && <ErrorView error={orders.error} retry={() => void orders.refetch()} />}
      {orders.data?.length === 0 && <p className="empty">{t("me.noOrders")}</p>}
      <ul className="list">
        {orders.data?.map((order) => (
          <li key={order.id} className="row">
            <span className="row-main">
              <span className="name">
                {t("me.order", { id: order.id })} ·{" "}
                {t(`me.orderStatus.${order.status}`, { defaultValue: order.status })}
              </span>
              <time className="muted small" dateTime={order.created_at}>
                {formatDateTime(order.created_at, i18n.language)}
              </time>
            </span>
            <span>{formatMoney(order.total.amount, order.total.currency, i18n.language)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Privacy() {
  const { t } = useTranslation();
  const { ended } = useSession();
  const notify = useToast();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const erase = useMutation({
    mutationFn: () => ok(api.POST("/api/v1/me/erase", { body: { password } })),
    onSuccess: () => ended(),
  });
  async function download() {
    try {
      const data = await ok(api.GET("/api/v1/me/export"));
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }),
      );
      const link = document.createElement("a");
      link.href = url;
      link.download = "plaza-export.json";
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      notify(errorText(error));
    }
  }
  return (
    <section aria-labelledby="privacy-heading" className="padded stack">
      <h2 id="privacy-heading">{t("me.privacy")}</h2>
      <button type="button" onClick={() => void download()}>
        {t("me.export")}
      </button>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {t("me.erase")}
      </button>
      <Sheet
        open={open}
        onOpenChange={setOpen}
        title={t("me.eraseTitle")}
        description={t("me.eraseWarning")}
      >
        <Form onSubmit={() => erase.mutate()}>
          <div className="field">
            <label htmlFor="erase-password">{t("auth.password")}</label>
            <input
              id="erase-password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              aria-describedby={erase.error ? "erase-error" : undefined}
            />
            {erase.error && (
              <p id="erase-error" role="alert" className="field-error">
                {fieldError(erase.error, "password") ?? errorText(erase.error)}
              </p>
            )}
          </div>
          <button type="submit" className="danger" disabled={!password || erase.isPending}>
            {t("me.eraseConfirm")}
          </button>
        </Form>
      </Sheet>
    </section>
  );
}
