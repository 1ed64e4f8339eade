import { Link } from "react-router-dom";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { errorText, useToast } from "../components/Toast";
import { ReviewEntry } from "./developer/NewOrganisation";
import { useMyInvitations, useTeams } from "./useTeams";

/** On Me: the way into the workspace (its teams, or to start a developer organisation), and
 * for platform staff the review queue. */
export function WorkspaceEntry() {
  const { t } = useTranslation();
  const teams = useTeams();
  if (!teams.data) return null;
  return (
    <>
      <ul className="list">
        <li>
          <Link className="row" to="/workspace">
            <span className="row-main">
              <span className="row-title">{t("workspace.open")}</span>
              <span className="row-sub">
                {teams.data.length
                  ? teams.data.map((team) => team.name).join(" · ")
                  : t("developer.organisation.start")}
              </span>
            </span>
          </Link>
        </li>
      </ul>
      <ReviewEntry />
    </>
  );
}

/** On Me: invitations to join a team, each accepted or declined by the person invited. */
export function InvitationsForMe() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const invitations = useMyInvitations();
  const answer = useMutation({
    mutationFn: ({ id, accept }: { id: number; accept: boolean }) =>
      ok(
        accept
          ? api.POST("/api/v1/invitations/{invitation_id}/accept", {
              params: { path: { invitation_id: id } },
            })
          : api.POST("/api/v1/invitations/{invitation_id}/decline", {
              params: { path: { invitation_id: id } },
            }),
      ),
    onSuccess: (invitation) => {
      notify(
        t(
          invitation.status === "accepted"
            ? "workspace.invitation.joined"
            : "workspace.invitation.declined",
          {
            name: invitation.team_name,
          },
        ),
      );
      void queryClient.invalidateQueries({ queryKey: ["invitations"] });
      void queryClient.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  if (!invitations.data?.length) return null;
  return (
    <section aria-labelledby="invitations-for-me" className="padded">
      <h2 id="invitations-for-me">{t("workspace.invitation.title")}</h2>
      <ul className="list">
        {invitations.data.map((invitation) => (
          <li key={invitation.id} className="row">
            <span className="row-main">
              <span className="row-title">
                {t("workspace.invitation.text", {
                  inviter: invitation.invited_by ?? "—",
                  name: invitation.team_name,
                  role: t(`workspace.roles.${invitation.role}`),
                })}
              </span>
            </span>
            <span className="inline-form">
              <button
                type="button"
                disabled={answer.isPending}
                aria-label={t("workspace.invitation.accept", { name: invitation.team_name })}
                onClick={() => answer.mutate({ id: invitation.id, accept: true })}
              >
                {t("workspace.invitation.acceptShort")}
              </button>
              <button
                type="button"
                disabled={answer.isPending}
                aria-label={t("workspace.invitation.decline", { name: invitation.team_name })}
                onClick={() => answer.mutate({ id: invitation.id, accept: false })}
              >
                {t("workspace.invitation.declineShort")}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
