import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export interface Asset {
  url: string;
  body: Buffer;
  contentType: string;
}

const webDir = fileURLToPath(new URL('../web/', import.meta.url));
const hash = (b: Buffer | string) => createHash('sha256').update(b).digest('hex').slice(0, 10);

const cssOptions: BuildOptions = {
  // Images a stylesheet refers to (Leaflet's) become files named by their hash, under /assets.
  loader: { '.png': 'file', '.svg': 'file' },
  assetNames: '[name].[hash]',
  publicPath: '/assets',
};
const jsOptions: BuildOptions = { format: 'iife', target: 'es2019' };
const IMAGE_TYPES: Record<string, string> = { '.png': 'image/png', '.svg': 'image/svg+xml' };

interface Bundle {
  main: Buffer;
  files: Array<{ url: string; body: Buffer; contentType: string }>;
}

/**
 * Bundles and minifies one entry of `src/web/assets` in memory. The result depends only on the
 * sources, so it is built once per process and shared by every app instance (tests build many).
 */
const bundles = new Map<string, Promise<Bundle>>();
function bundle(entry: string, options: BuildOptions): Promise<Bundle> {
  let built = bundles.get(entry);
  if (!built) {
    built = build({
      ...options,
      entryPoints: [`${webDir}assets/${entry}`],
      bundle: true,
      minify: true,
      write: false,
      outdir: '/assets',
      logLevel: 'silent',
    }).then(({ outputFiles }) => {
      const mainPath = `/assets/${entry.replace(/\.ts$/, '.js')}`;
      const main = outputFiles.find((f) => f.path === mainPath);
      if (!main) throw new Error(`esbuild produced no ${mainPath}`);
      return {
        main: Buffer.from(main.contents),
        files: outputFiles
          .filter((f) => f !== main)
          .map((f) => ({
            url: f.path,
            body: Buffer.from(f.contents),
            contentType: IMAGE_TYPES[f.path.slice(f.path.lastIndexOf('.'))] ?? 'application/octet-stream',
          })),
      };
    });
    // A failed build is not kept: the next start tries again.
    built.catch(() => bundles.delete(entry));
    bundles.set(entry, built);
  }
  return built;
}

/**
 * Builds the static assets once at start-up, in memory: client scripts bundled and minified by
 * esbuild, CSS minified, every file served under a content-hashed name so it can be cached for
 * a year. `urls` maps a logical name (`app.css`) to its hashed URL.
 */
export class Assets {
  private readonly byUrl = new Map<string, Asset>();
  readonly urls: Record<string, string> = {};

  /** Builds the bundles of `src/web/assets`: the site's CSS and script, and the map's (`/carte`). */
  async buildAll(): Promise<void> {
    const [css, js, mapCss, mapJs] = await Promise.all([
      bundle('app.css', cssOptions),
      bundle('app.ts', jsOptions),
      bundle('map.css', cssOptions),
      bundle('map.ts', jsOptions),
    ]);
    this.add('app.css', css.main, 'text/css; charset=utf-8');
    this.add('app.js', js.main, 'text/javascript; charset=utf-8');
    // Leaflet's stylesheet refers to its images: they keep the URLs esbuild gave them (hashed).
    for (const file of mapCss.files) this.put(file.url, file.body, file.contentType);
    this.add('map.css', mapCss.main, 'text/css; charset=utf-8');
    this.add('map.js', mapJs.main, 'text/javascript; charset=utf-8');
  }

  /** Registers a file under a hashed URL and returns that URL. */
  add(name: string, body: Buffer, contentType: string): string {
    const dot = name.lastIndexOf('.');
    const url = `/assets/${name.slice(0, dot)}.${hash(body)}${name.slice(dot)}`;
    this.byUrl.set(url, { url, body, contentType });
    this.urls[name] = url;
    return url;
  }

  /** Registers a file at a URL that already carries its content hash. */
  private put(url: string, body: Buffer, contentType: string): void {
    this.byUrl.set(url, { url, body, contentType });
  }

  /** Registers a file read from disk (e.g. a vendored library). */
  async addFile(name: string, path: string, contentType: string): Promise<string> {
    return this.add(name, await readFile(path), contentType);
  }

  get(url: string): Asset | undefined {
    return this.byUrl.get(url);
  }

  url(name: string): string {
    const url = this.urls[name];
    if (!url) throw new Error(`unknown asset ${name}`);
    return url;
  }
}
