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
