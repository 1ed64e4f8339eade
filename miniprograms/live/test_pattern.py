"""A test pattern pushed to the media server as OBS would: ffmpeg's ``testsrc`` picture and a
440 Hz ``sine`` tone, H.264 (a keyframe every second, for 1-second HLS fragments) and AAC, in
real time (``-re``). The system tests and ``bench/live.py`` push with it; an operator can too,
to check a new media server:

    python -c "from miniprograms.live.test_pattern import push; push('rtmp://host:1935/live',
    'show-12?key=...').wait()"
"""

import signal
import subprocess


def push(
    rtmp_url: str, stream_key: str, seconds: float = 60, size: str = "320x240"
) -> subprocess.Popen:
    """Start pushing; ffmpeg exits non-zero at once if the media server refuses the key."""
    return subprocess.Popen(
        [
            *("ffmpeg", "-hide_banner", "-loglevel", "error", "-re"),
            *("-f", "lavfi", "-i", f"testsrc=size={size}:rate=25"),
            *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"),
            *("-t", str(seconds), "-c:v", "libx264", "-preset", "ultrafast"),
            *("-tune", "zerolatency", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac"),
            *("-f", "flv", f"{rtmp_url}/{stream_key}"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(pusher: subprocess.Popen) -> None:
    """Stop as OBS's button does: ffmpeg's ``q`` closes the stream cleanly (the media server
    sees the publish end); killed if it does not stop within 15 s."""
    if pusher.poll() is None:
        try:
            pusher.communicate(b"q", timeout=15)
        except subprocess.TimeoutExpired:
            pusher.send_signal(signal.SIGKILL)
            pusher.wait()
