import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";

type Key = Schemas["LiveStreamKeyOutput"];

/** What OBS needs: the RTMP server and the stream key. Plaza keeps only the key's digest, so a key
 * is shown once, when it is made; making a new one stops the previous one. */
export function StreamKey({ showId }: { showId: number }) {
  const { t } = useTranslation();
  const notify = useToast();
  const [key, setKey] = useState<Key | null>(null);
  const [revealed, setRevealed] = useState(false);
  const rotate = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/live/shows/{show_id}/stream-key", {
          params: { path: { show_id: showId } },
        }),
      ),
    onSuccess: (made) => {
      setKey(made);
      setRevealed(false);
      notify(t("liveControl.key.made"));
    },
    onError: (error) => notify(errorText(error)),
  });

  async function copy(text: string) {
    try {
      await navigator.clipboard.writeText(text);
      notify(t("liveControl.key.copied"));
    } catch {
      notify(t("liveControl.key.copyFailed"));
    }
  }

  return (
    <section aria-labelledby="stream-key-heading" className="padded live-key">
      <h2 id="stream-key-heading">{t("liveControl.key.title")}</h2>
      <p className="muted small">{t("liveControl.key.hint")}</p>
      {key ? (
        <div className="live-key-fields">
          <div className="field">
            <label htmlFor="stream-server">{t("liveControl.key.server")}</label>
            <input id="stream-server" readOnly value={key.server} />
            <button type="button" onClick={() => void copy(key.server)}>
              {t("liveControl.key.copyServer")}
            </button>
          </div>
          <div className="field">
            <label htmlFor="stream-key">{t("liveControl.key.key")}</label>
            <input
              id="stream-key"
              readOnly
              type={revealed ? "text" : "password"}
              value={key.stream_key}
              autoComplete="off"
            />
            <span>
              <button type="button" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
                {revealed ? t("liveControl.key.hide") : t("liveControl.key.reveal")}
              </button>{" "}
              <button type="button" onClick={() => void copy(key.stream_key)}>
                {t("liveControl.key.copyKey")}
              </button>
            </span>
          </div>
        </div>
      ) : (
        <p>{t("liveControl.key.none")}</p>
      )}
      <button type="button" disabled={rotate.isPending} onClick={() => rotate.mutate()}>
        {key ? t("liveControl.key.rotate") : t("liveControl.key.make")}
      </button>
    </section>
  );
}
