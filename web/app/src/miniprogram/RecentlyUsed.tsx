import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { Avatar } from "../components/Status";
import { appPath } from "./paths";

/** The mini-programs this person opened lately (GET /api/v1/me/miniprograms/recent). */
export function RecentlyUsed() {
  const { t } = useTranslation();
  const recent = useQuery({
    queryKey: ["miniprogram", "recent"],
    queryFn: () => ok(api.GET("/api/v1/me/miniprograms/recent")),
  });
  if (!recent.data?.length) return null;
  return (
    <section aria-labelledby="recent-apps" className="search-group">
      <h2 id="recent-apps">{t("host.recent")}</h2>
      <ul className="list host-recent">
        {recent.data.map((app) => (
          <li key={app.app_id}>
            <Link className="row" to={appPath(app.app_id, { from: "recent" })}>
              <Avatar name={app.name} />
              <span className="name">{app.name}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
