import { Fragment } from "react";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router-dom";

/** The id of the item chosen in the address (`?name=`), and how to choose another (or none). */
export function useChosenId(name: string): [number | null, (id: number | null) => void] {
  const [params, setParams] = useSearchParams();
  const chosen = Number(params.get(name)) || null;
  const choose = (id: number | null) => setParams(id ? { [name]: String(id) } : {});
  return [chosen, choose];
}

/** What a list beside its detail is told: which item is chosen, and how to choose one. */
export interface ChoosableList {
  brandId: number;
  selected: number | null;
  onOpen(id: number): void;
}

/** A list, and the item chosen from it beside it on a wide screen (instead of it on a phone);
 * where none is chosen yet, a hint to pick one. Each item chosen gets a fresh detail. */
export function ListAndDetail({
  chosen,
  list,
  detail,
  pick,
}: {
  chosen: number | null;
  list: ReactNode;
  detail(id: number): ReactNode;
  pick: string;
}) {
  return (
    <div className={chosen ? "cs-split cs-has-detail" : "cs-split"}>
      {list}
      {chosen ? (
        <Fragment key={chosen}>{detail(chosen)}</Fragment>
      ) : (
        <p className="empty cs-placeholder">{pick}</p>
      )}
    </div>
  );
}
