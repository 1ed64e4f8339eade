import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";
import type { RoomComment, RoomState } from "../../live/room";

type Kind = "mute" | "ban";

/** The comment stream with per-comment moderation (remove, mute or ban the author), the
 * comments removed here with their undo, and the show's mutes and bans with theirs. */
export function Moderation({ showId, room }: { showId: number; room: RoomState }) {
  const { t } = useTranslation();
  const notify = useToast();
  const queryClient = useQueryClient();
  // Viewers (and this socket) drop a removed comment; the control room keeps it to undo.
  const [removed, setRemoved] = useState<RoomComment[]>([]);
  const restrictionsKey = ["workspace", "live", "restrictions", showId];
  const restrictions = useQuery({
    queryKey: restrictionsKey,
    queryFn: () =>
      ok(
        api.GET("/api/v1/live/shows/{show_id}/restrictions", {
          params: { path: { show_id: showId } },
        }),
      ),
  });
  const path = { params: { path: { show_id: showId } } };
  const remove = useMutation({
    mutationFn: (comment: RoomComment) =>
      ok(
        api.DELETE("/api/v1/live/shows/{show_id}/comments/{comment_id}", {
          params: { path: { show_id: showId, comment_id: comment.id } },
        }),
      ),
    onSuccess: (_, comment) => setRemoved((list) => [...list, comment]),
    onError: (error) => notify(errorText(error)),
  });
  const restore = useMutation({
    mutationFn: (comment: RoomComment) =>
      ok(
        api.POST("/api/v1/live/shows/{show_id}/comments/{comment_id}/restore", {
          params: { path: { show_id: showId, comment_id: comment.id } },
        }),
      ),
    onSuccess: (_, comment) => setRemoved((list) => list.filter((c) => c.id !== comment.id)),
    onError: (error) => notify(errorText(error)),
  });
  const restrict = useMutation({
    mutationFn: ({ userId, kind }: { userId: number; kind: Kind }) =>
      ok(
        api.POST("/api/v1/live/shows/{show_id}/restrictions", {
          ...path,
          body: { user_id: userId, kind },
        }),
      ),
    onSuccess: (row) => {
      notify(t(`liveControl.moderation.${row.kind}Done`, { username: row.username }));
      void queryClient.invalidateQueries({ queryKey: restrictionsKey });
    },
    onError: (error) => notify(errorText(error)),
  });
  const lift = useMutation({
    mutationFn: ({ username, kind }: { username: string; kind: Kind }) =>
      ok(
        api.DELETE("/api/v1/live/shows/{show_id}/restrictions/{restriction_kind}/{username}", {
          params: { path: { show_id: showId, restriction_kind: kind, username } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: restrictionsKey }),
    onError: (error) => notify(errorText(error)),
  });
  const busy = remove.isPending || restore.isPending || restrict.isPending || lift.isPending;
  return (
    <section aria-labelledby="moderation-heading" className="padded">
      <h2 id="moderation-heading">{t("liveControl.moderation.title")}</h2>
      <div role="log" aria-label={t("live.comments")}>
        <ol className="live-moderated-comments">
          {room.comments.length === 0 && (
            <li className="muted">{t("liveControl.moderation.quiet")}</li>
          )}
          {room.comments.map((comment) => (
            <li key={comment.id}>
              <span>
                <strong>{comment.user.name}</strong> {comment.text}
              </span>
              <span className="live-comment-actions">
                <button
                  type="button"
                  disabled={busy}
                  aria-label={t("liveControl.moderation.remove", { text: comment.text })}
                  onClick={() => remove.mutate(comment)}
                >
                  {t("liveControl.moderation.removeShort")}
                </button>
                {(["mute", "ban"] as const).map((kind) => (
                  <button
                    key={kind}
                    type="button"
                    disabled={busy}
                    aria-label={t(`liveControl.moderation.${kind}`, { name: comment.user.name })}
                    onClick={() => restrict.mutate({ userId: comment.user.id, kind })}
                  >
                    {t(`liveControl.moderation.${kind}Short`)}
                  </button>
                ))}
              </span>
            </li>
          ))}
        </ol>
      </div>
      {removed.length > 0 && (
        <>
          <h3>{t("liveControl.moderation.removed")}</h3>
          <ul className="list">
            {removed.map((comment) => (
              <li key={comment.id} className="row">
                <span className="row-main live-removed">
                  <strong>{comment.user.name}</strong> {comment.text}
                </span>
                <button
                  type="button"
                  disabled={busy}
                  aria-label={t("liveControl.moderation.restore", { text: comment.text })}
                  onClick={() => restore.mutate(comment)}
                >
                  {t("liveControl.moderation.undo")}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>{t("liveControl.moderation.restricted")}</h3>
      {restrictions.data?.length === 0 && (
        <p className="muted">{t("liveControl.moderation.nobodyRestricted")}</p>
      )}
      <ul className="list">
        {restrictions.data?.map((row) => (
          <li key={`${row.kind}-${row.username}`} className="row">
            <span className="row-main">
              @{row.username} · {t(`liveControl.moderation.kinds.${row.kind}`)}
            </span>
            <button
              type="button"
              disabled={busy}
              aria-label={t(`liveControl.moderation.lift.${row.kind}`, { username: row.username })}
              onClick={() => lift.mutate({ username: row.username, kind: row.kind })}
            >
              {t("liveControl.moderation.undo")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
