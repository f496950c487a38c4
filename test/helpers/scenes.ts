import sharp from "sharp";

/*
 * Photos of "scenes" made on the fly, for the perceptual fingerprint: a seeded set of
 * shapes over a lit background (a meeting room, a banner, a tree), with grain. Two
 * shots of one scene move the camera a little (`shot`); another seed is another scene.
 */

function random(seed: number) {
  let state = (seed * 2654435761) >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export interface SceneOptions {
  width?: number;
  height?: number;
  /** 0 is the first shot; another number moves the camera a little and changes the light. */
  shot?: number;
}

function svg(seed: number, { width = 800, height = 600, shot = 0 }: SceneOptions): string {
  const next = random(seed);
  const move = random(seed * 31 + shot);
  const dx = shot ? (move() - 0.5) * 0.12 * width : 0;
  const dy = shot ? (move() - 0.5) * 0.12 * height : 0;
  const colour = () =>
    `rgb(${Math.floor(next() * 255)},${Math.floor(next() * 255)},${Math.floor(next() * 255)})`;
  const shapes: string[] = [];
  for (let i = 0; i < 14; i++) {
    const x = next() * width + dx;
    const y = next() * height + dy;
    const size = (0.08 + next() * 0.25) * Math.min(width, height);
    const fill = colour();
    shapes.push(
      next() < 0.5
        ? `<circle cx="${x}" cy="${y}" r="${size / 2}" fill="${fill}"/>`
        : `<rect x="${x - size / 2}" y="${y - size / 3}" width="${size}" height="${(size * 2) / 3}" fill="${fill}" transform="rotate(${Math.floor(next() * 40 - 20)} ${x} ${y})"/>`,
    );
  }
  const light = shot ? 0.85 + move() * 0.3 : 1;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="g" x1="${next().toFixed(2)}" y1="${next().toFixed(2)}" x2="${next().toFixed(2)}" y2="${next().toFixed(2)}">
    <stop offset="0" stop-color="${colour()}"/><stop offset="1" stop-color="${colour()}"/>
  </linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
  <g opacity="${Math.min(1, light)}">${shapes.join("")}</g>
</svg>`;
}

/** A scene as a JPEG at quality 90, as a phone would send it. */
export async function scenePhoto(seed: number, options: SceneOptions = {}): Promise<Buffer> {
  const { width = 800, height = 600 } = options;
  const grain = Buffer.alloc(width * height);
  const noise = random(seed * 7 + (options.shot ?? 0) + 1);
  for (let i = 0; i < grain.length; i++) grain[i] = Math.floor(noise() * 24);
  const base = await sharp(Buffer.from(svg(seed, options)))
    .png()
    .toBuffer();
  const grainLayer = await sharp(grain, { raw: { width, height, channels: 1 } })
    .toColourspace("srgb")
    .png()
    .toBuffer();
  return sharp(base)
    .composite([{ input: grainLayer, blend: "overlay" }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** What chat apps do to a photo, and what a unit might do to re-use one. */
export const edits = {
  recompressed: (photo: Buffer) => sharp(photo).jpeg({ quality: 50 }).toBuffer(),
  halfSize: async (photo: Buffer) => {
    const { width = 0 } = await sharp(photo).metadata();
    return sharp(photo)
      .resize(Math.round(width / 2))
      .jpeg({ quality: 80 })
      .toBuffer();
  },
  cropped: async (photo: Buffer, fraction = 0.08) => {
    const { width = 0, height = 0 } = await sharp(photo).metadata();
    const left = Math.round((width * fraction) / 2);
    const top = Math.round((height * fraction) / 2);
    return sharp(photo)
      .extract({ left, top, width: width - 2 * left, height: height - 2 * top })
      .jpeg({ quality: 85 })
      .toBuffer();
  },
  mirrored: (photo: Buffer) => sharp(photo).flop().jpeg({ quality: 85 }).toBuffer(),
  brightened: (photo: Buffer) => sharp(photo).modulate({ brightness: 1.25 }).jpeg().toBuffer(),
};

/** A photo of one colour, with the grain a JPEG gives it. */
export function flatPhoto(r: number, g: number, b: number, width = 640, height = 480) {
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } })
    .jpeg({ quality: 70 })
    .toBuffer();
}

/** An animated WebP of a few frames (a sticker, a GIF re-saved by a chat app). */
export async function animatedWebp(width = 64, height = 48): Promise<Buffer> {
  const frames = await Promise.all(
    [10, 120, 240].map((r) =>
      sharp({ create: { width, height, channels: 3, background: { r, g: 50, b: 90 } } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    .webp({ loop: 0, delay: [100, 100, 100] })
    .toBuffer();
}
