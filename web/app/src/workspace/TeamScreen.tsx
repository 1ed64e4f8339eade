import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, ok } from "../api/client";
import { fieldError } from "../api/errors";
import { FormSection, SelectField, TextField } from "../components/Form";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { errorText, useToast } from "../components/Toast";
import { formatDateTime } from "../i18n/format";
import { can, useCurrentTeam, type Role, type Team } from "./useTeams";

type InvitableRole = Exclude<Role, "owner">;

const ROLES: Record<Team["kind"], Role[]> = {
  brand: ["owner", "admin", "associate"],
  organisation: ["owner", "admin", "developer"],
};

function teamPath(team: Team) {
  return { kind: team.kind, team_id: team.id } as const;
}

/** Members and roles for everyone; invitations for owners and admins; the log for owners. */
export function TeamScreen() {
  const { t } = useTranslation();
  const { team } = useCurrentTeam();
  if (!team) return <Loading />;
  return (
    <>
      <TopBar title={t("workspace.team.title", { name: team.name })} />
      <Members team={team} />
      {can.manage(team.role) && <Invite team={team} />}
      {can.manage(team.role) && <Invitations team={team} />}
      {can.own(team.role) && <AuditLog team={team} />}
      {!can.own(team.role) && <Leave team={team} />}
    </>
  );
}

function useMembers(team: Team) {
  return useQuery({
    queryKey: ["team", team.kind, team.id, "members"],
    queryFn: () =>
      ok(api.GET("/api/v1/teams/{kind}/{team_id}/members", { params: { path: teamPath(team) } })),
    select: (page) => page.results,
  });
}

function Members({ team }: { team: Team }) {
  const { t } = useTranslation();
  const members = useMembers(team);
  return (
    <section aria-labelledby="members-heading" className="padded">
      <h2 id="members-heading">{t("workspace.team.members")}</h2>
      {members.isPending && <Loading />}
      {members.isError && <ErrorView error={members.error} retry={() => void members.refetch()} />}
      <ul className="list">
        {members.data?.map((member) => (
          <li key={member.user_id} className="row">
            <span className="row-main">
              <span className="row-title">{member.display_name || member.username}</span>
              <span className="row-sub">@{member.username}</span>
            </span>
            {can.own(team.role) && member.role !== "owner" ? (
              <MemberControls team={team} member={member} />
            ) : (
              <span className="badge-role">{t(`workspace.roles.${member.role}`)}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function MemberControls({
  team,
  member,
}: {
  team: Team;
  member: { user_id: number; username: string; role: Role };
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const path = { ...teamPath(team), user_id: member.user_id };
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["team", team.kind, team.id] });
  const changeRole = useMutation({
    mutationFn: (role: Role) =>
      ok(
        api.PATCH("/api/v1/teams/{kind}/{team_id}/members/{user_id}", {
          params: { path },
          body: { role },
        }),
      ),
    onSuccess: () => {
      notify(t("workspace.team.roleChanged", { username: member.username }));
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ["teams"] });
    },
    onError: (error) => notify(errorText(error)),
  });
  const remove = useMutation({
    mutationFn: () =>
      ok(api.DELETE("/api/v1/teams/{kind}/{team_id}/members/{user_id}", { params: { path } })),
    onSuccess: () => void refresh(),
    onError: (error) => notify(errorText(error)),
  });
  return (
    <span className="inline-form">
      <label className="visually-hidden" htmlFor={`role-${member.user_id}`}>
        {t("workspace.team.roleOf", { username: member.username })}
      </label>
      <select
        id={`role-${member.user_id}`}
        value={member.role}
        disabled={changeRole.isPending}
        onChange={(e) => changeRole.mutate(e.target.value as Role)}
      >
        {ROLES[team.kind].map((role) => (
          <option key={role} value={role}>
            {t(`workspace.roles.${role}`)}
          </option>
        ))}
      </select>
      <button
        type="button"
        disabled={remove.isPending}
        aria-label={t("workspace.team.remove", { username: member.username })}
        onClick={() => remove.mutate()}
      >
        {t("workspace.team.removeShort")}
      </button>
    </span>
  );
}

function Invite({ team }: { team: Team }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const roles = ROLES[team.kind].filter((role): role is InvitableRole => role !== "owner");
  const [form, setForm] = useState<{ username: string; role: InvitableRole }>({
    username: "",
    role: team.kind === "brand" ? "associate" : "developer",
  });
  const send = useMutation({
    mutationFn: () =>
      ok(
        api.POST("/api/v1/teams/{kind}/{team_id}/invitations", {
          params: { path: teamPath(team) },
          body: form,
        }),
      ),
    onSuccess: () => {
      notify(t("workspace.team.invited", { username: form.username }));
      setForm({ ...form, username: "" });
      void queryClient.invalidateQueries({ queryKey: ["team", team.kind, team.id] });
    },
    onError: (error) => {
      if (!fieldError(error, "username") && !fieldError(error, "role")) notify(errorText(error));
    },
  });
  return (
    <FormSection id="invite" title={t("workspace.team.invite")} onSubmit={() => send.mutate()}>
      <TextField
        id="invite-username"
        label={t("auth.username")}
        required
        autoComplete="off"
        value={form.username}
        onChange={(username) => setForm({ ...form, username })}
        error={fieldError(send.error, "username")}
      />
      <SelectField
        id="invite-role"
        label={t("workspace.team.role")}
        value={form.role}
        onChange={(role) => setForm({ ...form, role: role as InvitableRole })}
      >
        {roles.map((role) => (
          <option key={role} value={role}>
            {t(`workspace.roles.${role}`)}
          </option>
        ))}
      </SelectField>
      <button type="submit" disabled={send.isPending}>
        {t("workspace.team.sendInvitation")}
      </button>
    </FormSection>
  );
}

function Invitations({ team }: { team: Team }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const notify = useToast();
  const invitations = useQuery({
    queryKey: ["team", team.kind, team.id, "invitations"],
    queryFn: () =>
      ok(
        api.GET("/api/v1/teams/{kind}/{team_id}/invitations", { params: { path: teamPath(team) } }),
      ),
    select: (page) => page.results,
  });
  const revoke = useMutation({
    mutationFn: (invitation_id: number) =>
      ok(
        api.DELETE("/api/v1/teams/{kind}/{team_id}/invitations/{invitation_id}", {
          params: { path: { ...teamPath(team), invitation_id } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["team", team.kind, team.id] }),
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section aria-labelledby="invitations-heading" className="padded">
      <h2 id="invitations-heading">{t("workspace.team.invitations")}</h2>
      {invitations.isError && (
        <ErrorView error={invitations.error} retry={() => void invitations.refetch()} />
      )}
      {invitations.data?.length === 0 && (
        <p className="muted">{t("workspace.team.noInvitations")}</p>
      )}
      <ul className="list">
        {invitations.data?.map((invitation) => (
          <li key={invitation.id} className="row">
            <span className="row-main">
              <span className="row-title">
                @{invitation.invitee} · {t(`workspace.roles.${invitation.role}`)}
              </span>
              <span className="row-sub">
                {t(`workspace.status.${invitation.status}`)} ·{" "}
                {formatDateTime(invitation.created_at, i18n.language)}
              </span>
            </span>
            {invitation.status === "pending" && (
              <button
                type="button"
                aria-label={t("workspace.team.revoke", { username: invitation.invitee })}
                onClick={() => revoke.mutate(invitation.id)}
              >
                {t("workspace.team.revokeShort")}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function AuditLog({ team }: { team: Team }) {
  const { t, i18n } = useTranslation();
  const log = useQuery({
    queryKey: ["team", team.kind, team.id, "audit-log"],
    queryFn: () =>
      ok(api.GET("/api/v1/teams/{kind}/{team_id}/audit-log", { params: { path: teamPath(team) } })),
    select: (page) => page.results,
  });
  return (
    <section aria-labelledby="audit-heading" className="padded">
      <h2 id="audit-heading">{t("workspace.team.auditLog")}</h2>
      {log.isError && <ErrorView error={log.error} retry={() => void log.refetch()} />}
      <ol className="list">
        {log.data?.map((entry) => (
          <li key={entry.id} className="row">
            <span className="row-main">
              <span className="row-title">
                {t(`workspace.audit.${entry.action}`, {
                  defaultValue: entry.action,
                  actor: entry.actor ?? "—",
                  target: entry.target,
                })}
              </span>
              <span className="row-sub">{formatDateTime(entry.created_at, i18n.language)}</span>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Leave({ team }: { team: Team }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const notify = useToast();
  const leave = useMutation({
    mutationFn: () =>
      ok(api.POST("/api/v1/teams/{kind}/{team_id}/leave", { params: { path: teamPath(team) } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["teams"] });
      navigate("/me");
    },
    onError: (error) => notify(errorText(error)),
  });
  return (
    <section className="padded">
      <button
        type="button"
        className="danger"
        disabled={leave.isPending}
        onClick={() => leave.mutate()}
      >
        {t("workspace.team.leave", { name: team.name })}
      </button>
    </section>
  );
}
