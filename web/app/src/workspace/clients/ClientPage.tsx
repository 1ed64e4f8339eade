import { useState } from "react";
import type { FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { OneLineForm } from "../../components/Form";
import { ErrorView, Loading } from "../../components/Status";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime, formatMoney } from "../../i18n/format";
import { ColleagueSelect } from "../service/ColleagueSelect";
import {
  clientKeys,
  useClient,
  useClientNotes,
  useClientTimeline,
  type TimelineItem,
} from "./useClients";

type Ids = { brandId: number; clientId: number };

/** One client: who they are, message them, hand them over, their tags, notes and timeline. */
export function ClientPage({ brandId, clientId, onClose }: Ids & { onClose: () => void }) {
  const { t } = useTranslation();
  const client = useClient(brandId, clientId);
  if (client.isPending) return <Loading />;
  if (client.isError) return <ErrorView error={client.error} retry={() => void client.refetch()} />;
  const c = client.data;
  return (
    <section className="cs-detail" aria-labelledby="client-heading">
      <header className="cs-detail-head">
        <button type="button" className="cs-back" onClick={onClose}>
          ‹ {t("cs.clients.backToList")}
        </button>
        <h2 id="client-heading">{c.user.display_name}</h2>
        <p className="muted small">
          @{c.user.username}
          {c.tier && ` · ${c.tier}`}
          {c.points != null && ` · ${t("cs.clients.points", { count: c.points })}`}
        </p>
        <p className="muted small">
          {c.associate
            ? t("cs.clients.lookedAfterBy", { name: c.associate.display_name })
            : t("cs.clients.noAssociate")}
        </p>
      </header>
      <MessageClient brandId={brandId} username={c.user.username} />
      <Tags brandId={brandId} clientId={clientId} tags={c.tags} />
      <Notes brandId={brandId} clientId={clientId} />
      <FollowUp brandId={brandId} clientId={clientId} />
      <HandClientOver brandId={brandId} clientId={clientId} />
      <Timeline brandId={brandId} clientId={clientId} />
    </section>
  );
}

/** Opens the client's customer-service conversation (the 48-hour rule applies there). */
function MessageClient({ brandId, username }: { brandId: number; username: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const notify = useToast();
  const find = useMutation({
    mutationFn: () =>
      ok(
        api.GET("/api/v1/brands/{brand_id}/inbox", {
          params: { path: { brand_id: brandId }, query: { follower: username } },
        }),
      ),
    onSuccess: (page) => {
      const [conversation] = page.results;
      if (conversation) navigate(`../service?c=${conversation.id}`);
      else notify(t("cs.clients.noConversation"));
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <div className="cs-actions">
      <button
        type="button"
        className="primary"
        disabled={find.isPending}
        onClick={() => find.mutate()}
      >
        {t("cs.clients.message")}
      </button>
    </div>
  );
}

function Tags({
  brandId,
  clientId,
  tags,
}: Ids & { tags: { id: number; name: string; personal: boolean }[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [name, setName] = useState("");
  const path = { brand_id: brandId, client_id: clientId };
  const refresh = () => queryClient.invalidateQueries({ queryKey: clientKeys.all(brandId) });
  const add = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/tags", {
          params: { path },
          body: { name: name.trim(), personal: false },
        }),
      ),
    onSuccess: () => {
      setName("");
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const remove = useMutation({
    mutationFn: (tagId: number) =>
      ok(
        api.DELETE("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/tags/{tag_id}", {
          params: { path: { ...path, tag_id: tagId } },
        }),
      ),
    onSuccess: () => void refresh(),
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section className="cs-card" aria-labelledby="tags-heading">
      <h3 id="tags-heading">{t("cs.clients.tags")}</h3>
      <ul className="cs-tags" aria-label={t("cs.clients.tags")}>
        {tags.map((tag) => (
          <li key={tag.id} className="cs-tag">
            {tag.name}
            <button
              type="button"
              aria-label={t("cs.clients.removeTag", { name: tag.name })}
              onClick={() => remove.mutate(tag.id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <OneLineForm
        label={t("cs.clients.newTag")}
        maxLength={40}
        value={name}
        onChange={setName}
        onSubmit={() => add.mutate()}
        button={t("cs.clients.addTag")}
        disabled={!name.trim() || add.isPending}
      />
    </section>
  );
}

function Notes({ brandId, clientId }: Ids) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const notes = useClientNotes(brandId, clientId);
  const [body, setBody] = useState("");
  const add = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/notes", {
          params: { path: { brand_id: brandId, client_id: clientId } },
          body: { body: body.trim() },
        }),
      ),
    onSuccess: () => {
      setBody("");
      void queryClient.invalidateQueries({ queryKey: clientKeys.client(brandId, clientId) });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate();
  }
  return (
    <section className="cs-card" aria-labelledby="notes-heading">
      <h3 id="notes-heading">{t("cs.clients.notes")}</h3>
      <form className="cs-note-form" onSubmit={submit}>
        <textarea
          aria-label={t("cs.clients.newNote")}
          placeholder={t("cs.clients.newNote")}
          rows={2}
          maxLength={2000}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
        <button type="submit" disabled={!body.trim() || add.isPending}>
          {t("cs.clients.addNote")}
        </button>
      </form>
      {notes.isError && <ErrorView error={notes.error} retry={() => void notes.refetch()} />}
      <ul className="list" aria-label={t("cs.clients.notes")}>
        {notes.data?.map((note) => (
          <li key={note.id} className="cs-note">
            <p>{note.body}</p>
            <span className="muted small">
              {note.author ? `${note.author.display_name} · ` : ""}
              {formatDateTime(note.created_at, i18n.language)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Today's date as the date input wants it (local time). */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A follow-up for me, due at 18:00 local time on the chosen day (it shows in "Due today"). */
function FollowUp({ brandId, clientId }: Ids) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [form, setForm] = useState({ title: "", day: today() });
  const create = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/tasks", {
          params: { path: { brand_id: brandId, client_id: clientId } },
          body: {
            title: form.title.trim(),
            due_at: new Date(`${form.day}T18:00:00`).toISOString(),
          },
        }),
      ),
    onSuccess: () => {
      notify(t("cs.clients.taskAdded"));
      setForm({ title: "", day: today() });
      void queryClient.invalidateQueries({ queryKey: clientKeys.tasks(brandId) });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }
  return (
    <section className="cs-card" aria-labelledby="follow-up-heading">
      <h3 id="follow-up-heading">{t("cs.clients.followUp")}</h3>
      <form className="cs-note-form" onSubmit={submit}>
        <input
          aria-label={t("cs.clients.taskTitle")}
          placeholder={t("cs.clients.taskTitle")}
          maxLength={200}
          required
          value={form.title}
          onChange={(e) => setForm({ ...form, title: e.target.value })}
        />
        <input
          type="date"
          aria-label={t("cs.clients.dueOn")}
          required
          value={form.day}
          onChange={(e) => setForm({ ...form, day: e.target.value })}
        />
        <button type="submit" disabled={!form.title.trim() || create.isPending}>
          {t("cs.clients.addTask")}
        </button>
      </form>
    </section>
  );
}

function HandClientOver({ brandId, clientId }: Ids) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [associate, setAssociate] = useState("");
  const [reason, setReason] = useState("");
  const handOver = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/assignment", {
          params: { path: { brand_id: brandId, client_id: clientId } },
          body: { associate, reason },
        }),
      ),
    onSuccess: (client) => {
      notify(t("cs.clients.handedOver", { name: client.associate?.display_name ?? associate }));
      setAssociate("");
      setReason("");
      void queryClient.invalidateQueries({ queryKey: clientKeys.all(brandId) });
    },
    onError: (error) => notify(errorText(error)),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    handOver.mutate();
  }
  return (
    <section className="cs-card" aria-labelledby="handover-heading">
      <h3 id="handover-heading">{t("cs.clients.handOver")}</h3>
      <form className="cs-note-form" onSubmit={submit}>
        <ColleagueSelect brandId={brandId} value={associate} onChange={setAssociate} />
        <input
          aria-label={t("cs.clients.reason")}
          placeholder={t("cs.clients.reason")}
          maxLength={200}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <button type="submit" disabled={!associate || handOver.isPending}>
          {t("cs.clients.handOver")}
        </button>
      </form>
    </section>
  );
}

function Timeline({ brandId, clientId }: Ids) {
  const { t, i18n } = useTranslation();
  const timeline = useClientTimeline(brandId, clientId);
  return (
    <section className="cs-card" aria-labelledby="timeline-heading">
      <h3 id="timeline-heading">{t("cs.clients.timeline")}</h3>
      {timeline.isPending && <Loading />}
      {timeline.isError && (
        <ErrorView error={timeline.error} retry={() => void timeline.refetch()} />
      )}
      {timeline.data?.length === 0 && <p className="muted">{t("cs.clients.noHistory")}</p>}
      <ol className="cs-timeline" aria-label={t("cs.clients.timeline")}>
        {timeline.data?.map((item, index) => (
          <li key={`${item.kind}-${item.at}-${index}`}>
            <span className="cs-timeline-kind">{t(`cs.clients.kinds.${item.kind}`)}</span>
            <span>{describe(item, t, i18n.language)}</span>
            <span className="muted small">{formatDateTime(item.at, i18n.language)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function describe(
  item: TimelineItem,
  t: (key: string, options?: Record<string, unknown>) => string,
  locale: string,
): string {
  const d = item.details;
  switch (item.kind) {
    case "purchase":
    case "live_show_purchase":
      return formatMoney(Number(d.amount), String(d.currency), locale);
    case "points":
      return t("cs.clients.pointsMoved", { count: Number(d.points), reason: String(d.reason) });
    case "campaign":
      return String(d.title);
    case "handover":
      return d.from_associate
        ? t("cs.clients.handoverDetail", { from: d.from_associate, to: d.to_associate })
        : t("cs.clients.assigned", { to: d.to_associate });
    default:
      return t("cs.clients.wroteToService");
  }
}
