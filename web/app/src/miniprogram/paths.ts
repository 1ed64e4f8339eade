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

/** Where a page path (`pages/order?id=3`) lives in the bundle, and its launch options. */
export function resolvePage(launch: Launch, requested: string, scene: string, source: string) {
  const [page = "", query = ""] = requested.split("?", 2);
  const known = launch.pages.includes(page);
  const path = known ? page : launch.entry_page;
  const search = known ? query : "";
  const options: LaunchOptions = {
    path,
    query: Object.fromEntries(new URLSearchParams(search)),
    scene,
    source,
  };
  const src = `${launch.bundle_url}${path}.html${search ? `?${search}` : ""}`;
  return { src, options };
}
