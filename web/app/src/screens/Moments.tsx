import { useState } from "react";
import type { ChangeEvent, FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../api/client";
import { ErrorView, Loading, Avatar } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { PhotoGallery, chosenImages } from "../components/Photo";
import { uploadMedia } from "../api/upload";
import { CameraIcon } from "../components/Icons";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime } from "../i18n/format";
import { useMe } from "./useMe";

type Moment = Schemas["MomentOutput"];
type Visibility = "contacts" | "private";
type ChosenPhoto = { file: File; preview: string };

// MOMENT_MAX_IMAGES on the server.
const MAX_PHOTOS = 9;

export default function MomentsScreen() {
  const { t } = useTranslation();
  const feed = useQuery({
    queryKey: ["moments"],
    queryFn: () => ok(api.GET("/api/v1/moments/feed")).then((page) => page.results),
  });
  return (
    <>
      <TopBar title={t("moments.title")} back />
      <Compose />
      <p className="muted small">{t("moments.rule")}</p>
      {feed.isPending ? (
        <Loading />
      ) : feed.isError ? (
        <ErrorView error={feed.error} retry={() => void feed.refetch()} />
      ) : feed.data.length === 0 ? (
        <p className="empty">{t("moments.empty")}</p>
      ) : (
        <ul className="list" aria-label={t("moments.title")}>
          {feed.data.map((moment) => (
            <MomentItem key={moment.id} moment={moment} />
          ))}
        </ul>
      )}
    </>
  );
}

function Compose() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const [text, setText] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("contacts");
  const [photos, setPhotos] = useState<ChosenPhoto[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const post = useMutation({
    mutationFn: async () => {
      const images: number[] = [];
      for (const [index, photo] of photos.entries()) {
        const media = await uploadMedia(photo.file, "moment", (fraction) =>
          setProgress((index + fraction) / photos.length),
        );
        images.push(media.id);
      }
      return ok(api.POST("/api/v1/moments", { body: { text, visibility, images } }));
    },
    onSuccess: () => {
      setText("");
      photos.forEach((photo) => URL.revokeObjectURL(photo.preview));
      setPhotos([]);
      void queryClient.invalidateQueries({ queryKey: ["moments"] });
    },
    onError: (error) => notify(errorText(error)),
    onSettled: () => setProgress(null),
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    post.mutate();
  }
  function addPhotos(event: ChangeEvent<HTMLInputElement>) {
    const files = chosenImages(event);
    if (photos.length + files.length > MAX_PHOTOS) notify(t("media.tooMany", { max: MAX_PHOTOS }));
    const room = files.slice(0, Math.max(0, MAX_PHOTOS - photos.length));
    setPhotos([...photos, ...room.map((file) => ({ file, preview: URL.createObjectURL(file) }))]);
  }
  function removePhoto(index: number) {
    const photo = photos[index];
    if (photo) URL.revokeObjectURL(photo.preview);
    setPhotos(photos.filter((_, i) => i !== index));
  }
  return (
    <form className="inline-form stack" onSubmit={submit}>
      <label htmlFor="moment-text">{t("moments.new")}</label>
      <textarea id="moment-text" value={text} onChange={(e) => setText(e.target.value)} rows={2} />
      {photos.length > 0 && (
        <ul
          className="photo-grid"
          aria-label={t("media.photoCount", { count: photos.length, max: MAX_PHOTOS })}
        >
          {photos.map((photo, index) => (
            <li key={photo.preview}>
              <img
                className="photo"
                src={photo.preview}
                alt={t("media.photoNumber", { number: index + 1 })}
              />
              <button
                type="button"
                className="icon-button remove"
                aria-label={t("media.removePhoto", { number: index + 1 })}
                onClick={() => removePhoto(index)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {progress !== null && <progress value={progress} max={1} aria-label={t("media.uploading")} />}
      <div className="composer-row">
        <label htmlFor="moment-visibility" className="visually-hidden">
          {t("moments.visibility")}
        </label>
        <select
          id="moment-visibility"
          value={visibility}
          onChange={(e) => setVisibility(e.target.value as Visibility)}
        >
          <option value="contacts">{t("moments.visibleContacts")}</option>
          <option value="private">{t("moments.visiblePrivate")}</option>
        </select>
        <label className="icon-button attach">
          <CameraIcon />
          <input
            type="file"
            accept="image/*"
            multiple
            className="visually-hidden"
            aria-label={t("media.addPhotos")}
            disabled={photos.length >= MAX_PHOTOS}
            onChange={addPhotos}
          />
        </label>
        <button
          type="submit"
          className="primary"
          disabled={(!text.trim() && photos.length === 0) || post.isPending}
        >
          {t("moments.post")}
        </button>
      </div>
    </form>
  );
}

function MomentItem({ moment }: { moment: Moment }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const me = useMe();
  const [comment, setComment] = useState("");
  const liked = moment.likes.some((like) => like.user.username === me.data?.username);
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["moments"] });
  const like = useMutation({
    mutationFn: () => {
      const options = { params: { path: { id: moment.id } } };
      return liked
        ? ok(api.DELETE("/api/v1/moments/{id}/likes", options))
        : ok(api.POST("/api/v1/moments/{id}/likes", options));
    },
    onSuccess: refresh,
    onError: (error) => notify(errorText(error)),
  });
  const send = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/moments/{id}/comments", {
          params: { path: { id: moment.id } },
          body: { text: comment },
        }),
      ),
    onSuccess: () => {
      setComment("");
      void refresh();
    },
    onError: (error) => notify(errorText(error)),
  });
  const inputId = `comment-${moment.id}`;
  return (
    <li className="moment">
      <article aria-label={t("moments.by", { name: moment.author.display_name })}>
        <header className="row">
          <Avatar name={moment.author.display_name} />
          <span className="row-main">
            <strong>{moment.author.display_name}</strong>
            <time className="muted small" dateTime={moment.created_at}>
              {formatDateTime(moment.created_at, i18n.language)}
            </time>
          </span>
        </header>
        <p className="text">{moment.text}</p>
        {moment.images.length > 0 && (
          <PhotoGallery
            images={moment.images.map((address, index) => ({
              src: address,
              alt: t("media.momentPhoto", { number: index + 1, name: moment.author.display_name }),
            }))}
          />
        )}
        <div className="composer-row">
          <button type="button" aria-pressed={liked} onClick={() => like.mutate()}>
            {liked ? t("moments.unlike") : t("moments.like")}
          </button>
          <span className="muted small">{t("moments.likes", { count: moment.likes.length })}</span>
        </div>
        {moment.likes.length > 0 && (
          <p className="small">
            {new Intl.ListFormat(i18n.language).format(
              moment.likes.map((l) => l.user.display_name),
            )}
          </p>
        )}
        <ul className="comments" aria-label={t("moments.comments")}>
          {moment.comments.map((c) => (
            <li key={c.id}>
              <strong>{c.user.display_name}</strong>: {c.text}
            </li>
          ))}
        </ul>
        <form
          className="composer-row"
          onSubmit={(e) => {
            e.preventDefault();
            send.mutate();
          }}
        >
          <label htmlFor={inputId} className="visually-hidden">
            {t("moments.commentOn", { name: moment.author.display_name })}
          </label>
          <input
            id={inputId}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder={t("moments.commentPlaceholder")}
          />
          <button type="submit" disabled={!comment.trim()}>
            {t("moments.comment")}
          </button>
        </form>
      </article>
    </li>
  );
}
