import { useEffect, useRef, useState } from 'react';
import { cameraScanText } from './camera-text.ts';

// BarcodeDetector (Shape Detection API) is not in TypeScript's DOM library yet.
type DetectedBarcode = { rawValue: string; format: string };
type BarcodeDetectorInstance = { detect(source: HTMLVideoElement): Promise<DetectedBarcode[]> };
type BarcodeDetectorClass = new (options?: { formats?: string[] }) => BarcodeDetectorInstance;

const detectorClass = (): BarcodeDetectorClass | undefined =>
  (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;

/** True where the browser offers barcode detection (Chrome on Android, ChromeOS, some desktops). */
export const cameraScanningAvailable = (): boolean =>
  detectorClass() !== undefined && typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

const REPEAT_MS = 2000;

/**
 * The camera as a scanner: each code it sees is handed to onCode like a scanner's scan. The same
 * code is not repeated within two seconds, so holding a label in view captures it once.
 */
export function CameraScanner({ onCode, onClose }: { onCode: (code: string) => void; onClose: () => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const onCodeRef = useRef(onCode);
  onCodeRef.current = onCode;

  useEffect(() => {
    const Detector = detectorClass();
    if (!Detector) return;
    let stream: MediaStream | null = null;
    let timer = 0;
    let stopped = false;
    const last = { code: '', at: 0 };
    const detector = new Detector();

    const tick = async () => {
      if (stopped) return;
      const video = videoRef.current;
      if (video && video.readyState >= 2) {
        try {
          for (const found of await detector.detect(video)) {
            const now = Date.now();
            if (found.rawValue && (found.rawValue !== last.code || now - last.at > REPEAT_MS)) {
              last.code = found.rawValue;
              last.at = now;
              onCodeRef.current(cameraScanText(found.rawValue, found.format));
            }
          }
        } catch {
          // a frame that could not be read: try the next one
        }
      }
      timer = window.setTimeout(() => void tick(), 150);
    };

    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: 'environment' }, audio: false })
      .then((s) => {
        if (stopped) {
          s.getTracks().forEach((t) => t.stop());
          return;
        }
        stream = s;
        if (videoRef.current) {
          videoRef.current.srcObject = s;
          void videoRef.current.play();
        }
        void tick();
      })
      .catch((e: Error) => setError(`camera: ${e.message || e.name}; allow camera access in the browser, or use the scanner`));

    return () => {
      stopped = true;
      window.clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  return (
    <div className="camera panel" role="group" aria-label="Camera scanner">
      {error ? (
        <p className="message message-error" role="alert">
          {error}
        </p>
      ) : (
        <video ref={videoRef} muted playsInline aria-label="Camera view: hold a barcode in front of the camera" />
      )}
      <button type="button" className="secondary" onClick={onClose}>
        Close camera
      </button>
    </div>
  );
}
