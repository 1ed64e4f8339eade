import { useParams, useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { KindResults } from "../search/SearchResults";
import { SEARCH_KINDS, useSearchKind, type SearchKind } from "../search/useSearch";

/** Every result of one kind ("More" under a group), a page at a time. */
export default function SearchKindScreen() {
  const { t } = useTranslation();
  const requested = useParams().kind;
  const kind = SEARCH_KINDS.find((k) => k === requested) ?? "messages";
  const q = useSearchParams()[0].get("q") ?? "";
  return (
    <>
      <TopBar title={t("search.kinds." + kind)} back />
      <KindPages q={q} kind={kind} />
    </>
  );
}

function KindPages({ q, kind }: { q: string; kind: SearchKind }) {
  const { t } = useTranslation();
  const pages = useSearchKind(q, kind);
  if (pages.isPending) return <Loading />;
  if (pages.isError) return <ErrorView error={pages.error} retry={() => void pages.refetch()} />;
  const results = pages.data.pages.flatMap((page) => page.results);
  if (results.length === 0) return <p className="empty">{t("search.nothing")}</p>;
  return (
    <KindResults kind={kind} results={results}>
      {pages.hasNextPage && (
        <button
          type="button"
          className="more"
          disabled={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
        >
          {t("search.loadMore")}
        </button>
      )}
    </KindResults>
  );
}
