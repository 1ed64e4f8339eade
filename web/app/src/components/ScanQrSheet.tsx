import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Sheet } from "./Sheet";

interface DetectedCode {
  rawValue: string;
}
interface QrDetector {
  detect(source: HTMLVideoElement): Promise<DetectedCode[]>;
}
type QrDetectorClass = new (options: { formats: string[] }) => QrDetector;

/** The browser's own QR reader (the Shape Detection API's `BarcodeDetector`), when it has one
 * and a camera API; null elsewhere (then a person pastes the contact link instead). */
export function qrDetectorClass(): QrDetectorClass | null {
  const detector = (globalThis as { BarcodeDetector?: QrDetectorClass }).BarcodeDetector;
  return detector && typeof navigator.mediaDevices?.getUserMedia === "function" ? detector : null;
}

/** The camera's picture in a sheet, read frame by frame until a QR code shows; its text goes to
 * `onScanned`. The camera stops when the sheet closes. */
export function ScanQrSheet({
  open,
  onOpenChange,
  onScanned,
}: {
  open: boolean;
  onOpenChange(open: boolean): void;
  onScanned(text: string): void;
}) {
  const { t } = useTranslation();
  const video = useRef<HTMLVideoElement>(null);
  const [cameraFailed, setCameraFailed] = useState(false);
  const latestOnScanned = useRef(onScanned);
  useEffect(() => {
    latestOnScanned.current = onScanned;
  });

  useEffect(() => {
    const Detector = qrDetectorClass();
    if (!open || !Detector) return;
    const detector = new Detector({ formats: ["qr_code"] });
    let stream: MediaStream | undefined;
    let frame = 0;
    let stopped = false;
    const scan = async () => {
      if (stopped || !video.current) return;
      const codes = await detector.detect(video.current).catch(() => []);
      if (stopped) return;
      const text = codes[0]?.rawValue;
      if (text) latestOnScanned.current(text);
      else frame = requestAnimationFrame(() => void scan());
    };
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(
      (camera) => {
        stream = camera;
        if (stopped || !video.current) return camera.getTracks().forEach((track) => track.stop());
        video.current.srcObject = camera;
        void video.current.play().then(scan, () => setCameraFailed(true));
      },
      () => setCameraFailed(true),
    );
    return () => {
      stopped = true;
      cancelAnimationFrame(frame);
      stream?.getTracks().forEach((track) => track.stop());
    };
  }, [open]);

  return (
    <Sheet
      open={open}
      onOpenChange={onOpenChange}
      title={t("contacts.scan")}
      description={t("contacts.scanHint")}
    >
      {cameraFailed ? (
        <p role="alert">{t("contacts.cameraUnavailable")}</p>
      ) : (
        <video
          ref={video}
          className="scanner"
          muted
          playsInline
          aria-label={t("contacts.cameraView")}
        />
      )}
    </Sheet>
  );
}
