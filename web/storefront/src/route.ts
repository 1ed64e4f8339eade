/** The storefront's pages (CONTRACTS.md): the host passes the page path in its launch options. */
export type Route =
  | { page: "home" }
  | { page: "product"; id: number }
  | { page: "cart" }
  | { page: "orders" }
  | { page: "order"; id: number }
  | { page: "team"; id: number };

export function parseRoute(path: string | undefined): Route {
  const clean = (path ?? "/").split("?")[0]!.replace(/\/+$/, "") || "/";
  const match = /^\/(products|orders|teams)\/(\d+)$/.exec(clean);
  if (match) {
    const id = Number(match[2]);
    if (match[1] === "products") return { page: "product", id };
    if (match[1] === "orders") return { page: "order", id };
    return { page: "team", id };
  }
  if (clean === "/cart") return { page: "cart" };
  if (clean === "/orders") return { page: "orders" };
  return { page: "home" };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case "home":
      return "/";
    case "product":
      return `/products/${route.id}`;
    case "order":
      return `/orders/${route.id}`;
    case "team":
      return `/teams/${route.id}`;
    default:
      return `/${route.page}`;
  }
}
