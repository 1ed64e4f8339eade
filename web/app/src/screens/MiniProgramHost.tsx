import { useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import * as Menu from "@radix-ui/react-dropdown-menu";
import { useNavigate, useParams, useSearchParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { api, ok, type Schemas } from "../api/client";
import { Avatar, ErrorView } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { AboutSheet } from "../miniprogram/AboutSheet";
import { ConsentSheet } from "../miniprogram/ConsentSheet";
import { PaymentSheet } from "../miniprogram/PaymentSheet";
import { ShareSheet } from "../miniprogram/ShareSheet";
import { SubscribeSheet } from "../miniprogram/SubscribeSheet";
import { cancelled, useAsks, type Ask, type Launch } from "../miniprogram/asks";
import { BridgeError, createBridge, type Params } from "../miniprogram/bridge";
import { requestedPage, resolvePage } from "../miniprogram/paths";

type Source = Schemas["EntrySourceEnum"];
const SOURCES: readonly Source[] = [
  "chat_card",
  "qr",
  "official_account_menu",
  "search",
  "link",
  "recent",
];

function text(params: Params, name: string): string {
  const value = params[name];
  if (typeof value !== "string" || !value) throw new BridgeError("invalid_params", `${name}?`);
  return value;
}

/** `/apps/:appId?path=&scene=&from=`: a mini-program in its sandboxed frame, the capsule, and
 * the sheets it asks for (docs/web.md, "Mini-programs"). */
export default function MiniProgramHostScreen() {
  const { t } = useTranslation();
  const { appId = "" } = useParams();
  const [search] = useSearchParams();
  const requested = requestedPage(search);
  const scene = search.get("scene") ?? "";
  const from = search.get("from") as Source | null;
  const source: Source = from && SOURCES.includes(from) ? from : "link";
  const launch = useQuery({
    queryKey: ["miniprogram", "open", appId, requested, scene, source],
    queryFn: () =>
      ok(
        api.POST("/api/v1/miniprograms/{app_id}/open", {
          params: { path: { app_id: appId } },
          body: {
            source,
            ...(scene ? { scene: scene.slice(0, 64) } : {}),
            ...(requested ? { path: requested.slice(0, 200) } : {}),
          },
        }),
      ),
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  if (launch.isError)
    return (
      <>
        <TopBar title={t("host.title")} back />
        <ErrorView error={launch.error} retry={() => void launch.refetch()} />
      </>
    );
  if (!launch.data) return <LoadingApp name="" />;
  return <HostedApp launch={launch.data} requested={requested} scene={scene} source={source} />;
}

function LoadingApp({ name }: { name: string }) {
  const { t } = useTranslation();
  return (
    <div className="host-loading" role="status" aria-live="polite">
      {name && <Avatar name={name} />}
      <strong>{name}</strong>
      <span className="muted">{t("host.loading")}</span>
    </div>
  );
}

function HostedApp({
  launch,
  requested,
  scene,
  source,
}: {
  launch: Launch;
  requested: string;
  scene: string;
  source: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const frame = useRef<HTMLIFrameElement>(null);
  const [ready, setReady] = useState(false);
  const { ask, show } = useAsks();
  const { src, options } = useMemo(
    () => resolvePage(launch, requested, scene, source),
    [launch, requested, scene, source],
  );

  useEffect(() => {
    const appId = launch.app_id;
    const path = { params: { path: { app_id: appId } } };
    const bridge = createBridge({
      frame: () => frame.current?.contentWindow ?? null,
      bundleOrigin: new URL(launch.bundle_url, window.location.href).origin,
      scopes: launch.scopes,
      launch: options,
      onReady: () => setReady(true),
      handlers: {
        getLaunchOptions: async () => options,
        login: async (params) => {
          const scopes = (params.scopes as string[] | undefined) ?? [];
          const grants = await queryClient.fetchQuery({
            queryKey: ["miniprogram", "grants"],
            queryFn: () => ok(api.GET("/api/v1/me/miniprogram-grants")).then((p) => p.results),
            staleTime: 0,
          });
          const granted = grants.filter((g) => g.app_id === appId).map((g) => g.scope);
          const remembered = granted.length > 0 && scopes.every((s) => granted.includes(s));
          if (!remembered && !(await show("consent", { scopes }))) throw cancelled();
          const body = {
            scopes: scopes as Schemas["MiniProgramConsentScopeEnum"][],
            ...(typeof params.code_challenge === "string"
              ? { code_challenge: params.code_challenge, code_challenge_method: "S256" as const }
              : {}),
            ...(typeof params.nonce === "string" ? { nonce: params.nonce } : {}),
          };
          const answer = await ok(
            api.POST("/api/v1/miniprograms/{app_id}/login", { ...path, body }),
          );
          void queryClient.invalidateQueries({ queryKey: ["miniprogram", "grants"] });
          return { code: answer.code };
        },
        requestPayment: async (params) => {
          const prepayId = text(params, "prepay_id");
          const order = await ok(
            api.GET("/api/v1/pay/orders/{prepay_id}", {
              params: { path: { prepay_id: prepayId } },
            }),
          );
          if (order.app_id !== appId)
            throw new BridgeError("invalid_params", "Not this app's pay order.");
          if (!(await show("payment", { order }))) throw cancelled();
          return { status: "paid" };
        },
        requestSubscribeMessage: async (params) => {
          const ids = Array.isArray(params.templates) ? params.templates : [];
          const templates = launch.subscribe_templates.filter((tpl) => ids.includes(tpl.id));
          if (ids.length === 0 || templates.length !== ids.length)
            throw new BridgeError("invalid_params", "Unknown subscribe template.");
          const standing = await ok(
            api.GET("/api/v1/me/miniprogram-subscriptions", {
              params: { query: { app_id: appId } },
            }),
          );
          const always = standing.map((row) => row.template).filter((id) => ids.includes(id));
          const toAsk = templates.filter((tpl) => !always.includes(tpl.id));
          if (toAsk.length === 0) return { accepted: always, always };
          const choice = await show("subscribe", { templates: toAsk });
          if (choice === null) throw cancelled();
          if (choice.once.length === 0 && choice.always.length === 0)
            return { accepted: always, always };
          const answer = await ok(
            api.POST("/api/v1/miniprograms/{app_id}/subscriptions", {
              ...path,
              body: { templates: choice.once, always: choice.always },
            }),
          );
          void queryClient.invalidateQueries({ queryKey: ["miniprogram-subscriptions"] });
          return {
            accepted: [...always, ...answer.accepted],
            always: [...always, ...answer.always],
          };
        },
        share: async (params) => {
          const card = await ok(
            api.POST("/api/v1/miniprograms/{app_id}/cards", {
              ...path,
              body: {
                title: text(params, "title"),
                page_path: text(params, "page_path"),
                image_url: text(params, "image_url"),
              },
            }),
          );
          const sent = await show("share", {
            card: { title: card.title, path: card.page_path, thumb_url: card.image_url },
          });
          if (!sent) throw cancelled();
          return { shared: true };
        },
      },
    });
    window.addEventListener("message", bridge.handle);
    return () => {
      window.removeEventListener("message", bridge.handle);
      bridge.dispose();
    };
  }, [launch, options, queryClient, show]);

  function close() {
    if (window.history.length > 1) navigate(-1);
    else navigate("/");
  }

  return (
    <div className="host">
      <header className="host-bar">
        <h1>{launch.name}</h1>
        {launch.trial && <span className="host-badge">{t("host.trial")}</span>}
        <div className="host-capsule" role="group" aria-label={t("host.capsule")}>
          <Menu.Root>
            <Menu.Trigger className="icon-button" aria-label={t("host.more")}>
              ⋯
            </Menu.Trigger>
            <Menu.Portal>
              <Menu.Content className="menu" align="end">
                <Menu.Item
                  className="menu-item"
                  onSelect={() =>
                    void show("share", { card: { title: launch.name, path: options.path } })
                  }
                >
                  {t("host.share.action")}
                </Menu.Item>
                <Menu.Item className="menu-item" onSelect={() => void show("about", {})}>
                  {t("host.about.action")}
                </Menu.Item>
              </Menu.Content>
            </Menu.Portal>
          </Menu.Root>
          <button
            type="button"
            className="icon-button"
            aria-label={t("host.close")}
            onClick={close}
          >
            ×
          </button>
        </div>
      </header>
      <div className="host-stage">
        {!ready && <LoadingApp name={launch.name} />}
        <iframe
          ref={frame}
          className={ready ? "host-frame" : "host-frame host-frame-hidden"}
          title={launch.name}
          src={src}
          sandbox="allow-scripts allow-forms allow-popups"
          referrerPolicy="no-referrer"
          onLoad={() => window.setTimeout(() => setReady(true), 5000)}
        />
      </div>
      {ask && <HostSheet ask={ask} launch={launch} />}
    </div>
  );
}

function HostSheet({ ask, launch }: { ask: Ask; launch: Launch }) {
  switch (ask.kind) {
    case "consent":
      return <ConsentSheet appName={launch.name} scopes={ask.scopes} settle={ask.settle} />;
    case "payment":
      return <PaymentSheet merchant={launch.name} order={ask.order} settle={ask.settle} />;
    case "subscribe":
      return <SubscribeSheet appName={launch.name} templates={ask.templates} settle={ask.settle} />;
    case "share":
      return (
        <ShareSheet
          appId={launch.app_id}
          appName={launch.name}
          card={ask.card}
          settle={ask.settle}
        />
      );
    case "about":
      return <AboutSheet launch={launch} settle={ask.settle} />;
  }
}
