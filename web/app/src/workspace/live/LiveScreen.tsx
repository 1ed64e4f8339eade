import { useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { formatDateTime } from "../../i18n/format";
import { useMe } from "../../screens/useMe";
import { can, useCurrentTeam } from "../useTeams";
import { ControlRoom } from "./ControlRoom";
import { ScheduleForm } from "./ScheduleForm";
import { runsRoom, useBrandShows, type Show } from "./useLive";

const STATUSES = ["live", "scheduled", "ended"] as const;

/** The brand's live shows: managers schedule them; managers, hosts and moderators open a show's
 * control room (`?show=<id>`). */
export default function LiveScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const showId = Number(params.get("show")) || null;
  const shows = useBrandShows(team?.id ?? 0);
  if (!team || me.isPending || shows.isPending) return <Loading />;
  if (shows.isError) return <ErrorView error={shows.error} retry={() => void shows.refetch()} />;
  if (me.isError) return <ErrorView error={me.error} retry={() => void me.refetch()} />;
  const manager = can.manage(team.role);
  if (showId !== null) {
    return <ControlRoom showId={showId} back={() => setParams({})} />;
  }
  const mine = shows.data.filter((show) => manager || runsRoom(show, me.data.username));
  const open = (id: number) => setParams({ show: String(id) });
  return (
    <>
      <TopBar title={t("liveControl.title")} />
      {manager ? (
        <ScheduleForm brandId={team.id} me={me.data.username} onScheduled={open} />
      ) : (
        <p className="padded muted">{t("liveControl.hostOnly")}</p>
      )}
      {STATUSES.map((status) => (
        <ShowGroup
          key={status}
          status={status}
          shows={mine.filter((show) => show.status === status)}
          open={open}
        />
      ))}
    </>
  );
}

function ShowGroup({
  status,
  shows,
  open,
}: {
  status: (typeof STATUSES)[number];
  shows: Show[];
  open(id: number): void;
}) {
  const { t, i18n } = useTranslation();
  const heading = `live-shows-${status}`;
  return (
    <section aria-labelledby={heading} className="padded">
      <h2 id={heading}>{t(`liveControl.groups.${status}`)}</h2>
      {shows.length === 0 ? (
        <p className="muted">{t("liveControl.noShows")}</p>
      ) : (
        <ul className="list">
          {shows.map((show) => (
            <li key={show.id}>
              <button
                type="button"
                className="row live-show-row"
                aria-label={t("liveControl.openRoom", { title: show.title })}
                onClick={() => open(show.id)}
              >
                {show.cover_url ? (
                  <img className="product-thumb" src={show.cover_url} alt="" />
                ) : (
                  <span className="product-thumb" aria-hidden="true" />
                )}
                <span className="row-main">
                  <span className="row-title">{show.title}</span>
                  <span className="row-sub">
                    {formatDateTime(show.started_at ?? show.starts_at, i18n.language)} · @
                    {show.host.username}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
