// Audio made in the test itself, so no tool beyond Node is needed: a PCM WAV of silence and a
// silent MP3 (MPEG-1 layer III frames whose side info asks for no samples, which decode to silence).

/** A 16-bit mono PCM WAV of `seconds` of silence. */
export function pcmWav(seconds: number, sampleRate = 8000): Buffer {
  const data = Math.round(seconds * sampleRate) * 2;
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data, 40);
  return Buffer.concat([h, Buffer.alloc(data)]);
}

/** A 128 kbit/s 44.1 kHz MP3 of `frames` silent frames (1152 samples, 26.1 ms each). */
export function silentMp3(frames: number): Buffer {
  const frame = Buffer.alloc(417); // 144 × 128000 / 44100, no padding
  frame.set([0xff, 0xfb, 0x90, 0x64]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

export const MP3_FRAME_S = 1152 / 44100;
