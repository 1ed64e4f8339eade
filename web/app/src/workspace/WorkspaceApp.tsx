import { lazy, Suspense, useEffect, useRef } from "react";
import { Link, NavLink, Navigate, Outlet, Route, Routes, useLocation } from "react-router-dom";
import { useMutationState } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { ErrorView, Loading } from "../components/Status";
import { TopBar } from "../components/TopBar";
import { useCurrentTeam, useTeams, type Team } from "./useTeams";
import { TeamScreen } from "./TeamScreen";
import { sections, type Section } from "./sections";
import { CREATE_ORGANISATION, NewOrganisation, ReviewEntry } from "./developer/NewOrganisation";

// Platform staff, not a team: the review queue and brand verification.
const ReviewScreen = lazy(() => import("./developer/ReviewScreen"));

/** The workspace (`/workspace/...`): brand staff and developers, switched into from Me. */
export default function WorkspaceApp() {
  return (
    <Routes>
      <Route index element={<TeamPicker />} />
      <Route
        path="review"
        element={
          <Suspense fallback={<Loading />}>
            <ReviewScreen />
          </Suspense>
        }
      />
      <Route path=":kind/:teamId" element={<WorkspaceLayout />}>
        <Route index element={<Navigate to="team" replace />} />
        <Route path="team" element={<TeamScreen />} />
        {sections.map((section) => (
          <Route
            key={section.path}
            path={section.path}
            element={<AllowedOnly section={section} />}
          />
        ))}
      </Route>
      <Route path="*" element={<Navigate to="/workspace" replace />} />
    </Routes>
  );
}

function teamPath(team: Team): string {
  return `/workspace/${team.kind}/${team.id}`;
}

function TeamPicker() {
  const { t } = useTranslation();
  const teams = useTeams();
  // Someone who just created an organisation is taken to its apps, not to the sole team's page.
  const created = useMutationState({ filters: { mutationKey: CREATE_ORGANISATION } }).length > 0;
  if (teams.isPending) return <Loading />;
  if (teams.isError) return <ErrorView error={teams.error} retry={() => void teams.refetch()} />;
  const [only] = teams.data;
  if (teams.data.length === 1 && only && !created)
    return <Navigate to={`${teamPath(only)}/team`} replace />;
  return (
    <div className="layout">
      <TopBar title={t("workspace.title")} back />
      {teams.data.length === 0 ? (
        <p className="empty">{t("workspace.noTeams")}</p>
      ) : (
        <ul className="list" aria-label={t("workspace.teams")}>
          {teams.data.map((team) => (
            <li key={`${team.kind}-${team.id}`}>
              <Link className="row" to={`${teamPath(team)}/team`}>
                <span className="row-main">
                  <span className="row-title">{team.name}</span>
                  <span className="row-sub">
                    {t(`workspace.kinds.${team.kind}`)} · {t(`workspace.roles.${team.role}`)}
                  </span>
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <ReviewEntry />
      <NewOrganisation />
    </div>
  );
}

function WorkspaceLayout() {
  const { t } = useTranslation();
  const { team, isPending } = useCurrentTeam();
  if (isPending) return <Loading />;
  if (!team) return <Navigate to="/workspace" replace />;
  const links = [
    { to: "team", label: t("workspace.nav.team") },
    ...sections
      .filter((section) => isAllowed(section, team))
      .map((section) => ({ to: section.path, label: t(section.label) })),
  ];
  return (
    <div className="workspace">
      <WorkspaceNav team={team} links={links} />
      <main className="workspace-content">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

/**
 * The team's sections: a sidebar on wide screens, a bar along the bottom of a phone that scrolls
 * sideways when a brand has more sections than fit, keeping the open one in view.
 */
function WorkspaceNav({ team, links }: { team: Team; links: { to: string; label: string }[] }) {
  const { t } = useTranslation();
  const nav = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  useEffect(() => {
    nav.current?.querySelector("a.active")?.scrollIntoView({ block: "nearest", inline: "center" });
  }, [pathname]);
  return (
    <nav ref={nav} className="workspace-nav" aria-label={t("workspace.nav.label")}>
      <p className="workspace-team">
        <strong>{team.name}</strong>
        <span className="muted small">{t(`workspace.roles.${team.role}`)}</span>
      </p>
      {links.map((link) => (
        <NavLink key={link.to} to={link.to}>
          {link.label}
        </NavLink>
      ))}
      <NavLink to="/workspace" end className="workspace-switch">
        {t("workspace.nav.switch")}
      </NavLink>
      <Link to="/me">{t("workspace.nav.exit")}</Link>
    </nav>
  );
}

function isAllowed(section: Section, team: Team): boolean {
  return section.kind === team.kind && section.allowed(team.role);
}

/** A screen the person's role is not offered is not rendered either, even if its path is typed in. */
function AllowedOnly({ section }: { section: Section }) {
  const { team } = useCurrentTeam();
  if (!team || !isAllowed(section, team)) return <Navigate to="../team" replace />;
  const Screen = section.screen;
  return <Screen />;
}
