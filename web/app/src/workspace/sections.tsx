import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import { can, type Role, type TeamKind } from "./useTeams";

/** One screen of the workspace: its path under the team, its nav label and who is offered it. */
export interface Section {
  path: string;
  /** An i18n key for the nav link. */
  label: string;
  kind: TeamKind;
  allowed: (role: Role) => boolean;
  screen: LazyExoticComponent<ComponentType>;
}

/** For sections every member of the team may open. */
export const anyMember = () => true;

/**
 * Every workspace screen beyond the team page. Screens load when first opened (some bring the
 * charting library). A section not allowed for a role is neither linked nor rendered; the API
 * refuses it anyway.
 */
export const sections: Section[] = [
  {
    path: "shop",
    label: "workspace.nav.shop",
    kind: "brand",
    allowed: can.manage,
    screen: lazy(() => import("./ShopScreen")),
  },
  {
    path: "orders",
    label: "workspace.nav.orders",
    kind: "brand",
    allowed: can.manage,
    screen: lazy(() => import("./OrdersScreen")),
  },
  {
    path: "reviews",
    label: "shopDesk.nav.reviews",
    kind: "brand",
    allowed: anyMember,
    screen: lazy(() => import("./shop/ReviewsScreen")),
  },
  {
    path: "coupons",
    label: "shopDesk.nav.coupons",
    kind: "brand",
    allowed: can.manage,
    screen: lazy(() => import("./shop/CouponsScreen")),
  },
  {
    path: "loyalty",
    label: "loyaltyWorkspace.nav.loyalty",
    kind: "brand",
    allowed: can.manage,
    screen: lazy(() => import("./loyalty/LoyaltyScreen")),
  },
  {
    path: "in-store",
    label: "loyaltyWorkspace.nav.inStore",
    kind: "brand",
    allowed: anyMember,
    screen: lazy(() => import("./loyalty/InStoreScreen")),
  },
  {
    path: "official",
    label: "workspace.nav.official",
    kind: "brand",
    allowed: can.manage,
    screen: lazy(() => import("./official/OfficialScreen")),
  },
  {
    // Associates may host or moderate a show (the API lets the host run its room): they see
    // the shows they run; scheduling is for managers.
    path: "live",
    label: "liveControl.nav",
    kind: "brand",
    allowed: anyMember,
    screen: lazy(() => import("./live/LiveScreen")),
  },
  {
    path: "service",
    label: "cs.nav.service",
    kind: "brand",
    allowed: anyMember,
    screen: lazy(() => import("./service/ServiceScreen")),
  },
  {
    path: "clients",
    label: "cs.nav.clients",
    kind: "brand",
    allowed: anyMember,
    screen: lazy(() => import("./clients/ClientsScreen")),
  },
  {
    path: "apps",
    label: "developer.nav.apps",
    kind: "organisation",
    allowed: anyMember,
    screen: lazy(() => import("./developer/AppsScreen")),
  },
  // New sections are appended here, one entry each.
];
