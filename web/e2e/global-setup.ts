import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Starts scripts/e2e_server.py and waits for its `READY <url>`; the teardown closes its stdin
 * (it then stops uvicorn and the worker and drops its database). */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const python = process.env.PLAZA_PYTHON ?? path.join(root, ".venv/bin/python");
  const server = spawn(python, ["scripts/e2e_server.py"], {
    cwd: root,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
      const match = /READY (\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    server.on("exit", (code) => reject(new Error(`e2e server exited (${code})`)));
  });
  process.env.PLAZA_URL = url;
  return async () => {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.stdin.end();
    await exited;
  };
}
