import { useQuery } from "@tanstack/react-query";
import { api, ok, type Schemas } from "../../api/client";

export type MiniProgram = Schemas["MiniProgramOutput"];
export type Version = Schemas["MpVersionOutput"];

/** Query keys of the developer console, so mutations refresh exactly what they changed. */
export const devKeys = {
  apps: ["workspace", "dev", "apps"] as const,
  app: (appId: string) => ["workspace", "dev", "app", appId] as const,
  versions: (appId: string) => ["workspace", "dev", "app", appId, "versions"] as const,
  testers: (appId: string) => ["workspace", "dev", "app", appId, "testers"] as const,
  sandbox: (appId: string) => ["workspace", "dev", "app", appId, "sandbox"] as const,
  webhooks: (appId: string) => ["workspace", "dev", "app", appId, "webhooks"] as const,
};

/** The mini-programs of one developer organisation (the API lists those of all the caller's). */
export function useOrganisationApps(organisationId: number) {
  return useQuery({
    queryKey: devKeys.apps,
    queryFn: () => ok(api.GET("/api/v1/dev/miniprograms")),
    select: (page) => page.results.filter((app) => app.organisation === organisationId),
  });
}

export function useApp(appId: string) {
  return useQuery({
    queryKey: devKeys.app(appId),
    queryFn: () =>
      ok(api.GET("/api/v1/dev/miniprograms/{app_id}", { params: { path: { app_id: appId } } })),
  });
}

export function useVersions(appId: string) {
  return useQuery({
    queryKey: devKeys.versions(appId),
    queryFn: () =>
      ok(
        api.GET("/api/v1/dev/miniprograms/{app_id}/versions", {
          params: { path: { app_id: appId } },
        }),
      ),
    select: (page) => page.results,
  });
}

/** The version testers open now, if any. */
export function trialVersion(versions: Version[] | undefined): Version | undefined {
  return versions?.find((v) => v.status === "trial");
}

/** What a version's app.json says (the API returns it as free-form JSON). */
export interface Manifest {
  name?: string;
  entry_page?: string;
  pages: string[];
  scopes: string[];
}

export function manifestOf(version: Pick<Version, "manifest">): Manifest {
  const raw = (version.manifest ?? {}) as Record<string, unknown>;
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  return {
    name: typeof raw.name === "string" ? raw.name : undefined,
    entry_page: typeof raw.entry_page === "string" ? raw.entry_page : undefined,
    pages: strings(raw.pages),
    scopes: strings(raw.scopes),
  };
}
