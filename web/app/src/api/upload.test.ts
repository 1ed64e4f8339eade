import { describe, expect, it } from "vitest";
import { bytesRequest, goesToBucket } from "./upload";

const photo = new File([new Uint8Array([137, 80, 78, 71])], "cat.png", { type: "image/png" });

// the create-upload answer's `upload` in each storage mode (superapp/media/api/views.py)
const bucket = {
  upload: {
    method: "POST" as const,
    url: "http://127.0.0.1:9000/plaza-media",
    fields: { key: "private/chat/ab/cd.bin", policy: "eyJ…", "x-amz-signature": "f00" },
  },
};
const plaza = {
  upload: {
    method: "PUT" as const,
    url: "http://plaza.test/api/v1/media/uploads/7/content",
    headers: { "Content-Type": "application/octet-stream" },
  },
};

describe("direct uploads", () => {
  it("sends the bytes straight to the bucket when the server answers a presigned form", () => {
    expect(goesToBucket(bucket)).toBe(true);
    const request = bytesRequest(bucket, photo, "access-token");
    expect(request.method).toBe("POST");
    expect(request.url).toBe("http://127.0.0.1:9000/plaza-media");
    // the signature authorises the form: Plaza's token never goes to the storage service
    expect(request.headers).toEqual({});
    const form = request.body as FormData;
    expect([...form.keys()]).toEqual(["key", "policy", "x-amz-signature", "file"]);
    expect(form.get("key")).toBe("private/chat/ab/cd.bin");
    expect((form.get("file") as File).name).toBe("cat.png");
  });

  it("puts the raw bytes to Plaza with the bearer token otherwise", () => {
    expect(goesToBucket(plaza)).toBe(false);
    const request = bytesRequest(plaza, photo, "access-token");
    expect(request.method).toBe("PUT");
    expect(request.url).toBe("http://plaza.test/api/v1/media/uploads/7/content");
    expect(request.body).toBe(photo);
    expect(request.headers).toMatchObject({
      "Content-Type": "application/octet-stream",
      Authorization: "Bearer access-token",
      "X-Plaza-Client": "web",
    });
    expect(bytesRequest(plaza, photo, null).headers.Authorization).toBeUndefined();
  });
});
