import { useCallback, useRef, useState } from "react";
import type { Schemas } from "../api/client";
import { BridgeError } from "./bridge";

export type Launch = Schemas["MpLaunchOutput"];
export type PayOrder = Schemas["PayOrderOutput"];
export type Template = Schemas["MpSubscribeTemplateOutput"];

/** What the person chose in the subscribe sheet: templates allowed one message, and allowed
 * every message until turned off. */
export interface SubscribeChoice {
  once: string[];
  always: string[];
}

/** What a mini-program shares: a chat card (messaging's `miniprogram` payload). */
export interface Card {
  title: string;
  path: string;
  thumb_url?: string;
}

/** A sheet the host shows on a mini-program's behalf; `settle` answers it exactly once
 * (`null` / `false`: the person closed it). */
export type Ask =
  | { kind: "consent"; scopes: string[]; settle(allowed: boolean): void }
  | { kind: "payment"; order: PayOrder; settle(paid: boolean): void }
  | { kind: "subscribe"; templates: Template[]; settle(choice: SubscribeChoice | null): void }
  | { kind: "share"; card: Card; settle(sent: boolean): void }
  | { kind: "about"; settle(closed: boolean): void };

type Settled<K extends Ask["kind"]> = Parameters<Extract<Ask, { kind: K }>["settle"]>[0];
type Details<K extends Ask["kind"]> = Omit<Extract<Ask, { kind: K }>, "kind" | "settle">;

/** One sheet at a time: `show` opens one and resolves with what the person chose. */
export function useAsks() {
  const [ask, setAsk] = useState<Ask | null>(null);
  const current = useRef<Ask | null>(null);

  const show = useCallback(
    <K extends Ask["kind"]>(kind: K, details: Details<K>): Promise<Settled<K>> => {
      if (current.current !== null)
        return Promise.reject(new BridgeError("host_busy", "Another sheet is open."));
      return new Promise<Settled<K>>((resolve) => {
        let done = false;
        const settle = (value: Settled<K>) => {
          if (done) return;
          done = true;
          current.current = null;
          setAsk(null);
          resolve(value);
        };
        const next = { kind, ...details, settle } as unknown as Ask;
        current.current = next;
        setAsk(next);
      });
    },
    [],
  );

  return { ask, show };
}

/** A closed sheet, as the bundle sees it. */
export function cancelled(): BridgeError {
  return new BridgeError("user_cancelled", "The person closed the sheet.");
}
