import { useDeferredValue, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../../api/client";
import { SegmentedFilter } from "../../components/SegmentedFilter";
import { ErrorView, Loading } from "../../components/Status";
import { TopBar } from "../../components/TopBar";
import { errorText, useToast } from "../../components/Toast";
import { formatDateTime, formatMoney } from "../../i18n/format";
import { ListAndDetail, useChosenId, type ChoosableList } from "../ListAndDetail";
import { useCurrentTeam } from "../useTeams";
import { ClientPage } from "./ClientPage";
import { dueToday } from "./dueToday";
import { clientKeys, useClientList, useMyCommission, useMyTasks } from "./useClients";

/**
 * Clienteling, made for an associate's phone: my commission, today's follow-ups and my clients
 * (searchable); the client chosen (`?client=`) opens beside the list on a wide screen.
 */
export default function ClientsScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  const [selected, open] = useChosenId("client");
  const brandId = team?.id ?? 0;
  return (
    <>
      <TopBar title={t("cs.clients.title")} />
      <ListAndDetail
        chosen={selected}
        list={
          <div className="cs-list">
            <MyCommission brandId={brandId} />
            <TasksDueToday brandId={brandId} onOpen={open} />
            <ClientList brandId={brandId} selected={selected} onOpen={open} />
          </div>
        }
        detail={(id) => <ClientPage brandId={brandId} clientId={id} onClose={() => open(null)} />}
        pick={t("cs.clients.pick")}
      />
    </>
  );
}

function MyCommission({ brandId }: { brandId: number }) {
  const { t, i18n } = useTranslation();
  const totals = useMyCommission(brandId);
  if (totals.isPending || totals.isError) return null;
  return (
    <section className="cs-card" aria-labelledby="commission-heading">
      <h2 id="commission-heading">{t("cs.clients.commission")}</h2>
      {totals.data.length === 0 ? (
        <p className="muted">{t("cs.clients.noCommission")}</p>
      ) : (
        totals.data.map((total) => (
          <p key={total.currency} className="cs-figure">
            <strong>{formatMoney(total.this_month, total.currency, i18n.language)}</strong>
            <span className="muted small">
              {t("cs.clients.commissionDetail", {
                total: formatMoney(total.amount, total.currency, i18n.language),
                count: total.entries,
              })}
            </span>
          </p>
        ))
      )}
    </section>
  );
}

function TasksDueToday({ brandId, onOpen }: { brandId: number; onOpen: (id: number) => void }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const tasks = useMyTasks(brandId);
  const complete = useMutation({
    mutationFn: (taskId: number) =>
      ok(
        api.POST("/api/v1/loyalty/brands/{brand_id}/tasks/{task_id}/complete", {
          params: { path: { brand_id: brandId, task_id: taskId } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: clientKeys.tasks(brandId) }),
    onError: (error) => notify(errorText(error)),
  });
  const today = dueToday(tasks.data ?? [], new Date());
  return (
    <section className="cs-card" aria-labelledby="tasks-heading">
      <h2 id="tasks-heading">{t("cs.clients.tasksToday")}</h2>
      {tasks.isError && <ErrorView error={tasks.error} retry={() => void tasks.refetch()} />}
      {tasks.isSuccess && today.length === 0 && <p className="muted">{t("cs.clients.noTasks")}</p>}
      <ul className="list">
        {today.map((task) => (
          <li key={task.id} className="row">
            <button
              type="button"
              className="row-main link-button"
              onClick={() => onOpen(task.client_id)}
            >
              <span className="row-title">{task.title}</span>
              <span className="row-sub">
                {task.client.display_name} · {formatDateTime(task.due_at, i18n.language)}
              </span>
            </button>
            <button
              type="button"
              disabled={complete.isPending}
              onClick={() => complete.mutate(task.id)}
              aria-label={t("cs.clients.completeTask", { title: task.title })}
            >
              {t("cs.clients.done")}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function ClientList({ brandId, selected, onOpen }: ChoosableList) {
  const { t } = useTranslation();
  const [mine, setMine] = useState(true);
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const clients = useClientList(brandId, mine, q);
  return (
    <section className="cs-card" aria-labelledby="clients-heading">
      <h2 id="clients-heading">{mine ? t("cs.clients.mine") : t("cs.clients.all")}</h2>
      <SegmentedFilter
        label={t("cs.clients.whose")}
        options={[true, false]}
        value={mine}
        onChange={setMine}
        name={(mine) => (mine ? t("cs.clients.mine") : t("cs.clients.all"))}
      />
      <input
        type="search"
        className="cs-search"
        aria-label={t("cs.clients.search")}
        placeholder={t("cs.clients.search")}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {clients.isPending && <Loading />}
      {clients.isError && <ErrorView error={clients.error} retry={() => void clients.refetch()} />}
      {clients.data?.length === 0 && <p className="muted">{t("cs.clients.none")}</p>}
      <ul className="list" aria-label={t("cs.clients.list")}>
        {clients.data?.map((client) => (
          <li key={client.id}>
            <button
              type="button"
              className={client.id === selected ? "row cs-row current" : "row cs-row"}
              aria-current={client.id === selected ? "true" : undefined}
              onClick={() => onOpen(client.id)}
            >
              <span className="row-main">
                <span className="row-title">{client.user.display_name}</span>
                <span className="row-sub">
                  @{client.user.username}
                  {client.tier && ` · ${client.tier}`}
                  {client.associate &&
                    ` · ${t("cs.clients.withAssociate", { name: client.associate.display_name })}`}
                </span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
