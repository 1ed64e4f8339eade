import { useState } from "react";
import type { ChangeEvent, FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { fieldError } from "../../api/errors";
import { imageAddress, uploadMedia, type Media } from "../../api/upload";
import { errorText, useToast } from "../../components/Toast";
import { useBrandShop } from "../useShop";

/** An hour from now, as a `datetime-local` value in the browser's time zone. */
function inAnHour(): string {
  const at = new Date(Date.now() + 3_600_000);
  at.setSeconds(0, 0);
  return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** Schedule a show: title, time, cover photo, host, moderators and the shop's products in it. */
export function ScheduleForm({
  brandId,
  me,
  onScheduled,
}: {
  brandId: number;
  me: string;
  onScheduled(showId: number): void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const shop = useBrandShop(brandId);
  const shopId = shop.data?.id;
  const products = useQuery({
    queryKey: ["workspace", "products", shopId],
    enabled: shopId !== undefined,
    queryFn: () =>
      ok(
        api.GET("/api/v1/shops/{shop_id}/manage/products", {
          params: { path: { shop_id: shopId ?? 0 } },
        }),
      ),
    select: (page) => page.results.filter((p) => p.status === "published"),
  });
  const [form, setForm] = useState({
    title: "",
    startsAt: inAnHour(),
    host: me,
    moderators: "",
    streamUrl: "",
  });
  const [productIds, setProductIds] = useState<number[]>([]);
  const [cover, setCover] = useState<Media | null>(null);
  const [progress, setProgress] = useState<number | null>(null);

  const schedule = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/live/shows", {
          body: {
            brand_id: brandId,
            title: form.title.trim(),
            starts_at: new Date(form.startsAt).toISOString(),
            host: form.host.trim(),
            moderators: form.moderators
              .split(",")
              .map((name) => name.trim())
              .filter(Boolean),
            product_ids: productIds,
            ...(form.streamUrl.trim() ? { stream_url: form.streamUrl.trim() } : {}),
            ...(cover ? { cover_media: cover.id } : {}),
          },
        }),
      ),
    onSuccess: (show) => {
      notify(t("liveControl.scheduled", { title: show.title }));
      void queryClient.invalidateQueries({ queryKey: ["workspace", "live", "shows", brandId] });
      onScheduled(show.id);
    },
    onError: (error) => notify(errorText(error)),
  });

  async function choosePhoto(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    setProgress(0);
    try {
      setCover(await uploadMedia(file, "live", setProgress));
    } catch (error) {
      notify(errorText(error));
    } finally {
      setProgress(null);
    }
  }

  function toggle(id: number) {
    setProductIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id]));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    schedule.mutate();
  }

  const error = (field: string) => fieldError(schedule.error, field);
  const field = (name: keyof typeof form) => ({
    value: form[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setForm({ ...form, [name]: e.target.value }),
  });
  return (
    <section aria-labelledby="schedule-heading" className="padded">
      <h2 id="schedule-heading">{t("liveControl.schedule")}</h2>
      {shop.data === null && <p className="muted">{t("liveControl.noShop")}</p>}
      <form className="stack" onSubmit={submit}>
        <div className="field">
          <label htmlFor="show-title">{t("liveControl.showTitle")}</label>
          <input id="show-title" required maxLength={120} {...field("title")} />
          {error("title") && <p className="field-error">{error("title")}</p>}
        </div>
        <div className="field">
          <label htmlFor="show-starts">{t("liveControl.startsAt")}</label>
          <input id="show-starts" type="datetime-local" required {...field("startsAt")} />
          {error("starts_at") && <p className="field-error">{error("starts_at")}</p>}
        </div>
        <div className="field">
          <label htmlFor="show-cover">{t("liveControl.cover")}</label>
          <input id="show-cover" type="file" accept="image/*" onChange={choosePhoto} />
          {progress !== null && (
            <progress value={progress} max={1} aria-label={t("liveControl.uploading")} />
          )}
          {cover && (
            <img
              className="live-cover-preview"
              src={imageAddress(cover)}
              alt={t("liveControl.coverChosen")}
            />
          )}
        </div>
        <div className="field">
          <label htmlFor="show-host">{t("liveControl.host")}</label>
          <input id="show-host" required maxLength={150} {...field("host")} />
          {error("host") && <p className="field-error">{error("host")}</p>}
        </div>
        <div className="field">
          <label htmlFor="show-moderators">{t("liveControl.moderators")}</label>
          <input id="show-moderators" {...field("moderators")} />
          {error("moderators") && <p className="field-error">{error("moderators")}</p>}
        </div>
        <div className="field">
          <label htmlFor="show-stream-url">{t("liveControl.externalStream")}</label>
          <input id="show-stream-url" type="url" {...field("streamUrl")} />
          <p className="muted small">{t("liveControl.externalStreamHint")}</p>
        </div>
        <fieldset className="live-products">
          <legend>{t("liveControl.products")}</legend>
          {products.data?.length === 0 && <p className="muted">{t("liveControl.noProducts")}</p>}
          {products.data?.map((product) => (
            <label key={product.id} className="live-product-choice">
              <input
                type="checkbox"
                checked={productIds.includes(product.id)}
                onChange={() => toggle(product.id)}
              />{" "}
              {product.title}
            </label>
          ))}
          {error("product_ids") && <p className="field-error">{error("product_ids")}</p>}
        </fieldset>
        <button
          type="submit"
          className="primary"
          disabled={schedule.isPending || progress !== null || productIds.length === 0}
        >
          {t("liveControl.scheduleButton")}
        </button>
      </form>
    </section>
  );
}
