import type { Launch } from "./asks";
import type { LaunchOptions } from "./bridge";

/** The mini-program host's route (CONTRACTS.md): `/apps/<app_id>?path=&scene=&from=`. */
export function appPath(
  appId: string,
  { path, scene, from }: { path?: string; scene?: string; from: string },
): string {
  const query = new URLSearchParams({
    ...(path ? { path } : {}),
    ...(scene ? { scene } : {}),
    from,
  });
  return `/apps/${encodeURIComponent(appId)}?${query.toString()}`;
}

/** The page a host route asks for: `path`, with the long link's `query` (`/mp/l/{code}` lands on
 * `?path=pages%2Forder&query=campaign%3Dx`) added as the page's own query. */
export function requestedPage(search: URLSearchParams): string {
  const path = search.get("path") ?? "";
  const query = search.get("query") ?? "";
  if (!query) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${query}`;
}

/** Where a page path (`pages/order?id=3`) lives in the bundle, and its launch options. A path
 * that is not one of the bundle's pages (a storefront's client route, `/products/12`) opens the
 * entry page, and the launch options still carry it for the app's own router. */
export function resolvePage(launch: Launch, requested: string, scene: string, source: string) {
  const [page = "", search = ""] = requested.split("?", 2);
  const known = launch.pages.includes(page);
  const options: LaunchOptions = {
    path: page || launch.entry_page,
    query: Object.fromEntries(new URLSearchParams(search)),
    scene,
    source,
  };
  const file = known ? page : launch.entry_page;
  const src = `${launch.bundle_url}${file}.html${known && search ? `?${search}` : ""}`;
  return { src, options };
}
