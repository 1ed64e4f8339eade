import { describe, expect, it } from "vitest";
import type { Launch } from "./asks";
import { appPath, requestedPage, resolvePage } from "./paths";

const launch = {
  app_id: "mp1",
  bundle_url: "https://mp.plaza.test/mp/mp1/",
  pages: ["pages/index", "pages/order"],
  entry_page: "pages/index",
} as Launch;

describe("mini-program paths", () => {
  it("builds the host route with the page, scene and source", () => {
    expect(appPath("mp1", { path: "pages/order?id=3", from: "chat_card" })).toBe(
      "/apps/mp1?path=pages%2Forder%3Fid%3D3&from=chat_card",
    );
    expect(appPath("mp 1", { scene: "t=12", from: "qr" })).toBe(
      "/apps/mp%201?scene=t%3D12&from=qr",
    );
  });

  it("adds a long link's query to the requested page", () => {
    const page = (search: string) => requestedPage(new URLSearchParams(search));
    expect(page("path=pages%2Forder&query=campaign%3Dx%26y%3D2")).toBe(
      "pages/order?campaign=x&y=2",
    );
    expect(page("path=pages%2Forder%3Fid%3D3&query=c%3D1")).toBe("pages/order?id=3&c=1");
    expect(page("path=pages%2Forder&scene=t%3D12")).toBe("pages/order");
    expect(page("")).toBe("");
  });

  it("opens a known page with its query inside the bundle", () => {
    const { src, options } = resolvePage(launch, "pages/order?id=3&x=y", "poster", "link");
    expect(src).toBe("https://mp.plaza.test/mp/mp1/pages/order.html?id=3&x=y");
    expect(options).toEqual({
      path: "pages/order",
      query: { id: "3", x: "y" },
      scene: "poster",
      source: "link",
    });
  });

  it("opens the entry page for a path that is not a bundle file, and passes the path on", () => {
    for (const requested of ["pages/nope?a=1", "/products/12?a=1", "../../api/v1/me?a=1"]) {
      const { src, options } = resolvePage(launch, requested, "", "search");
      expect(src).toBe("https://mp.plaza.test/mp/mp1/pages/index.html");
      expect(options.path).toBe(requested.split("?")[0]);
      expect(options.query).toEqual({ a: "1" });
    }
    expect(resolvePage(launch, "", "", "link").options.path).toBe("pages/index");
  });
});
