import { useEffect, useRef } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime } from "../../i18n/format";
import { Player } from "../../live/Player";
import { useRoom } from "../../live/useRoom";
import { useMe } from "../../screens/useMe";
import { can, useCurrentTeam } from "../useTeams";
import { DealLauncher } from "./DealLauncher";
import { LiveFigures } from "./LiveFigures";
import { Moderation } from "./Moderation";
import { PinPicker } from "./PinPicker";
import { StreamKey } from "./StreamKey";
import { useShow, type Show } from "./useLive";

/** One show's control room: the stream key, going live and ending, the preview, pins, the flash
 * deal, moderation and the live figures. The room socket is the viewers' own (`useRoom`). */
export function ControlRoom({ showId, back }: { showId: number; back(): void }) {
  const { t } = useTranslation();
  const show = useShow(showId);
  if (show.isPending) return <Loading />;
  if (show.isError) return <ErrorView error={show.error} retry={() => void show.refetch()} />;
  return (
    <>
      <TopBar title={t("liveControl.roomTitle", { title: show.data.title })} />
      <p className="padded">
        <button type="button" onClick={back}>
          {t("liveControl.allShows")}
        </button>
      </p>
      <Room show={show.data} />
    </>
  );
}

function Room({ show }: { show: Show }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const { team } = useCurrentTeam();
  const me = useMe();
  const { room } = useRoom(show.id, show.status !== "ended");
  const video = useRef<HTMLVideoElement>(null);
  const status = room.status ?? show.status;

  useEffect(() => {
    // The room says the show went live or ended (a push starting or stopping): read it again.
    if (room.status && room.status !== show.status) {
      void queryClient.invalidateQueries({ queryKey: ["workspace", "live", "show", show.id] });
      void queryClient.invalidateQueries({ queryKey: ["workspace", "live", "shows"] });
    }
  }, [room.status, show.status, show.id, queryClient]);

  const holdsKey =
    (team !== undefined && can.manage(team.role)) || show.host.username === me.data?.username;
  const playback = status === "live" ? room.playbackUrl || show.playback_url : "";
  return (
    <div className="live-control">
      <section aria-labelledby="live-stage-heading" className="padded live-control-stage">
        <h2 id="live-stage-heading">{t("liveControl.stage")}</h2>
        <p>
          <span className={`live-status live-status-${status}`}>
            {t(`liveControl.status.${status}`)}
          </span>{" "}
          <span className="muted">{formatDateTime(show.starts_at, i18n.language)}</span>
        </p>
        <Lifecycle show={show} status={status} />
        {playback ? (
          <Player
            src={playback}
            title={t("liveControl.preview", { title: show.title })}
            videoRef={video}
          />
        ) : (
          <p className="live-waiting" role="status">
            {status === "ended" ? t("liveControl.ended") : t("liveControl.notLive")}
          </p>
        )}
      </section>
      {holdsKey && !show.stream_url && status !== "ended" && <StreamKey showId={show.id} />}
      {status === "live" && (
        <>
          <PinPicker show={show} pinnedId={room.pinned?.id ?? null} />
          <DealLauncher show={show} room={room} />
        </>
      )}
      <LiveFigures showId={show.id} room={room} live={status === "live"} />
      {status !== "ended" && <Moderation showId={show.id} room={room} />}
    </div>
  );
}

/** Go live by hand (a show on an external stream; a show pushed to Plaza goes live when the
 * push starts) and end the show. */
function Lifecycle({ show, status }: { show: Show; status: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const move = useMutation({
    mutationFn: (to: "start" | "end") =>
      ok(
        to === "start"
          ? api.POST("/api/v1/live/shows/{show_id}/start", {
              params: { path: { show_id: show.id } },
            })
          : api.POST("/api/v1/live/shows/{show_id}/end", {
              params: { path: { show_id: show.id } },
            }),
      ),
    onSuccess: (updated) => {
      queryClient.setQueryData(["workspace", "live", "show", show.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["workspace", "live", "shows"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  if (status === "scheduled") {
    return show.stream_url ? (
      <button
        type="button"
        className="primary"
        disabled={move.isPending}
        onClick={() => move.mutate("start")}
      >
        {t("liveControl.goLive")}
      </button>
    ) : (
      <p className="muted">{t("liveControl.goesLiveWithPush")}</p>
    );
  }
  if (status === "live") {
    return (
      <button
        type="button"
        className="danger"
        disabled={move.isPending}
        onClick={() => move.mutate("end")}
      >
        {t("liveControl.end")}
      </button>
    );
  }
  return null;
}
