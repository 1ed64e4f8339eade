import { useState } from "react";
import type { ChangeEvent, DragEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../../api/client";
import { errorText, useToast } from "../../components/Toast";

type Import = Schemas["CatalogueImportOutput"];

const POLL_MS = 1000;

/** Drop a catalogue CSV: the import runs on the server; its progress and refused rows show here. */
export function CatalogueImport({ shopId }: { shopId: number }) {
  const { t } = useTranslation();
  const notify = useToast();
  const [importId, setImportId] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const start = useMutation({
    mutationFn: (file: File) =>
      ok(
        api.POST("/api/v1/shops/{shop_id}/catalogue/imports", {
          params: { path: { shop_id: shopId } },
          body: { file: file as unknown as string },
          bodySerializer: () => {
            const form = new FormData();
            form.append("file", file);
            return form;
          },
        }),
      ),
    onSuccess: (job) => setImportId(job.id),
    onError: (error) => notify(errorText(error)),
  });
  function choose(file: File | undefined) {
    if (file) start.mutate(file);
  }
  function drop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    choose(event.dataTransfer.files[0]);
  }
  function pick(event: ChangeEvent<HTMLInputElement>) {
    choose(event.target.files?.[0]);
    event.target.value = "";
  }
  return (
    <section aria-labelledby="import-heading" className="padded">
      <h2 id="import-heading">{t("shopDesk.import.title")}</h2>
      <p className="muted">{t("shopDesk.import.hint")}</p>
      <label
        className={dragging ? "drop-zone dragging" : "drop-zone"}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        {t("shopDesk.import.drop")}
        <input type="file" accept=".csv,text/csv" onChange={pick} />
      </label>
      {importId !== null && <ImportProgress shopId={shopId} importId={importId} />}
    </section>
  );
}

function ImportProgress({ shopId, importId }: { shopId: number; importId: number }) {
  const queryClient = useQueryClient();
  const job = useQuery({
    queryKey: ["workspace", "import", shopId, importId],
    queryFn: async () => {
      const answer = await ok(
        api.GET("/api/v1/shops/{shop_id}/catalogue/imports/{import_id}", {
          params: { path: { shop_id: shopId, import_id: importId } },
        }),
      );
      if (answer.status === "done")
        void queryClient.invalidateQueries({ queryKey: ["workspace", "products", shopId] });
      return answer;
    },
    refetchInterval: (query) => (query.state.data?.status === "done" ? false : POLL_MS),
  });
  if (!job.data) return null;
  return <ImportReport job={job.data} />;
}

function ImportReport({ job }: { job: Import }) {
  const { t } = useTranslation();
  const processed = job.processed ?? 0;
  const done = job.status === "done";
  return (
    <div className="stack" aria-live="polite">
      <progress
        className="import-progress"
        max={Math.max(job.total, 1)}
        value={done && job.total === 0 ? 1 : processed}
        aria-label={t("shopDesk.import.progress")}
      />
      <p>
        {done
          ? t("shopDesk.import.done", {
              created: job.created ?? 0,
              updated: job.updated ?? 0,
              rejected: job.rejected.length,
            })
          : t("shopDesk.import.running", { processed, total: job.total })}
      </p>
      {job.rejected.length > 0 && (
        <section aria-labelledby="rejected-heading">
          <h3 id="rejected-heading">{t("shopDesk.import.rejected")}</h3>
          <ul className="list">
            {job.rejected.map((row) => (
              <li key={row.row} className="row">
                <span className="row-main">
                  <span className="row-title">{t("shopDesk.import.row", { row: row.row })}</span>
                  <span className="row-sub">
                    {Object.entries(row.fields)
                      .map(([column, reasons]) => `${column}: ${reasons.join(" ")}`)
                      .join(" · ")}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
