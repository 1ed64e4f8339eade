import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { compressedCopies, precompress } from "./precompress";

const script = new TextEncoder().encode("export const greeting = 'hello';\n".repeat(200));

describe("precompress", () => {
  it("writes gzip and brotli copies that decompress to the file", () => {
    const copies = compressedCopies("assets/index-abc.js", script);
    expect([...copies.keys()]).toEqual(["assets/index-abc.js.gz", "assets/index-abc.js.br"]);
    expect(gunzipSync(copies.get("assets/index-abc.js.gz")!)).toEqual(Buffer.from(script));
    expect(brotliDecompressSync(copies.get("assets/index-abc.js.br")!)).toEqual(
      Buffer.from(script),
    );
    for (const copy of copies.values())
      expect(copy.byteLength).toBeLessThan(script.byteLength / 10);
  });

  it("leaves small files, pictures and copies that would not be smaller alone", () => {
    expect(compressedCopies("assets/tiny.js", script.slice(0, 500)).size).toBe(0);
    expect(compressedCopies("assets/photo.png", script).size).toBe(0);
    expect(compressedCopies("assets/noise.js", randomBytes(4096)).size).toBe(0);
  });

  it("writes the copies of every chunk and asset of the build, as written", () => {
    const dir = mkdtempSync(join(tmpdir(), "precompress-"));
    const code = "let a = 1;\n".repeat(200);
    const hook = precompress().writeBundle as (options: { dir: string }, bundle: unknown) => void;
    hook(
      { dir },
      {
        "index.js": { type: "chunk", fileName: "index.js", code },
        "index.css": { type: "asset", fileName: "index.css", source: "a{color:red}\n".repeat(200) },
        "logo.png": { type: "asset", fileName: "logo.png", source: script },
      },
    );
    expect(readdirSync(dir).sort()).toEqual([
      "index.css.br",
      "index.css.gz",
      "index.js.br",
      "index.js.gz",
    ]);
    expect(gunzipSync(readFileSync(join(dir, "index.js.gz"))).toString()).toBe(code);
  });
});
