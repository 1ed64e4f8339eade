import { Suspense, lazy } from "react";
import type { ReactNode } from "react";
import { NavLink, Navigate, Outlet, Route, Routes } from "react-router-dom";
import { useTranslation } from "react-i18next";
import { SessionProvider, useSession } from "./auth/session";
import { RealtimeProvider, useConnectionStatus } from "./realtime/RealtimeProvider";
import { ToastProvider } from "./components/Toast";
import { Loading } from "./components/Status";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { LoginScreen, RegisterScreen } from "./screens/Auth";
import { ChatListScreen } from "./screens/ChatList";

// The first screen (log in, the chat list) is in the entry chunk; the rest loads on demand.
const ChatScreen = lazy(() => import("./screens/Chat"));
const ContactsScreen = lazy(() => import("./screens/Contacts"));
const DiscoverScreen = lazy(() => import("./screens/Discover"));
const MomentsScreen = lazy(() => import("./screens/Moments"));
const OfficialAccountsScreen = lazy(() => import("./screens/OfficialAccounts"));
const OfficialAccountScreen = lazy(() => import("./screens/OfficialAccount"));
const SearchKindScreen = lazy(() => import("./screens/SearchKind"));
const MeScreen = lazy(() => import("./screens/Me"));
const WalletScreen = lazy(() => import("./screens/Wallet"));
// The workspace (brand staff, developers) and its charts: never in the consumer's first screen.
const WorkspaceApp = lazy(() => import("./workspace/WorkspaceApp"));
const MiniProgramHostScreen = lazy(() => import("./screens/MiniProgramHost"));
const MiniProgramPermissionsScreen = lazy(() => import("./screens/MiniProgramPermissions"));
const AuthorizeScreen = lazy(() => import("./screens/Authorize"));
const LiveShowsScreen = lazy(() => import("./live/LiveShows"));
const LiveRoomScreen = lazy(() => import("./live/LiveRoom"));

export function App() {
  return (
    <ErrorBoundary>
      <ToastProvider>
        <SessionProvider>
          <Suspense fallback={<Loading />}>
            <AppRoutes />
          </Suspense>
        </SessionProvider>
      </ToastProvider>
    </ErrorBoundary>
  );
}

function AppRoutes() {
  const { status } = useSession();
  if (status === "loading") return <Loading />;
  if (status === "anonymous") {
    return (
      <Routes>
        <Route path="/register" element={<RegisterScreen />} />
        <Route path="*" element={<LoginScreen />} />
      </Routes>
    );
  }
  return (
    <RealtimeProvider>
      <Routes>
        <Route element={<TabsLayout />}>
          <Route index element={<ChatListScreen />} />
          <Route path="contacts" element={<ContactsScreen />} />
          <Route path="discover" element={<DiscoverScreen />} />
          <Route path="me" element={<MeScreen />} />
        </Route>
        <Route element={<PlainLayout />}>
          <Route path="chats/:id" element={<ChatScreen />} />
          <Route path="moments" element={<MomentsScreen />} />
          <Route path="accounts" element={<OfficialAccountsScreen />} />
          <Route path="accounts/:id" element={<OfficialAccountScreen />} />
          <Route path="wallet" element={<WalletScreen />} />
          <Route path="search/:kind" element={<SearchKindScreen />} />
          <Route path="apps/:appId" element={<MiniProgramHostScreen />} />
          <Route path="authorize" element={<AuthorizeScreen />} />
          <Route path="me/miniprogram-permissions" element={<MiniProgramPermissionsScreen />} />
          <Route path="live" element={<LiveShowsScreen />} />
          <Route path="live/:showId" element={<LiveRoomScreen />} />
        </Route>
        <Route path="workspace/*" element={<WorkspaceApp />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </RealtimeProvider>
  );
}

function ConnectionBanner() {
  const { t } = useTranslation();
  const status = useConnectionStatus();
  if (status === "online" || status === "connecting") return null;
  return (
    <div className={`banner banner-${status}`} role="status">
      {t(`connection.${status}`)}
    </div>
  );
}

function TabsLayout() {
  const { t } = useTranslation();
  const tabs = [
    { to: "/", label: t("tabs.chats"), end: true },
    { to: "/contacts", label: t("tabs.contacts") },
    { to: "/discover", label: t("tabs.discover") },
    { to: "/me", label: t("tabs.me") },
  ];
  return (
    <PlainLayout>
      <nav className="tabbar" aria-label={t("tabs.label")}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end}>
            {tab.label}
          </NavLink>
        ))}
      </nav>
    </PlainLayout>
  );
}

/** The page, and under it what `children` add (the tab bar). */
function PlainLayout({ children }: { children?: ReactNode }) {
  return (
    <div className="layout">
      <ConnectionBanner />
      <main className="content">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
      {children}
    </div>
  );
}
