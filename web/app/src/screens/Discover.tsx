import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { TopBar } from "../components/TopBar";

export default function DiscoverScreen() {
  const { t } = useTranslation();
  return (
    <>
      <TopBar title={t("tabs.discover")} />
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
      </ul>
    </>
  );
}
