import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { loadConfig, signIn, storefrontApi } from "./api";
import { parseRoute, type Route } from "./route";
import { sdk, sdkErrorCode } from "./sdk";
import { StoreContext, type Store } from "./store";
import { TopBar } from "./pages/TopBar";
import { HomePage } from "./pages/HomePage";
import { ProductPage } from "./pages/ProductPage";
import { CartPage } from "./pages/CartPage";
import { OrdersPage } from "./pages/OrdersPage";
import { OrderPage } from "./pages/OrderPage";
import { TeamPage } from "./pages/TeamPage";
import { ShopAccent } from "./pages/Branding";

type Session = Omit<Store, "route" | "go"> & { start: Route };

async function open(): Promise<Session> {
  const [config, launch] = await Promise.all([loadConfig(), sdk().getLaunchOptions()]);
  const token = await signIn(config);
  return { config, api: storefrontApi(config, token), start: parseRoute(launch.path) };
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case "product":
      return <ProductPage productId={route.id} />;
    case "cart":
      return <CartPage />;
    case "orders":
      return <OrdersPage />;
    case "order":
      return <OrderPage orderId={route.id} />;
    case "team":
      return <TeamPage teamId={route.id} />;
    default:
      return <HomePage />;
  }
}

export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [route, setRoute] = useState<Route | null>(null);

  const start = useCallback(() => {
    setFailure(null);
    open().then(
      (opened) => {
        setSession(opened);
        setRoute(opened.start);
      },
      (error: unknown) => setFailure(sdkErrorCode(error)),
    );
  }, []);
  useEffect(start, [start]);

  const go = useCallback((next: Route) => {
    setRoute(next);
    window.scrollTo(0, 0);
  }, []);

  if (failure)
    return (
      <main className="sf-center" role="alert">
        <p>{t("signInFailed")}</p>
        <p className="sf-muted">{failure}</p>
        <button type="button" onClick={start}>
          {t("retry")}
        </button>
      </main>
    );
  if (!session || !route)
    return (
      <main className="sf-center" aria-busy="true">
        <p>{t("signingIn")}</p>
      </main>
    );
  return (
    <StoreContext.Provider value={{ ...session, route, go }}>
      <ShopAccent />
      <TopBar />
      <main className="sf-page">
        <Page route={route} />
      </main>
    </StoreContext.Provider>
  );
}
