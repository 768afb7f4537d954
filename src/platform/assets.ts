import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface Asset {
  url: string;
  body: Buffer;
  contentType: string;
}

const webDir = fileURLToPath(new URL('../web/', import.meta.url));
const hash = (b: Buffer | string) => createHash('sha256').update(b).digest('hex').slice(0, 10);

/**
 * Builds the static assets once at start-up, in memory: client scripts bundled and minified by
 * esbuild, CSS minified, every file served under a content-hashed name so it can be cached for
 * a year. `urls` maps a logical name (`app.css`) to its hashed URL.
 */
export class Assets {
  private readonly byUrl = new Map<string, Asset>();
  readonly urls: Record<string, string> = {};

  /** Builds the bundles of `src/web/assets`. */
  async buildAll(): Promise<void> {
    const css = await build({
      entryPoints: [`${webDir}assets/app.css`],
      bundle: true,
      minify: true,
      write: false,
      logLevel: 'silent',
    });
    this.add('app.css', Buffer.from(css.outputFiles[0]!.contents), 'text/css; charset=utf-8');
    const js = await build({
      entryPoints: [`${webDir}assets/app.ts`],
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2019',
      write: false,
      logLevel: 'silent',
    });
    this.add('app.js', Buffer.from(js.outputFiles[0]!.contents), 'text/javascript; charset=utf-8');
  }

  /** Registers a file under a hashed URL and returns that URL. */
  add(name: string, body: Buffer, contentType: string): string {
    const dot = name.lastIndexOf('.');
    const url = `/assets/${name.slice(0, dot)}.${hash(body)}${name.slice(dot)}`;
    this.byUrl.set(url, { url, body, contentType });
    this.urls[name] = url;
    return url;
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
