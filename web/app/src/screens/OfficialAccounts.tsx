import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { ErrorView, Loading, Avatar } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { formatDateTime } from "../i18n/format";

export default function OfficialAccountsScreen() {
  const { t, i18n } = useTranslation();
  const accounts = useQuery({
    queryKey: ["official", "accounts", "discover"],
    queryFn: () =>
      ok(api.GET("/api/v1/official-accounts", { params: { query: { discover: true } } })).then(
        (p) => p.results,
      ),
  });
  const feed = useQuery({
    queryKey: ["official", "feed"],
    queryFn: () => ok(api.GET("/api/v1/official-accounts/feed")).then((p) => p.results),
  });
  return (
    <>
      <TopBar title={t("official.title")} back />
      <section aria-labelledby="feed-heading">
        <h2 id="feed-heading">{t("official.subscriptions")}</h2>
        {feed.isPending ? (
          <Loading />
        ) : feed.isError ? (
          <ErrorView error={feed.error} retry={() => void feed.refetch()} />
        ) : feed.data.length === 0 ? (
          <p className="empty">{t("official.noBroadcasts")}</p>
        ) : (
          <ul className="list">
            {feed.data.map((broadcast) => (
              <li key={broadcast.id} className="broadcast">
                <article aria-label={broadcast.title}>
                  <p className="muted small">
                    {broadcast.account_name} ·{" "}
                    <time dateTime={broadcast.created_at}>
                      {formatDateTime(broadcast.created_at, i18n.language)}
                    </time>
                  </p>
                  <h3>{broadcast.title}</h3>
                  <p>{broadcast.body}</p>
                  {broadcast.article && (
                    <Link to={`/accounts/${broadcast.account}#article-${broadcast.article}`}>
                      {t("official.readArticle")}
                    </Link>
                  )}
                </article>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">{t("official.all")}</h2>
        {accounts.isPending ? (
          <Loading />
        ) : accounts.isError ? (
          <ErrorView error={accounts.error} retry={() => void accounts.refetch()} />
        ) : (
          <ul className="list">
            {accounts.data.map((account) => (
              <li key={account.id}>
                <Link className="row" to={`/accounts/${account.id}`}>
                  <Avatar name={account.name} />
                  <span className="row-main">
                    <span className="name">{account.name}</span>
                    <span className="muted small">{account.description}</span>
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
