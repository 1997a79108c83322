// Builds the process owner's studio from the pinned npm packages into webui/static/vendor/studio/.
// `npm ci && npm run build` must reproduce the committed files byte for byte (CI checks with git diff):
// minified, no source maps, no timestamps, no absolute paths; the bpmnlint configuration in .bpmnlintrc
// is compiled into the modeler bundle.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const compileConfig = require('bpmnlint/lib/support/compile-config');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const outdir = path.join(root, 'webui', 'static', 'vendor', 'studio');
const LICENSED = [
  'bpmn-js', 'diagram-js', 'bpmn-js-properties-panel', '@bpmn-io/properties-panel', 'camunda-bpmn-moddle',
  'camunda-bpmn-js-behaviors', 'bpmn-js-bpmnlint', 'bpmnlint', 'bpmn-js-differ', 'dmn-js'
];

/** Resolves `virtual:bpmnlint-config` to .bpmnlintrc compiled into rule imports (what bpmnlint-loader does). */
const bpmnlintConfig = {
  name: 'bpmnlint-config',
  setup(build) {
    build.onResolve({ filter: /^virtual:bpmnlint-config$/ }, () => ({ path: 'bpmnlint-config', namespace: 'bpmnlint' }));
    build.onLoad({ filter: /.*/, namespace: 'bpmnlint' }, async () => {
      const config = JSON.parse(await readFile(path.join(root, '.bpmnlintrc'), 'utf8'));
      return { contents: await compileConfig(config), loader: 'js', resolveDir: root };
    });
  }
};

/**
 * Inline style attributes in library markup, which the pages' Content-Security-Policy blocks (and logs);
 * each is replaced by a class styled in the studio's CSS. The build fails if a pattern is no longer found,
 * so an upgrade cannot silently bring a violation back.
 */
const CSP_PATCHES = [
  {
    file: /bpmn-js-properties-panel[\\/]dist[\\/]index\.esm\.js$/,
    from: `domify('<div style="height: 100%" tabindex="-1" class="bio-properties-panel-container"></div>')`,
    to: `domify('<div tabindex="-1" class="bio-properties-panel-container cf-full-height"></div>')`
  }
];

const cspSafe = {
  name: 'csp-safe',
  setup(build) {
    for (const patch of CSP_PATCHES) {
      build.onLoad({ filter: patch.file }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        if (!source.includes(patch.from)) {
          throw new Error(`CSP patch no longer applies to ${path.relative(root, args.path)}: ${patch.from}`);
        }
        return { contents: source.replace(patch.from, patch.to), loader: 'js' };
      });
    }
  }
};

await rm(outdir, { recursive: true, force: true });
await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    modeler: 'webui/frontend/modeler.js',
    'modeler-style': 'webui/frontend/modeler.css',
    'dmn-editor': 'webui/frontend/dmn-editor.js',
    'dmn-editor-style': 'webui/frontend/dmn-editor.css',
    differ: 'webui/frontend/differ.js'
  },
  outdir,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022'],
  charset: 'utf8',
  legalComments: 'eof',
  sourcemap: false,
  metafile: false,
  logLevel: 'warning',
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: 'fonts/[name]-[hash]',
  define: { 'process.env.NODE_ENV': '"production"' },
  plugins: [bpmnlintConfig, cspSafe]
});

const notices = await Promise.all(LICENSED.map(async (name) => {
  const pkg = JSON.parse(await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
  const text = await readFile(path.join(root, 'node_modules', name, 'LICENSE'), 'utf8');
  return `${name} ${pkg.version}\n\n${text.trim()}\n`;
}));
await writeFile(path.join(outdir, 'LICENSES.txt'), notices.join('\n' + '='.repeat(72) + '\n\n'));
