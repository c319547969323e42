/**
 * Short beeps for the packing station, from a Web Audio oscillator (no sound files): a high chirp
 * for a good scan, a low buzz for a refused one. Muting is remembered in localStorage.
 */

const MUTE_KEY = 'unitrace.packing.muted';

export function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === 'true';
  } catch {
    return false;
  }
}

export function writeMuted(muted: boolean): void {
  try {
    localStorage.setItem(MUTE_KEY, String(muted));
  } catch {
    // private mode or storage full: the choice lasts for this page only
  }
}

type Tone = { frequency: number; seconds: number; type: OscillatorType; repeat: number };

export const TONES: Record<'good' | 'bad' | 'info', Tone> = {
  good: { frequency: 1320, seconds: 0.08, type: 'sine', repeat: 1 },
  info: { frequency: 880, seconds: 0.05, type: 'sine', repeat: 1 },
  bad: { frequency: 196, seconds: 0.16, type: 'square', repeat: 2 },
};

let context: AudioContext | null = null;

export function beep(kind: keyof typeof TONES): void {
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return;
  try {
    context ??= new Ctor();
    if (context.state === 'suspended') void context.resume();
    const tone = TONES[kind];
    let at = context.currentTime;
    for (let i = 0; i < tone.repeat; i += 1) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = tone.type;
      oscillator.frequency.value = tone.frequency;
      gain.gain.setValueAtTime(0.0001, at);
      gain.gain.exponentialRampToValueAtTime(0.2, at + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.seconds);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + tone.seconds + 0.02);
      at += tone.seconds + 0.06;
    }
  } catch {
    // no audio device: the colours and messages still tell the packer
  }
}
