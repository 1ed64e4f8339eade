import { spawn, type ChildProcess } from "node:child_process";

// A host's stream as OBS sends it, for the specs that push video to the e2e server's media server.

/** ffmpeg's test pattern: H.264 with a keyframe every second (1 s HLS fragments) and AAC, in real
 * time, as miniprograms/live/test_pattern.py pushes it. */
export function push(server: string, streamKey: string): ChildProcess {
  const pusher = spawn(
    "ffmpeg",
    [
      ...["-hide_banner", "-loglevel", "error", "-re"],
      ...["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"],
      ...["-t", "120", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency"],
      ...["-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", "-f", "flv", `${server}/${streamKey}`],
    ],
    { stdio: ["pipe", "ignore", "inherit"] },
  );
  return pusher;
}

/** Stops the push as OBS's button does (ffmpeg's `q`), so the media server sees it end. */
export async function stopPush(pusher: ChildProcess): Promise<void> {
  if (pusher.exitCode !== null) return;
  const exited = new Promise((resolve) => pusher.once("exit", resolve));
  pusher.stdin?.end("q");
  await exited;
}
