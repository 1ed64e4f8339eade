import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin, Rollup } from "vite";

const TEXT = /\.(js|mjs|css|svg|json|txt)$/;
/** Below this a compressed copy saves less than the headers it costs. */
const MIN_BYTES = 1024;

/** The `.gz` and `.br` copies of one built file worth compressing, smaller than it. */
export function compressedCopies(fileName: string, body: Uint8Array): Map<string, Uint8Array> {
  const copies = new Map<string, Uint8Array>();
  if (!TEXT.test(fileName) || body.byteLength < MIN_BYTES) return copies;
  const candidates: [string, Uint8Array][] = [
    [".gz", gzipSync(body, { level: 9 })],
    [
      ".br",
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      }),
    ],
  ];
  for (const [suffix, copy] of candidates) {
    if (copy.byteLength < body.byteLength) copies.set(fileName + suffix, copy);
  }
  return copies;
}

function contents(file: Rollup.OutputChunk | Rollup.OutputAsset): Uint8Array {
  const body = file.type === "chunk" ? file.code : file.source;
  return typeof body === "string" ? new TextEncoder().encode(body) : body;
}

/**
 * Writes a gzip and a brotli copy next to each script and stylesheet of the build. Whitenoise
 * (Django, superapp/settings.py) answers a request for `/assets/x.js` with `x.js.br` or
 * `x.js.gz` when the browser accepts it, so the app's files travel compressed without the
 * server compressing anything per request (docs/web.md, "Budgets").
 */
export function precompress(): Plugin {
  return {
    name: "plaza-precompress",
    apply: "build",
    // The files as written: other plugins still change chunks' code while the bundle is generated.
    writeBundle(options, bundle) {
      for (const file of Object.values(bundle)) {
        for (const [fileName, copy] of compressedCopies(file.fileName, contents(file))) {
          writeFileSync(join(options.dir!, fileName), copy);
        }
      }
    },
  };
}
