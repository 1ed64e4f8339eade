import { describe, expect, it } from "vitest";
import { dataAddress, keepPhotos, photoAddresses, reviewPhotoForm } from "./photos";

const photo = (name: string) => new File([new Uint8Array([1, 2, 3])], name, { type: "image/png" });

describe("review photos", () => {
  it("keeps what was picked up to the limit and counts the rest as dropped", () => {
    const first = keepPhotos([], [photo("a"), photo("b")], 3);
    expect(first.photos.map((file) => file.name)).toEqual(["a", "b"]);
    expect(first.dropped).toBe(0);
    const more = keepPhotos(first.photos, [photo("c"), photo("d"), photo("e")], 3);
    expect(more.photos.map((file) => file.name)).toEqual(["a", "b", "c"]);
    expect(more.dropped).toBe(2);
    const full = keepPhotos(more.photos, [photo("f")], 3);
    expect(full.photos).toHaveLength(3);
    expect(full.dropped).toBe(1);
  });

  it("uploads each photo as a review upload under its own name", () => {
    const form = reviewPhotoForm(photo("mug.png"));
    expect(form.get("purpose")).toBe("review");
    expect((form.get("file") as File).name).toBe("mug.png");
  });

  it("shows only the addresses of a review's photos", () => {
    expect(photoAddresses(["https://cdn.example/a.webp", "", 3, null])).toEqual([
      "https://cdn.example/a.webp",
    ]);
    expect(photoAddresses(null)).toEqual([]);
  });

  it("previews a picked photo as a data: address (the storefront's CSP refuses blob:)", async () => {
    expect(await dataAddress(photo("a.png"))).toBe("data:image/png;base64,AQID");
  });
});
