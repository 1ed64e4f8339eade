import { useState } from "react";
import { useTranslation } from "react-i18next";
import { SegmentedFilter } from "../../components/SegmentedFilter";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { formatListTime } from "../../i18n/format";
import { useMe } from "../../screens/useMe";
import { ListAndDetail, useChosenId, type ChoosableList } from "../ListAndDetail";
import { can, useCurrentTeam } from "../useTeams";
import { CannedRepliesEditor } from "./CannedRepliesEditor";
import { ConversationView } from "./ConversationView";
import { useInbox, type Conversation, type InboxStatus } from "./useService";

const FILTERS: InboxStatus[] = ["all", "unclaimed", "mine"];

/**
 * The brand's customer-service inbox: conversations with followers, updated live over the
 * socket; the one chosen (`?c=`) opens beside the list on a wide screen, instead of it on a phone.
 */
export default function ServiceScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const [selected, open] = useChosenId("c");
  const brandId = team?.id ?? 0;
  return (
    <>
      <TopBar title={t("cs.service.title")} />
      {team && can.manage(team.role) && !selected && <CannedRepliesEditor brandId={brandId} />}
      <ListAndDetail
        chosen={selected}
        list={<InboxList brandId={brandId} selected={selected} onOpen={open} />}
        detail={(id) => (
          <ConversationView brandId={brandId} conversationId={id} onClose={() => open(null)} />
        )}
        pick={t("cs.service.pick")}
      />
    </>
  );
}

function InboxList({ brandId, selected, onOpen }: ChoosableList) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<InboxStatus>("all");
  const inbox = useInbox(brandId, status);
  const me = useMe();
  return (
    <section className="cs-list" aria-labelledby="inbox-heading">
      <h2 id="inbox-heading" className="visually-hidden">
        {t("cs.service.inbox")}
      </h2>
      <SegmentedFilter
        label={t("cs.service.filter")}
        options={FILTERS}
        value={status}
        onChange={setStatus}
        name={(filter) => t(`cs.service.filters.${filter}`)}
      />
      {inbox.isPending && <Loading />}
      {inbox.isError && <ErrorView error={inbox.error} retry={() => void inbox.refetch()} />}
      {inbox.data?.length === 0 && <p className="empty">{t("cs.service.empty")}</p>}
      <ul className="list" aria-label={t("cs.service.inbox")}>
        {inbox.data?.map((conversation) => (
          <InboxRow
            key={conversation.id}
            conversation={conversation}
            current={conversation.id === selected}
            myUsername={me.data?.username}
            onOpen={() => onOpen(conversation.id)}
          />
        ))}
      </ul>
    </section>
  );
}

function InboxRow({
  conversation,
  current,
  myUsername,
  onOpen,
}: {
  conversation: Conversation;
  current: boolean;
  myUsername: string | undefined;
  onOpen: () => void;
}) {
  const { t, i18n } = useTranslation();
  const holder = conversation.claimed_by;
  const claim = !holder
    ? t("cs.service.unclaimed")
    : holder === myUsername
      ? t("cs.service.mine")
      : t("cs.service.claimedBy", { username: holder });
  return (
    <li>
      <button
        type="button"
        className={current ? "row cs-row current" : "row cs-row"}
        aria-current={current ? "true" : undefined}
        onClick={onOpen}
      >
        <span className="row-main">
          <span className="row-title">
            {conversation.follower}
            {conversation.awaiting_reply && (
              <span className="cs-badge">{t("cs.service.awaiting")}</span>
            )}
          </span>
          <span className="row-sub">{conversation.last_text ?? ""}</span>
          <span className="row-sub">
            {conversation.account_name} · {claim}
          </span>
        </span>
        <span className="row-time muted small">
          {formatListTime(conversation.last_message_at, i18n.language)}
        </span>
      </button>
    </li>
  );
}
