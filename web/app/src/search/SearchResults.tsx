import type { ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { Avatar, ErrorView, Loading } from "../components/Status";
import { useOpenDirectChat } from "../screens/useChat";
import { segments, type HighlightedText } from "./highlight";
import {
  searchable,
  useDebounced,
  useSearchGroups,
  type SearchKind,
  type SearchResult,
} from "./useSearch";

/** Text with the server's highlight offsets as <mark>: React escapes every run. */
export function Highlighted({ value }: { value: HighlightedText }) {
  return (
    <>
      {segments(value).map((segment, index) =>
        segment.marked ? <mark key={index}>{segment.text}</mark> : segment.text,
      )}
    </>
  );
}

/** Where a result opens in the app; null for what only the mini-program host opens. */
export function resultPath(result: SearchResult): string | null {
  const open = result.open;
  switch (result.kind) {
    case "conversations":
      return `/chats/${Number(open.conversation_id)}`;
    case "messages":
      return `/chats/${Number(open.conversation_id)}?seq=${Number(open.seq)}`;
    case "official_accounts":
      return `/accounts/${Number(open.account_id)}`;
    case "articles":
      return `/accounts/${Number(open.account_id)}#article-${Number(open.article_id)}`;
    case "live_shows":
      return `/live/${Number(open.show_id)}`;
    default:
      return null;
  }
}

function ResultText({ result }: { result: SearchResult }) {
  return (
    <span className="row-main">
      <span className="name">
        <Highlighted value={result.title} />
      </span>
      {result.snippet && (
        <span className="row-sub muted">
          <Highlighted value={result.snippet} />
        </span>
      )}
    </span>
  );
}

export function ResultRow({ result }: { result: SearchResult }) {
  const { t } = useTranslation();
  const openChat = useOpenDirectChat();
  const path = resultPath(result);
  if (path) {
    return (
      <li>
        <Link className="row" to={path}>
          <Avatar name={result.title.text} />
          <ResultText result={result} />
        </Link>
      </li>
    );
  }
  if (result.kind === "contacts" || result.kind === "people") {
    return (
      <li>
        <button
          type="button"
          className="row"
          onClick={() => void openChat(String(result.open.username))}
        >
          <Avatar name={result.title.text} />
          <ResultText result={result} />
        </button>
      </li>
    );
  }
  return (
    <li className="row">
      <Avatar name={result.title.text} />
      <span className="row-main">
        <ResultText result={result} />
        <span className="muted small">{t("search.opensInHost")}</span>
      </span>
    </li>
  );
}

export function KindResults({
  kind,
  results,
  children,
}: {
  kind: SearchKind;
  results: SearchResult[];
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const headingId = `search-${kind}`;
  return (
    <section aria-labelledby={headingId} className="search-group">
      <h2 id={headingId}>{t(`search.kinds.${kind}`)}</h2>
      <ul className="list" aria-labelledby={headingId}>
        {results.map((result) => (
          <ResultRow key={`${result.kind}-${result.id}`} result={result} />
        ))}
      </ul>
      {children}
    </section>
  );
}

function SuggestionGroups({ q }: { q: string }) {
  const { t } = useTranslation();
  const groups = useSearchGroups(q);
  if (groups.isPending) return <Loading />;
  if (groups.isError) return <ErrorView error={groups.error} retry={() => void groups.refetch()} />;
  if (groups.data.length === 0) return <p className="empty">{t("search.nothing")}</p>;
  return (
    <div aria-label={t("search.results")} role="region" aria-busy={groups.isFetching}>
      {groups.data.map((group) => (
        <KindResults key={group.kind} kind={group.kind} results={group.results}>
          {group.more && (
            <Link className="more" to={`/search/${group.kind}?q=${encodeURIComponent(q)}`}>
              {t("search.more", { kind: t(`search.kinds.${group.kind}`) })}
            </Link>
          )}
        </KindResults>
      ))}
    </div>
  );
}

/** The search box of the Chats and Discover screens: while it holds a query, the screen's own
 * content gives way to the results. The query lives in the URL (`?q=`), so Back returns to it. */
export function SearchBox({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const typed = params.get("q") ?? "";
  const q = useDebounced(typed.trim());
  return (
    <>
      <form role="search" className="search-box" onSubmit={(event) => event.preventDefault()}>
        <input
          type="search"
          aria-label={t("search.label")}
          placeholder={t("search.placeholder")}
          value={typed}
          onChange={(event) =>
            setParams(event.target.value ? { q: event.target.value } : {}, { replace: true })
          }
        />
      </form>
      {typed.trim() === "" ? children : searchable(q) ? <SuggestionGroups q={q} /> : null}
    </>
  );
}
