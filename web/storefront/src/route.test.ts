import { describe, expect, it } from "vitest";
import { parseRoute, pathOf } from "./route";

describe("routes", () => {
  it("reads every page path of the contract", () => {
    expect(parseRoute("/")).toEqual({ page: "home" });
    expect(parseRoute(undefined)).toEqual({ page: "home" });
    expect(parseRoute("/products/12")).toEqual({ page: "product", id: 12 });
    expect(parseRoute("/cart/")).toEqual({ page: "cart" });
    expect(parseRoute("/orders")).toEqual({ page: "orders" });
    expect(parseRoute("/orders/7?x=1")).toEqual({ page: "order", id: 7 });
    expect(parseRoute("/teams/3")).toEqual({ page: "team", id: 3 });
  });

  it("sends unknown paths home and writes paths back", () => {
    expect(parseRoute("/products/abc")).toEqual({ page: "home" });
    for (const path of ["/", "/products/1", "/cart", "/orders", "/orders/2", "/teams/3"]) {
      expect(pathOf(parseRoute(path))).toBe(path);
    }
  });
});
