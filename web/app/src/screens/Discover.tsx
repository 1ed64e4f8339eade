import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { RecentlyUsed } from "../miniprogram/RecentlyUsed";
import { KindResults, SearchBox } from "../search/SearchResults";
import { useDiscover } from "../search/useSearch";

export default function DiscoverScreen() {
  const { t } = useTranslation();
  return (
    <>
      <TopBar title={t("tabs.discover")} />
      <SearchBox>
        <ul className="list">
          <li>
            <Link className="row" to="/moments">
              {t("moments.title")}
            </Link>
          </li>
          <li>
            <Link className="row" to="/accounts">
              {t("official.title")}
            </Link>
          </li>
          <li>
            <Link className="row" to="/live">
              {t("live.entry")}
            </Link>
          </li>
        </ul>
        <RecentlyUsed />
        <Featured />
      </SearchBox>
    </>
  );
}

/** Featured official accounts, mini-programs and live shows (GET /api/v1/discover). */
function Featured() {
  const discover = useDiscover();
  if (discover.isPending) return <Loading />;
  if (discover.isError)
    return <ErrorView error={discover.error} retry={() => void discover.refetch()} />;
  const { official_accounts, miniprograms, live_shows } = discover.data;
  return (
    <>
      {official_accounts.length > 0 && (
        <KindResults kind="official_accounts" results={official_accounts} />
      )}
      {miniprograms.length > 0 && <KindResults kind="miniprograms" results={miniprograms} />}
      {live_shows.length > 0 && <KindResults kind="live_shows" results={live_shows} />}
    </>
  );
}
