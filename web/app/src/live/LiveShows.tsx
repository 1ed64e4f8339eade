import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../api/client";
import { ErrorView, Loading } from "../components/Status";
import { errorText, useToast } from "../components/Toast";
import { TopBar } from "../components/TopBar";
import { formatDateTime } from "../i18n/format";

type Section = "live" | "upcoming" | "replays";
type Show = Schemas["LiveShowOutput"];

/** `/live`: shows live now, upcoming ones and replays (GET /api/v1/live/shows?section=…). */
export default function LiveShowsScreen() {
  const { t } = useTranslation();
  return (
    <>
      <TopBar title={t("live.title")} back />
      <ShowSection section="live" />
      <ShowSection section="upcoming" />
      <ShowSection section="replays" />
    </>
  );
}

function ShowSection({ section }: { section: Section }) {
  const { t } = useTranslation();
  const shows = useQuery({
    queryKey: ["live", "shows", section],
    queryFn: () =>
      ok(api.GET("/api/v1/live/shows", { params: { query: { section, limit: 20 } } })).then(
        (page) => page.results,
      ),
    refetchInterval: section === "replays" ? false : 15_000,
  });
  const heading = `live-${section}`;
  return (
    <section className="live-section" aria-labelledby={heading}>
      <h2 id={heading}>{t(`live.sections.${section}`)}</h2>
      {shows.isPending ? (
        <Loading />
      ) : shows.isError ? (
        <ErrorView error={shows.error} retry={() => void shows.refetch()} />
      ) : shows.data.length === 0 ? (
        <p className="empty">{t(`live.none.${section}`)}</p>
      ) : (
        <ul className="list">
          {shows.data.map((show) => (
            <ShowRow key={show.id} show={show} section={section} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ShowRow({ show, section }: { show: Show; section: Section }) {
  const { t, i18n } = useTranslation();
  const brand = String(show.brand.name ?? "");
  const when =
    section === "upcoming" ? show.starts_at : section === "live" ? show.started_at : show.ended_at;
  return (
    <li className="live-show">
      <Link className="row" to={`/live/${show.id}`}>
        {show.cover_url ? (
          <img className="live-cover" src={show.cover_url} alt="" width={64} height={64} />
        ) : (
          <span className="live-cover" aria-hidden="true" />
        )}
        <span className="row-main">
          <span className="name">{show.title}</span>
          <span className="row-sub muted">
            {section === "live" && <span className="live-badge">{t("live.liveBadge")} </span>}
            {brand}
            {when && (
              <>
                {" · "}
                <time dateTime={when}>{formatDateTime(when, i18n.language)}</time>
              </>
            )}
          </span>
        </span>
      </Link>
      {section === "upcoming" && <RemindMe show={show} brand={brand} />}
    </li>
  );
}

const REMINDERS = ["live", "reminders"];

/** "Remind me": told (an event on every device) when this show goes live. */
function RemindMe({ show, brand }: { show: Show; brand: string }) {
  const { t } = useTranslation();
  const notify = useToast();
  const queryClient = useQueryClient();
  const reminders = useQuery({
    queryKey: REMINDERS,
    queryFn: () => ok(api.GET("/api/v1/live/reminders")).then((r) => r.show_ids),
  });
  const reminded = reminders.data?.includes(show.id) ?? false;
  const toggle = useMutation({
    mutationFn: () => {
      const params = { params: { path: { show_id: show.id } } };
      return reminded
        ? ok(api.DELETE("/api/v1/live/shows/{show_id}/reminder", params))
        : ok(api.PUT("/api/v1/live/shows/{show_id}/reminder", params));
    },
    onSuccess: () => {
      notify(reminded ? t("live.reminderOff") : t("live.reminderOn", { brand }));
      return queryClient.invalidateQueries({ queryKey: REMINDERS });
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <button
      type="button"
      className="live-remind"
      aria-pressed={reminded}
      aria-label={t("live.remindMeOf", { title: show.title })}
      disabled={reminders.isPending || toggle.isPending}
      onClick={() => toggle.mutate()}
    >
      {reminded ? t("live.reminded") : t("live.remindMe")}
    </button>
  );
}
