import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { api, ok, type Schemas } from "../api/client";

export type Team = Schemas["WorkspaceTeamOutput"];
export type TeamKind = Team["kind"];
export type Role = Team["role"];

/** The brands and developer organisations the signed-in person belongs to, with their role. */
export function useTeams() {
  return useQuery({
    queryKey: ["teams"],
    queryFn: () => ok(api.GET("/api/v1/teams")),
    select: (page) => page.results,
  });
}

/** The team named by the route (`/workspace/:kind/:teamId/…`), once the teams are loaded. */
export function useCurrentTeam(): { team: Team | undefined; isPending: boolean } {
  const { kind, teamId } = useParams();
  const teams = useTeams();
  const team = teams.data?.find((t) => t.kind === kind && String(t.id) === teamId);
  return { team, isPending: teams.isPending };
}

/** What a role may see and do: the API decides, the app only hides what would be refused. */
export const can = {
  manage: (role: Role) => role === "owner" || role === "admin",
  own: (role: Role) => role === "owner",
};

/** The invitations waiting for the signed-in person's answer. */
export function useMyInvitations() {
  return useQuery({
    queryKey: ["invitations"],
    queryFn: () => ok(api.GET("/api/v1/invitations")),
    select: (page) => page.results,
  });
}
