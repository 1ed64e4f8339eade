import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";

/** The id of the item chosen in the address (`?name=`), and how to choose another (or none). */
export function useChosenId(name: string): [number | null, (id: number | null) => void] {
  const [params, setParams] = useSearchParams();
  const chosen = Number(params.get(name)) || null;
  const choose = (id: number | null) => setParams(id ? { [name]: String(id) } : {});
  return [chosen, choose];
}

/** A list, and the item chosen from it beside it on a wide screen (instead of it on a phone);
 * where none is chosen yet, a hint to pick one. */
export function ListAndDetail({
  list,
  detail,
  pick,
}: {
  list: ReactNode;
  detail: ReactNode | null;
  pick: string;
}) {
  return (
    <div className={detail ? "cs-split cs-has-detail" : "cs-split"}>
      {list}
      {detail ?? <p className="empty cs-placeholder">{pick}</p>}
    </div>
  );
}
